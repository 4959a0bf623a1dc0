{#- The reporting date every figure is computed for: var `as_of_date` when given (YYYY-MM-DD),
    otherwise the last date in the data (int_as_of_date). Never the wall clock. -#}
{% macro as_of_date() -%}
    {%- if var('as_of_date', none) -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        (select as_of_date from {{ ref('int_as_of_date') }})
    {%- endif -%}
{%- endmacro %}
