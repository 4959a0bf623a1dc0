{#- An optional text column of a reference seed: null when empty. dbt-spark loads an empty
    seed field of a string column as the text 'None' (DuckDB as null), so both are cleared. -#}
{% macro seed_text(column) -%}
    case when trim({{ column }}) in ('', 'None') then null else {{ column }} end
{%- endmacro %}
