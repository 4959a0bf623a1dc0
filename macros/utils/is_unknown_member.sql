{#- True for the unknown member of a dimension: the key '-1' (未知团队 / 未知人员 / 未知客户) that
    stands for a missing or unresolvable team, user or account. The one definition every mart's
    `is_unknown_member` flag uses; a null key is not the unknown member (false, never null). -#}
{% macro is_unknown_member(key_column) -%}
    coalesce(cast({{ key_column }} as {{ dbt.type_string() }}) = '-1', false)
{%- endmacro %}


{#- The last day of the month `date_expr` falls in (leap years included). -#}
{% macro month_end(date_expr) -%}
    {{ add_days(add_months(month_start(date_expr), 1), -1) }}
{%- endmacro %}
