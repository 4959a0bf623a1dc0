{{ config(materialized='table') }}

{#- The actual value of every catalog indicator at every grain (rep, team, region, company,
    business line), entity and period (month, quarter, year up to the as-of date), computed
    from the components summed at that grain: flows are summed over the period's months,
    stocks take the value of the period's last month (the as-of month for a period in
    progress), and a ratio divides the summed numerator by the summed denominator (null when
    the denominator is zero). Also the value of the indicator's quota or threshold component
    at the same grain, the target the catalog names. A custom indicator (formula_kind 'custom',
    seeds/custom_indicators.csv) evaluates its checked formula over the components summed at
    each grain and period, so its ratios, too, come from summed parts. -#}
{%- set custom = custom_indicator_definitions() %}
{%- set custom_components = [] %}
{%- for indicator in custom %}
    {%- for code in indicator.components if code not in custom_components %}{% do custom_components.append(code) %}{% endfor %}
{%- endfor %}
with

sales_components as (

    select * from {{ ref('int_indicator_components') }}

),

economics_components as (

    select * from {{ ref('int_economics_components__monthly') }}

),

catalog as (

    select * from {{ ref('int_indicator_catalog') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

reporting_date as (

    select
        {{ as_of_date() }} as as_of_date,
        {{ month_start(as_of_date()) }} as as_of_month

),

components as (

    select
        component_code,
        aggregation,
        grain_scope,
        user_id,
        team_id,
        region_id,
        business_line,
        month_start_date,
        component_value
    from sales_components
    union all
    select
        component_code,
        aggregation,
        grain_scope,
        user_id,
        team_id,
        region_id,
        business_line,
        month_start_date,
        component_value
    from economics_components

),

-- each month belongs to its month, quarter and year; a stock is read in the closing month
period_months as (

    select distinct
        calendar.month_start_date,
        'month' as period_type,
        calendar.month_start_date as period_start_date,
        calendar.month_end_date as period_end_date,
        calendar.month_start_date as closing_month
    from calendar
    cross join reporting_date
    where calendar.month_start_date <= reporting_date.as_of_date

    union all

    select distinct
        calendar.month_start_date,
        'quarter' as period_type,
        calendar.quarter_start_date as period_start_date,
        {{ add_days(add_months('calendar.quarter_start_date', 3), -1) }} as period_end_date,
        case
            when {{ add_months('calendar.quarter_start_date', 2) }} > reporting_date.as_of_month then reporting_date.as_of_month
            else {{ add_months('calendar.quarter_start_date', 2) }}
        end as closing_month
    from calendar
    cross join reporting_date
    where calendar.quarter_start_date <= reporting_date.as_of_date

    union all

    select distinct
        calendar.month_start_date,
        'year' as period_type,
        calendar.year_start_date as period_start_date,
        {{ add_days(add_months('calendar.year_start_date', 12), -1) }} as period_end_date,
        case
            when {{ add_months('calendar.year_start_date', 11) }} > reporting_date.as_of_month then reporting_date.as_of_month
            else {{ add_months('calendar.year_start_date', 11) }}
        end as closing_month
    from calendar
    cross join reporting_date
    where calendar.year_start_date <= reporting_date.as_of_date

),

monthly_by_grain as (

    select
        component_code,
        aggregation,
        'rep' as grain,
        user_id as entity_id,
        month_start_date,
        sum(component_value) as component_value
    from components
    where grain_scope in ('all', 'rep') and user_id is not null
    group by 1, 2, 3, 4, 5

    union all

    select
        component_code,
        aggregation,
        'team' as grain,
        team_id as entity_id,
        month_start_date,
        sum(component_value) as component_value
    from components
    where grain_scope in ('all', 'team_up') and team_id is not null
    group by 1, 2, 3, 4, 5

    union all

    select
        component_code,
        aggregation,
        'region' as grain,
        region_id as entity_id,
        month_start_date,
        sum(component_value) as component_value
    from components
    where grain_scope in ('all', 'team_up') and region_id is not null
    group by 1, 2, 3, 4, 5

    union all

    select
        component_code,
        aggregation,
        'company' as grain,
        'company' as entity_id,
        month_start_date,
        sum(component_value) as component_value
    from components
    where grain_scope in ('all', 'team_up')
    group by 1, 2, 3, 4, 5

    union all

    select
        component_code,
        aggregation,
        'business_line' as grain,
        business_line as entity_id,
        month_start_date,
        sum(component_value) as component_value
    from components
    where grain_scope in ('all', 'team_up') and business_line is not null
    group by 1, 2, 3, 4, 5

),

rolled_up as (

    select
        monthly_by_grain.component_code,
        monthly_by_grain.grain,
        monthly_by_grain.entity_id,
        period_months.period_type,
        period_months.period_start_date,
        period_months.period_end_date,
        cast(sum(
            case
                when monthly_by_grain.aggregation = 'flow' then monthly_by_grain.component_value
                when monthly_by_grain.month_start_date = period_months.closing_month then monthly_by_grain.component_value
            end
        ) as decimal(24, 4)) as component_value
    from monthly_by_grain
    inner join period_months
        on monthly_by_grain.month_start_date = period_months.month_start_date
    group by 1, 2, 3, 4, 5, 6

),

entity_periods as (

    select distinct
        grain,
        entity_id,
        period_type,
        period_start_date,
        period_end_date
    from rolled_up

),

computed_indicators as (

    select
        indicator_code,
        formula_kind,
        {{ seed_text('numerator_component') }} as numerator_component,
        {{ seed_text('denominator_component') }} as denominator_component,
        grains,
        case
            when target_source like 'quota:%' then concat('quota_', substr(target_source, 7))
            when target_source like 'threshold:%' then concat('threshold_', substr(target_source, 11))
        end as target_component
    from catalog
    where formula_kind in ('sum', 'ratio', 'share')

),

indicator_rows as (

    select
        computed_indicators.indicator_code,
        computed_indicators.formula_kind,
        computed_indicators.numerator_component,
        computed_indicators.denominator_component,
        computed_indicators.target_component,
        entity_periods.grain,
        entity_periods.entity_id,
        entity_periods.period_type,
        entity_periods.period_start_date,
        entity_periods.period_end_date
    from computed_indicators
    inner join entity_periods
        on concat('|', computed_indicators.grains, '|') like concat('%|', entity_periods.grain, '|%')

),

computed as (

    select
        indicator_rows.indicator_code,
        indicator_rows.grain,
        indicator_rows.entity_id,
        indicator_rows.period_type,
        indicator_rows.period_start_date,
        indicator_rows.period_end_date,
        cast(coalesce(numerator.component_value, 0) as double) as numerator_value,
        cast(denominator.component_value as double) as denominator_value,
        case
            when indicator_rows.formula_kind = 'sum' then cast(coalesce(numerator.component_value, 0) as double)
            else {{ safe_divide('coalesce(numerator.component_value, 0)', 'denominator.component_value') }}
        end as actual_value,
        cast(target.component_value as double) as component_target_value
    from indicator_rows
    left join rolled_up as numerator
        on indicator_rows.numerator_component = numerator.component_code
            and indicator_rows.grain = numerator.grain
            and indicator_rows.entity_id = numerator.entity_id
            and indicator_rows.period_type = numerator.period_type
            and indicator_rows.period_start_date = numerator.period_start_date
    left join rolled_up as denominator
        on indicator_rows.denominator_component = denominator.component_code
            and indicator_rows.grain = denominator.grain
            and indicator_rows.entity_id = denominator.entity_id
            and indicator_rows.period_type = denominator.period_type
            and indicator_rows.period_start_date = denominator.period_start_date
    left join rolled_up as target
        on indicator_rows.target_component = target.component_code
            and indicator_rows.grain = target.grain
            and indicator_rows.entity_id = target.entity_id
            and indicator_rows.period_type = target.period_type
            and indicator_rows.period_start_date = target.period_start_date

),

{%- if custom | length > 0 %}

-- custom indicators: each formula over the summed components of the entity and period
custom_inputs as (

    select
        entity_periods.grain,
        entity_periods.entity_id,
        entity_periods.period_type,
        entity_periods.period_start_date,
        entity_periods.period_end_date
        {%- for code in custom_components %},
        max(case when rolled_up.component_code = {{ sql_string(code) }} then rolled_up.component_value end)
            as c__{{ code }}
        {%- endfor %}
    from entity_periods
    left join rolled_up
        on entity_periods.grain = rolled_up.grain
            and entity_periods.entity_id = rolled_up.entity_id
            and entity_periods.period_type = rolled_up.period_type
            and entity_periods.period_start_date = rolled_up.period_start_date
    group by 1, 2, 3, 4, 5

),

custom_computed as (

    {%- for indicator in custom %}
    select
        {{ sql_string(indicator.code) }} as indicator_code,
        custom_inputs.grain,
        custom_inputs.entity_id,
        custom_inputs.period_type,
        custom_inputs.period_start_date,
        custom_inputs.period_end_date,
        cast({{ indicator.numerator if indicator.numerator else 'null' }} as double) as numerator_value,
        cast({{ indicator.denominator if indicator.denominator else 'null' }} as double) as denominator_value,
        cast({{ indicator.sql }} as double) as actual_value,
        cast(target.component_value as double) as component_target_value
    from custom_inputs
    left join rolled_up as target
        on target.component_code = {{ sql_string(custom_target_component(indicator.target_source)) }}
            and custom_inputs.grain = target.grain
            and custom_inputs.entity_id = target.entity_id
            and custom_inputs.period_type = target.period_type
            and custom_inputs.period_start_date = target.period_start_date
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),
{%- endif %}

-- the two indicators built from other indicators rather than from components
derived_inputs as (

    select
        grain,
        entity_id,
        period_type,
        period_start_date,
        period_end_date,
        max(case when indicator_code = 'arr_per_customer' then actual_value end) as arr_per_customer,
        max(case when indicator_code = 'churn_rate' then actual_value end) as churn_rate,
        max(case when indicator_code = 'one_time_revenue_per_customer' then actual_value end)
            as one_time_revenue_per_customer,
        max(case when indicator_code = 'cost_to_serve_per_customer' then actual_value end)
            as cost_to_serve_per_customer,
        max(case when indicator_code = 'customer_acquisition_cost' then actual_value end) as customer_acquisition_cost
    from computed
    where indicator_code in (
            'arr_per_customer', 'churn_rate', 'one_time_revenue_per_customer', 'cost_to_serve_per_customer',
            'customer_acquisition_cost'
        )
    group by 1, 2, 3, 4, 5

),

lifetime_value as (

    select
        *,
        {{ safe_divide('arr_per_customer', 'churn_rate') }} + one_time_revenue_per_customer as customer_lifetime_value
    from derived_inputs

),

derived as (

    select
        'customer_lifetime_value' as indicator_code,
        grain,
        entity_id,
        period_type,
        period_start_date,
        period_end_date,
        cast(null as double) as numerator_value,
        cast(null as double) as denominator_value,
        customer_lifetime_value as actual_value,
        cast(null as double) as component_target_value
    from lifetime_value

    union all

    select
        'revenue_efficiency' as indicator_code,
        grain,
        entity_id,
        period_type,
        period_start_date,
        period_end_date,
        customer_lifetime_value - cost_to_serve_per_customer as numerator_value,
        customer_acquisition_cost as denominator_value,
        {{ safe_divide('customer_lifetime_value - cost_to_serve_per_customer', 'customer_acquisition_cost') }} as actual_value,
        cast(null as double) as component_target_value
    from lifetime_value

),

final as (

    select * from computed
    union all
    {%- if custom | length > 0 %}
    select * from custom_computed
    union all
    {%- endif %}
    select derived.*
    from derived
    inner join catalog
        on derived.indicator_code = catalog.indicator_code
            and concat('|', catalog.grains, '|') like concat('%|', derived.grain, '|%')

)

select * from final
