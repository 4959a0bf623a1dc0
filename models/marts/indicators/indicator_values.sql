{#- The long indicator table BI reads: one row per indicator, grain, entity and period (month,
    quarter, year) with the actual, its target (quota, threshold, fixed or strategic per the
    catalog), the prior period and the same period last year, changes, attainment and a status
    (正常 / 预警 / 落后), judged against the target pro-rated by working days while the period
    is in progress (flows only: summed flows, and ratios over a quota such as quota
    attainment; a ratio or a stock keeps its full target). Like is compared with like: a
    period in progress holds a part of its flows (and a forecast of what is still to close in
    it), so its change versus the prior period and versus last year is left empty rather than
    set against a full period; a stock read on the as-of date (pool, pipeline, ARR) compares
    with the prior period's closing stock. -#}
{#- stocks whose scope is the period itself (what is expected to close in it): the value of
    a period in progress and of a closed one measure different things -#}
{%- set period_scoped_stocks = ['weighted_forecast_amount'] -%}
with

actuals as (

    select * from {{ ref('int_indicator_actuals') }}

),

catalog as (

    select * from {{ ref('int_indicator_catalog') }}

),

strategic_targets as (

    select * from {{ ref('ref_strategic_targets') }}

),

status_rules as (

    select * from {{ ref('ref_indicator_status_rules') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

users as (

    select * from {{ ref('dim_users') }}

),

teams as (

    select * from {{ ref('dim_teams') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

entity_names as (

    select
        'rep' as grain,
        user_id as entity_id,
        user_name as entity_name
    from users
    union all
    select
        'team' as grain,
        team_id as entity_id,
        team_name as entity_name
    from teams
    union all
    select distinct
        'region' as grain,
        region_id as entity_id,
        region_name as entity_name
    from teams
    union all
    select
        'company' as grain,
        'company' as entity_id,
        '全公司 Company' as entity_name
    union all
    select
        'business_line' as grain,
        'software' as entity_id,
        '软件 Software' as entity_name
    union all
    select
        'business_line' as grain,
        'content' as entity_id,
        '内容 Content' as entity_name
    union all
    select
        'business_line' as grain,
        'unknown' as entity_id,
        '未知 Unknown' as entity_name

),

-- working days of each period and how many of them have passed by the as-of date
period_days as (

    select
        calendar.period_type,
        calendar.period_start_date,
        sum(case when calendar.is_working_day then 1 else 0 end) as working_days,
        sum(case when calendar.is_working_day and calendar.date_day <= reporting_date.as_of_date then 1 else 0 end)
            as working_days_elapsed,
        -- the current period: the one holding the as-of date, also on its last day
        min(calendar.date_day) <= reporting_date.as_of_date
        and max(calendar.date_day) >= reporting_date.as_of_date as is_period_in_progress
    from (
        select
            date_day,
            is_working_day,
            'month' as period_type,
            month_start_date as period_start_date
        from calendar
        union all
        select
            date_day,
            is_working_day,
            'quarter' as period_type,
            quarter_start_date as period_start_date
        from calendar
        union all
        select
            date_day,
            is_working_day,
            'year' as period_type,
            year_start_date as period_start_date
        from calendar
    ) as calendar
    cross join reporting_date
    group by calendar.period_type, calendar.period_start_date, reporting_date.as_of_date

),

with_history as (

    select
        actuals.*,
        prior_period.actual_value as prior_period_value,
        last_year.actual_value as same_period_last_year_value
    from actuals
    left join actuals as prior_period
        on actuals.indicator_code = prior_period.indicator_code
            and actuals.grain = prior_period.grain
            and actuals.entity_id = prior_period.entity_id
            and actuals.period_type = prior_period.period_type
            and prior_period.period_start_date = case
                when actuals.period_type = 'month' then {{ add_months('actuals.period_start_date', -1) }}
                when actuals.period_type = 'quarter' then {{ add_months('actuals.period_start_date', -3) }}
                else {{ add_months('actuals.period_start_date', -12) }}
            end
    left join actuals as last_year
        on actuals.indicator_code = last_year.indicator_code
            and actuals.grain = last_year.grain
            and actuals.entity_id = last_year.entity_id
            and actuals.period_type = last_year.period_type
            and last_year.period_start_date = {{ add_months('actuals.period_start_date', -12) }}

),

with_targets as (

    select
        with_history.*,
        catalog.indicator_name_zh,
        catalog.indicator_name_en,
        catalog.layer,
        catalog.unit,
        catalog.direction,
        catalog.aggregation,
        catalog.formula_kind,
        catalog.target_source,
        {{ seed_text('catalog.parent_indicator_code') }} as parent_indicator_code,
        strategic_targets.change_ratio as strategic_change_ratio,
        with_history.same_period_last_year_value * (1 + strategic_targets.change_ratio) as strategic_target_value,
        case
            when catalog.target_source like 'quota:%' or catalog.target_source like 'threshold:%'
                then with_history.component_target_value
            when catalog.target_source like 'fixed:%' then cast(substr(catalog.target_source, 7) as double)
            when catalog.target_source = 'strategic'
                then with_history.same_period_last_year_value * (1 + strategic_targets.change_ratio)
        end as target_value,
        coalesce(period_days.is_period_in_progress, false) as is_period_in_progress,
        case
            when coalesce(period_days.is_period_in_progress, false)
                and catalog.is_target_prorated
                then {{ safe_divide('period_days.working_days_elapsed', 'period_days.working_days') }}
            else 1.0
        end as target_prorate_share
    from with_history
    inner join catalog
        on with_history.indicator_code = catalog.indicator_code
    left join strategic_targets
        on with_history.indicator_code = strategic_targets.indicator_code
    left join period_days
        on with_history.period_type = period_days.period_type
            and with_history.period_start_date = period_days.period_start_date

),

with_attainment as (

    select
        *,
        coalesce(
            not is_period_in_progress
            or (aggregation = 'stock' and indicator_code not in (
                {%- for code in period_scoped_stocks %}{{ sql_string(code) }}{{ ", " if not loop.last }}{% endfor -%}
            )),
            true
        ) as is_change_comparable,
        target_value * target_prorate_share as target_value_to_date,
        case
            when direction = 'down' then {{ safe_divide('target_value', 'actual_value') }}
            else {{ safe_divide('actual_value', 'target_value') }}
        end as attainment,
        case
            when direction = 'down' then {{ safe_divide('target_value * target_prorate_share', 'actual_value') }}
            else {{ safe_divide('actual_value', 'target_value * target_prorate_share') }}
        end as attainment_to_date
    from with_targets

),

final as (

    select
        with_attainment.indicator_code,
        with_attainment.indicator_name_zh,
        with_attainment.indicator_name_en,
        with_attainment.layer,
        with_attainment.parent_indicator_code,
        with_attainment.unit,
        with_attainment.direction,
        with_attainment.aggregation,
        with_attainment.grain,
        with_attainment.entity_id,
        coalesce(entity_names.entity_name, with_attainment.entity_id) as entity_name,
        with_attainment.period_type,
        with_attainment.period_start_date,
        with_attainment.period_end_date,
        reporting_date.as_of_date,
        with_attainment.is_period_in_progress,
        {{ is_unknown_member('with_attainment.entity_id') }} as is_unknown_member,
        with_attainment.actual_value,
        with_attainment.numerator_value,
        with_attainment.denominator_value,
        with_attainment.target_source,
        with_attainment.target_value,
        with_attainment.target_prorate_share,
        with_attainment.target_value_to_date,
        with_attainment.strategic_change_ratio,
        with_attainment.strategic_target_value,
        with_attainment.attainment,
        with_attainment.attainment_to_date,
        with_attainment.target_value_to_date - with_attainment.actual_value as gap_to_target_to_date,
        status_rules.status_code,
        status_rules.status_name_zh,
        status_rules.status_name_en,
        with_attainment.prior_period_value,
        with_attainment.is_change_comparable,
        case
            when with_attainment.is_change_comparable
                then with_attainment.actual_value - with_attainment.prior_period_value
        end as change_vs_prior_period,
        case
            when with_attainment.is_change_comparable
                then {{ safe_divide('with_attainment.actual_value - with_attainment.prior_period_value', 'abs(with_attainment.prior_period_value)') }}
        end as change_vs_prior_period_ratio,
        with_attainment.same_period_last_year_value,
        case
            when with_attainment.is_change_comparable
                then with_attainment.actual_value - with_attainment.same_period_last_year_value
        end as change_vs_last_year,
        case
            when with_attainment.is_change_comparable
                then {{ safe_divide('with_attainment.actual_value - with_attainment.same_period_last_year_value', 'abs(with_attainment.same_period_last_year_value)') }}
        end as change_vs_last_year_ratio
    from with_attainment
    cross join reporting_date
    left join entity_names
        on with_attainment.grain = entity_names.grain
            and with_attainment.entity_id = entity_names.entity_id
    left join status_rules
        on with_attainment.attainment_to_date >= coalesce(status_rules.min_attainment, -1e18)
            and with_attainment.attainment_to_date < coalesce(status_rules.max_attainment, 1e18)

)

select * from final
