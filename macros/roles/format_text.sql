{#- Text formatting for the Chinese / English messages of the role views, the same on every
    engine. -#}

{#- A whole amount with thousands separators, e.g. 120000.40 -> '120,000'. -#}
{% macro format_thousands(amount) -%}
    {{ return(adapter.dispatch('format_thousands', 'crm_indicators')(amount)) }}
{%- endmacro %}
{% macro default__format_thousands(amount) -%}
    format('{:,}', cast(round({{ amount }}, 0) as bigint))
{%- endmacro %}
{% macro spark__format_thousands(amount) -%}
    format_number(cast(round({{ amount }}, 0) as bigint), 0)
{%- endmacro %}


{#- A ratio as a whole percentage text, e.g. 0.456 -> '46%'; '-' when null. -#}
{% macro format_percent(ratio) -%}
    coalesce(cast(cast(round({{ ratio }} * 100, 0) as bigint) as {{ dbt.type_string() }}) || '%', '-')
{%- endmacro %}


{#- A number with one decimal as text, e.g. 2.345 -> '2.3'; '-' when null. -#}
{% macro format_one_decimal(value) -%}
    coalesce(cast(cast(round({{ value }}, 1) as decimal(18, 1)) as {{ dbt.type_string() }}), '-')
{%- endmacro %}


{#- A whole number as text; '-' when null. -#}
{% macro format_integer(value) -%}
    coalesce(cast(cast(round({{ value }}, 0) as bigint) as {{ dbt.type_string() }}), '-')
{%- endmacro %}
