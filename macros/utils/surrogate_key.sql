{#- Stable text key from several columns (null-safe), the same on every engine. -#}
{% macro surrogate_key(columns) -%}
    md5(concat_ws('|', {% for c in columns %}coalesce(cast({{ c }} as {{ dbt.type_string() }}), '_null_'){{ ", " if not loop.last }}{% endfor %}))
{%- endmacro %}
