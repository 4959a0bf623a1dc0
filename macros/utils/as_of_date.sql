{#- The reporting date every figure is computed for, always read from the one-row model
    int_as_of_date (so unit tests that mock ref('int_as_of_date') hold whether or not the var
    `as_of_date` is set). Never the wall clock. -#}
{% macro as_of_date() -%}
    (select as_of_date from {{ ref('int_as_of_date') }})
{%- endmacro %}


{#- The var `as_of_date` checked strictly: none when unset or empty, else the date as a
    'YYYY-MM-DD' string. Anything else (another format, a day that does not exist, SQL) stops
    the run with a compiler error before any SQL is written. YAML turns an unquoted
    2026-10-31 into a date: its text form is the same string. -#}
{% macro as_of_date_var() -%}
    {%- set raw = var('as_of_date', none) -%}
    {%- if raw is none or (raw | string | trim) in ('', 'None', 'none', 'null') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {#- checked when the model runs, so a bad value fails that node with this message -#}
    {%- if not execute -%}
        {{ return(text) }}
    {%- endif -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {{ exceptions.raise_compiler_error(
            "var as_of_date must be a date written YYYY-MM-DD (as-of date 报告日期格式应为 YYYY-MM-DD), got: "
            ~ (text | tojson)) }}
    {%- endif -%}
    {%- set year = text[0:4] | int -%}
    {%- set month = text[5:7] | int -%}
    {%- set day = text[8:10] | int -%}
    {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {%- if year < 1900 or month < 1 or month > 12 or day < 1 or day > month_days[month - 1] -%}
        {{ exceptions.raise_compiler_error(
            "var as_of_date is not a real date (as-of date 报告日期不存在): " ~ (text | tojson)) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}


{#- The export date written in an export file's name (the first YYYY-MM-DD in it, as the
    landing contract names files: 2026-11-25_delta.csv), or null when the name holds no real
    date. Same SQL on DuckDB and Spark (both have regexp_extract with a group index). -#}
{% macro export_file_date(column) -%}
    try_cast(nullif(regexp_extract({{ column }}, '([0-9]{4}-[0-9]{2}-[0-9]{2})', 1), '') as date)
{%- endmacro %}
