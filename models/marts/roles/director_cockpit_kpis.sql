{#- Director cockpit (驾驶舱): how is the company doing? One row per cockpit indicator, grain
    (company, region, business line — the software vs content comparison) and period type
    (month, quarter and year to date of the as-of date), read from indicator_values: actual,
    target, attainment, status and the change versus the prior period and last year, grouped
    into the cockpit's sections (acquisition, results, retention, economics, efficiency). An
    indicator a grain does not carry (ARR and the unit economics are company and business-
    line figures) simply has no row there. -#}
{%- set sections = [
    ('acquisition', '获客', 'Acquisition', ['mql_count', 'sql_count', 'lead_to_opportunity_conversion', 'order_conversion']),
    ('results', '业绩结果', 'Results', ['bookings_amount', 'bookings_new_business_amount', 'bookings_renewal_amount',
        'bookings_upsell_amount', 'quota_attainment', 'win_rate', 'deal_size', 'sales_cycle_days',
        'weighted_forecast_amount', 'super_large_account_count']),
    ('retention', '留存', 'Retention', ['arr_amount', 'net_revenue_retention', 'gross_revenue_retention',
        'renewal_rate', 'churn_rate', 'active_usage_rate', 'sticky_usage_rate']),
    ('economics', '经营', 'Unit economics', ['customer_lifetime_value', 'customer_acquisition_cost',
        'cost_to_serve_per_customer', 'revenue_efficiency']),
    ('efficiency', '人效与激励', 'Productivity and incentives', ['productivity_per_rep', 'reps_below_visit_threshold',
        'visit_count']),
] -%}
with

indicator_values as (

    select * from {{ ref('indicator_values') }}

),

cockpit_indicators as (

    {%- for section_code, section_zh, section_en, codes in sections %}
        {%- set section_loop = loop %}
        {%- for code in codes %}
            select
                '{{ code }}' as indicator_code,
                '{{ section_code }}' as section_code,
                '{{ section_zh }}' as section_name_zh,
                '{{ section_en }}' as section_name_en,
                {{ section_loop.index * 100 + loop.index }} as display_order
            {%- if not (section_loop.last and loop.last) %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- endfor %}

),

final as (

    select
        cockpit_indicators.section_code,
        cockpit_indicators.section_name_zh,
        cockpit_indicators.section_name_en,
        cast(cockpit_indicators.display_order as int) as display_order,
        indicator_values.indicator_code,
        indicator_values.indicator_name_zh,
        indicator_values.indicator_name_en,
        indicator_values.unit,
        indicator_values.direction,
        indicator_values.grain,
        indicator_values.entity_id,
        indicator_values.entity_name,
        indicator_values.period_type,
        indicator_values.period_start_date,
        indicator_values.period_end_date,
        indicator_values.actual_value,
        indicator_values.target_value,
        indicator_values.target_value_to_date,
        indicator_values.attainment_to_date,
        indicator_values.status_code,
        indicator_values.status_name_zh,
        indicator_values.status_name_en,
        indicator_values.prior_period_value,
        indicator_values.change_vs_prior_period_ratio,
        indicator_values.same_period_last_year_value,
        indicator_values.change_vs_last_year_ratio
    from indicator_values
    inner join cockpit_indicators
        on indicator_values.indicator_code = cockpit_indicators.indicator_code
    where indicator_values.is_period_in_progress
        and indicator_values.grain in ('company', 'region', 'business_line')

)

select * from final
