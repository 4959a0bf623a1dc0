{#- The one way a value reaches SQL text as a string literal: file names, folder paths, vars,
    seed and catalog values. `sql_string("o'brien")` gives 'o''brien' on DuckDB and
    'o\'brien' on Spark (whose string literals also treat the backslash as an escape, so a
    backslash is doubled too). NUL is refused: no engine keeps it in a literal. -#}
{% macro sql_string(value) -%}
    {%- set text = value | string -%}
    {%- if '\x00' in text -%}
        {{ exceptions.raise_compiler_error("A NUL character cannot be part of an SQL string literal: " ~ ("%r" | format(text))) }}
    {%- endif -%}
    {{- return(adapter.dispatch('sql_string', 'crm_indicators')(text)) -}}
{%- endmacro %}

{% macro default__sql_string(text) -%}
    {{- return("'" ~ text | replace("'", "''") ~ "'") -}}
{%- endmacro %}

{% macro spark__sql_string(text) -%}
    {{- return("'" ~ text | replace('\\', '\\\\') | replace("'", "\\'") ~ "'") -}}
{%- endmacro %}


{#- A whole number for SQL text (a var such as incremental_lookback_days): anything else
    stops the run with a message naming the var, never reaching the SQL. -#}
{% macro sql_integer(value, name) -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.fullmatch('[+-]?[0-9]{1,9}', text) -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a whole number, got " ~ ("%r" | format(text))) }}
    {%- endif -%}
    {{- return(text | int) -}}
{%- endmacro %}
