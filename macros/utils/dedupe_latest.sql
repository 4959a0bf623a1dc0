{#- The landing contract's dedupe rule: per key, the row with the latest `order_column`
    wins; ties (and entities without such a column) go to the file whose name sorts last. -#}
{% macro dedupe_latest(relation, key_columns, order_column=none) -%}
    select ranked.*
    from (
        select
            *,
            row_number() over (
                partition by {% for k in key_columns %}trim({{ k }}){{ ", " if not loop.last }}{% endfor %}
                order by
                    {% if order_column %}{{ parse_timestamp(order_column) }} desc nulls last,{% endif %}
                    _source_file desc
            ) as _dedupe_rank
        from {{ relation }}
    ) as ranked
    where ranked._dedupe_rank = 1
{%- endmacro %}
