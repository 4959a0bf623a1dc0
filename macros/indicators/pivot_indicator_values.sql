{#- Body of a wide indicator mart: one row per grain, entity and period from indicator_values,
    one column per indicator (its actual value), plus target, attainment to date and status
    columns for the indicators listed in `with_targets`. -#}
{% macro pivot_indicator_values(indicator_codes, grains, with_targets=[]) -%}
    select
        grain,
        entity_id,
        max(entity_name) as entity_name,
        period_type,
        period_start_date,
        max(period_end_date) as period_end_date,
        max(case when is_period_in_progress then 1 else 0 end) = 1 as is_period_in_progress,
        {%- for code in indicator_codes %}
        max(case when indicator_code = {{ sql_string(code) }} then actual_value end) as {{ code }},
        {%- endfor %}
        {%- for code in with_targets %}
        max(case when indicator_code = {{ sql_string(code) }} then target_value end) as {{ code }}_target,
        max(case when indicator_code = {{ sql_string(code) }} then attainment_to_date end) as {{ code }}_attainment_to_date,
        max(case when indicator_code = {{ sql_string(code) }} then status_code end) as {{ code }}_status_code,
        {%- endfor %}
        count(*) as indicator_count
    from {{ ref('indicator_values') }}
    where grain in ({% for g in grains %}{{ sql_string(g) }}{{ ", " if not loop.last }}{% endfor %})
        and indicator_code in ({% for code in indicator_codes %}{{ sql_string(code) }}{{ ", " if not loop.last }}{% endfor %})
    group by grain, entity_id, period_type, period_start_date
{%- endmacro %}
