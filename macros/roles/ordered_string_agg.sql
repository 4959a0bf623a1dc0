{#- Aggregate: the values of `expr` joined with `separator`, ordered by `order_expr`, the same
    on every engine (DuckDB string_agg … order by; Spark sorts collected structs). -#}
{% macro ordered_string_agg(expr, order_expr, separator) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'crm_indicators')(expr, order_expr, separator)) }}
{%- endmacro %}
{% macro default__ordered_string_agg(expr, order_expr, separator) -%}
    string_agg({{ expr }}, {{ sql_string(separator) }} order by {{ order_expr }})
{%- endmacro %}
{% macro spark__ordered_string_agg(expr, order_expr, separator) -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct('sort_key', {{ order_expr }}, 'item', {{ expr }}))),
            x -> x.item
        ),
        {{ sql_string(separator) }}
    )
{%- endmacro %}
