{#- Director cockpit (驾驶舱): how is the company doing? One row per cockpit indicator, grain
    (company, region, business line — the software vs content comparison) and period type
    (month, quarter and year to date of the as-of date), read from indicator_values: actual,
    target, attainment, status and the change versus the prior period and last year, grouped
    into the cockpit's sections (acquisition, results, retention, economics, efficiency). An
    indicator a grain does not carry (ARR and the unit economics are company and business-
    line figures) simply has no row there. Every row names the window its figure covers
    (window_label_zh / _en): month, quarter or year to date for flows, the trailing 12 months
    for churn and the unit economics, the cohort for the conversions; usage is measured
    monthly and the month in progress has no usage yet, so usage rows carry the last complete
    month's figures (measured_period_start_date) and say so. -#}
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
{#- the window of the figures that are not simply the period to date -#}
{%- set windows = {
    'churn_rate': ('近12个月', 'trailing 12 months'),
    'customer_acquisition_cost': ('近12个月', 'trailing 12 months'),
    'cost_to_serve_per_customer': ('近12个月', 'trailing 12 months'),
    'customer_lifetime_value': ('按近12个月流失率', 'on trailing-12-month churn'),
    'revenue_efficiency': ('按近12个月成本与流失', 'on trailing-12-month costs and churn'),
    'net_revenue_retention': ('对比12个月前', 'versus 12 months earlier'),
    'gross_revenue_retention': ('对比12个月前', 'versus 12 months earlier'),
    'arr_amount': ('截至数据日', 'on the as-of date'),
    'super_large_account_count': ('截至数据日', 'on the as-of date'),
    'weighted_forecast_amount': ('截至数据日, 预计本期关闭', 'open on the as-of date, expected to close in the period'),
    'lead_to_opportunity_conversion': ('本期MQL队列, 仍在转化', 'MQL cohort of the period, still converting'),
    'order_conversion': ('本期SQL队列, 仍在成交', 'SQL cohort of the period, still closing'),
} -%}
{%- set usage_codes = ['active_usage_rate', 'sticky_usage_rate'] -%}
{%- set period_to_date = {
    'month': ('本月至今', 'month to date'),
    'quarter': ('本季至今', 'quarter to date'),
    'year': ('本年至今', 'year to date'),
} -%}
with

indicator_values as (

    select * from {{ ref('indicator_values') }}

),

cockpit_indicators as (

    {%- for section_code, section_zh, section_en, codes in sections %}
        {%- set section_loop = loop %}
        {%- for code in codes %}
            select
                {{ sql_string(code) }} as indicator_code,
                {{ sql_string(section_code) }} as section_code,
                {{ sql_string(section_zh) }} as section_name_zh,
                {{ sql_string(section_en) }} as section_name_en,
                {{ section_loop.index * 100 + loop.index }} as display_order
            {%- if not (section_loop.last and loop.last) %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- endfor %}

),

window_labels as (

    {%- for code, label in windows.items() %}
        select
            {{ sql_string(code) }} as indicator_code,
            {{ sql_string(label[0]) }} as window_label_zh,
            {{ sql_string(label[1]) }} as window_label_en
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

period_labels as (

    {%- for period_type, label in period_to_date.items() %}
        select
            {{ sql_string(period_type) }} as period_type,
            {{ sql_string(label[0]) }} as window_label_zh,
            {{ sql_string(label[1]) }} as window_label_en
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

in_progress as (

    select * from indicator_values
    where is_period_in_progress
        and grain in ('company', 'region', 'business_line')

),

-- usage: the last complete month with a figure, for every period in progress
last_complete_usage as (

    select
        indicator_values.*,
        row_number() over (
            partition by indicator_values.indicator_code, indicator_values.grain, indicator_values.entity_id
            order by indicator_values.period_start_date desc
        ) as month_rank
    from indicator_values
    where indicator_values.indicator_code in ({% for code in usage_codes %}{{ sql_string(code) }}{{ ', ' if not loop.last }}{% endfor %})
        and indicator_values.period_type = 'month'
        and not indicator_values.is_period_in_progress
        and indicator_values.actual_value is not null
        and indicator_values.grain in ('company', 'region', 'business_line')

),

measured as (

    select
        in_progress.indicator_code,
        in_progress.indicator_name_zh,
        in_progress.indicator_name_en,
        in_progress.unit,
        in_progress.direction,
        in_progress.aggregation,
        in_progress.grain,
        in_progress.entity_id,
        in_progress.entity_name,
        in_progress.period_type,
        in_progress.period_start_date,
        in_progress.period_end_date,
        in_progress.as_of_date,
        in_progress.period_start_date as measured_period_start_date,
        false as is_last_complete_month,
        in_progress.actual_value,
        in_progress.target_value,
        in_progress.target_value_to_date,
        in_progress.attainment_to_date,
        in_progress.status_code,
        in_progress.status_name_zh,
        in_progress.status_name_en,
        in_progress.prior_period_value,
        in_progress.is_change_comparable,
        in_progress.change_vs_prior_period_ratio,
        in_progress.same_period_last_year_value,
        in_progress.change_vs_last_year_ratio
    from in_progress
    where in_progress.indicator_code not in ({% for code in usage_codes %}{{ sql_string(code) }}{{ ', ' if not loop.last }}{% endfor %})

    union all

    select
        in_progress.indicator_code,
        in_progress.indicator_name_zh,
        in_progress.indicator_name_en,
        in_progress.unit,
        in_progress.direction,
        in_progress.aggregation,
        in_progress.grain,
        in_progress.entity_id,
        in_progress.entity_name,
        in_progress.period_type,
        in_progress.period_start_date,
        in_progress.period_end_date,
        in_progress.as_of_date,
        usage.period_start_date as measured_period_start_date,
        usage.period_start_date is not null as is_last_complete_month,
        usage.actual_value,
        usage.target_value,
        usage.target_value_to_date,
        usage.attainment_to_date,
        usage.status_code,
        usage.status_name_zh,
        usage.status_name_en,
        usage.prior_period_value,
        -- the last complete month's change is a month-over-month change: only the month rows carry it
        coalesce(usage.is_change_comparable and in_progress.period_type = 'month', false) as is_change_comparable,
        case when in_progress.period_type = 'month' then usage.change_vs_prior_period_ratio end
            as change_vs_prior_period_ratio,
        usage.same_period_last_year_value,
        case when in_progress.period_type = 'month' then usage.change_vs_last_year_ratio end
            as change_vs_last_year_ratio
    from in_progress
    left join last_complete_usage as usage
        on in_progress.indicator_code = usage.indicator_code
            and in_progress.grain = usage.grain
            and in_progress.entity_id = usage.entity_id
            and usage.month_rank = 1
    where in_progress.indicator_code in ({% for code in usage_codes %}{{ sql_string(code) }}{{ ', ' if not loop.last }}{% endfor %})

),

final as (

    select
        cockpit_indicators.section_code,
        cockpit_indicators.section_name_zh,
        cockpit_indicators.section_name_en,
        cast(cockpit_indicators.display_order as int) as display_order,
        measured.indicator_code,
        measured.indicator_name_zh,
        measured.indicator_name_en,
        measured.unit,
        measured.direction,
        measured.grain,
        measured.entity_id,
        measured.entity_name,
        measured.period_type,
        measured.period_start_date,
        measured.period_end_date,
        measured.as_of_date,
        measured.measured_period_start_date,
        measured.is_last_complete_month,
        case
            when measured.is_last_complete_month
                then concat(
                        cast(year(measured.measured_period_start_date) as {{ dbt.type_string() }}), '年',
                        cast(month(measured.measured_period_start_date) as {{ dbt.type_string() }}), '月（最近完整月）'
                    )
            else coalesce(
                    window_labels.window_label_zh,
                    case when measured.aggregation = 'flow' then period_labels.window_label_zh end,
                    '截至数据日'
                )
        end as window_label_zh,
        case
            when measured.is_last_complete_month
                then concat(
                        'last complete month ',
                        substr(cast(measured.measured_period_start_date as {{ dbt.type_string() }}), 1, 7)
                    )
            else coalesce(
                    window_labels.window_label_en,
                    case when measured.aggregation = 'flow' then period_labels.window_label_en end,
                    'on the as-of date'
                )
        end as window_label_en,
        measured.actual_value,
        measured.target_value,
        measured.target_value_to_date,
        measured.attainment_to_date,
        measured.status_code,
        measured.status_name_zh,
        measured.status_name_en,
        measured.prior_period_value,
        measured.is_change_comparable,
        measured.change_vs_prior_period_ratio,
        measured.same_period_last_year_value,
        measured.change_vs_last_year_ratio
    from measured
    inner join cockpit_indicators
        on measured.indicator_code = cockpit_indicators.indicator_code
    left join window_labels
        on measured.indicator_code = window_labels.indicator_code
    left join period_labels
        on measured.period_type = period_labels.period_type

)

select
    final.*,
    {{ is_unknown_member('final.entity_id') }} as is_unknown_member
from final
