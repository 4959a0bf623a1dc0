{#- How does each rep compare with peers? One row per active rep and profile metric over the
    last 90 days (window in ref_diagnosis_rules): new accounts developed, first-visit success,
    win rate, deal size, sales cycle, renewal rate and visits, with the sample behind it, the
    peer average and the rep's percentile among the active reps of the same business line
    (percent_rank of the value: 0 = lowest, 1 = highest; null without a value or with fewer
    ranked peers than the minimum). The archetypes in rep_diagnosis are read from these. -#}
{%- set metrics = [
    ('new_accounts', '新开发客户数', 'New accounts developed', 'count'),
    ('first_visit_success_rate', '首访成功率', 'First-visit success', 'ratio'),
    ('win_rate', '商机赢率', 'Win rate', 'ratio'),
    ('deal_size', '每单单产', 'Deal size', 'cny'),
    ('sales_cycle_days', '销售周期', 'Sales cycle', 'days'),
    ('renewal_rate', '续约率', 'Renewal rate', 'ratio'),
    ('visits', '面访数', 'Visits', 'count'),
] -%}
with

reps as (

    select * from {{ ref('int_rep_measures_as_of') }}

),

diagnosis_rules as (

    select * from {{ ref('ref_diagnosis_rules') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

account_pool as (

    select * from {{ ref('fct_account_pool_monthly') }}

),

activities as (

    select * from {{ ref('fct_activities') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

contracts as (

    select * from {{ ref('fct_contracts') }}

),

settings as (

    select
        cast(max(case when rule_code = 'setting_profile_window_days' then cutoff_value end) as int) as window_days,
        cast(max(case when rule_code = 'setting_min_ranked_peers' then cutoff_value end) as int) as min_ranked_peers
    from diagnosis_rules
    where rule_kind = 'setting'

),

profile_window as (

    select
        as_of.as_of_date,
        {{ add_days('as_of.as_of_date', '1 - settings.window_days') }} as window_start_date,
        settings.window_days,
        settings.min_ranked_peers
    from (select {{ as_of_date() }} as as_of_date) as as_of
    cross join settings

),

new_accounts as (

    select
        account_pool.owner_user_id as user_id,
        count(*) as numerator_value,
        cast(null as bigint) as denominator_value
    from account_pool
    cross join profile_window
    inner join accounts
        on account_pool.account_id = accounts.account_id
    where account_pool.is_created_in_month
        and not account_pool.is_in_public_pool
        and accounts.created_date between profile_window.window_start_date and profile_window.as_of_date
    group by 1

),

ordered_visits as (

    select
        activities.owner_user_id,
        activities.account_id,
        activities.occurred_date,
        activities.outcome,
        row_number() over (
            partition by activities.account_id
            order by activities.occurred_at, activities.activity_id
        ) as account_visit_number
    from activities
    cross join profile_window
    where activities.is_completed_visit
        and activities.account_id != '-1'
        and activities.occurred_date <= profile_window.as_of_date

),

first_visits as (

    select
        ordered_visits.owner_user_id as user_id,
        sum(case when ordered_visits.outcome = 'positive' then 1 else 0 end) as numerator_value,
        count(*) as denominator_value
    from ordered_visits
    cross join profile_window
    where ordered_visits.account_visit_number = 1
        and ordered_visits.occurred_date >= profile_window.window_start_date
    group by 1

),

closed_opportunities as (

    select
        opportunities.owner_user_id as user_id,
        sum(case when opportunities.is_won then 1 else 0 end) as won_count,
        sum(case when opportunities.is_lost then 1 else 0 end) as lost_count,
        sum(case when opportunities.is_won then coalesce(opportunities.amount_cny, 0) else 0 end) as won_amount,
        sum(case when opportunities.is_won then opportunities.sales_cycle_days end) as won_cycle_days,
        sum(case when opportunities.is_won and opportunities.sales_cycle_days is not null then 1 else 0 end)
            as won_with_cycle
    from opportunities
    cross join profile_window
    where opportunities.is_closed
        and opportunities.closed_date between profile_window.window_start_date and profile_window.as_of_date
    group by 1

),

ending_contracts as (

    select
        ending.owner_user_id as user_id,
        ending.contract_id,
        max(case when renewal.contract_id is not null then 1 else 0 end) as is_renewed
    from contracts as ending
    cross join profile_window
    left join contracts as renewal
        on ending.account_id = renewal.account_id
            and ending.business_line = renewal.business_line
            and renewal.contract_type = 'renewal'
            and ending.contract_id != renewal.contract_id
            and renewal.start_date >= {{ add_days('ending.end_date', -30) }}
            and renewal.start_date <= {{ add_days('ending.end_date', 30) }}
            and profile_window.as_of_date >= renewal.signed_date
    where ending.contract_type in ('new_business', 'renewal')
        and ending.recurring_amount_annual_cny > 0
        and ending.end_date between profile_window.window_start_date and profile_window.as_of_date
    group by 1, 2

),

renewals as (

    select
        user_id,
        sum(is_renewed) as numerator_value,
        count(*) as denominator_value
    from ending_contracts
    group by 1

),

visits as (

    select
        activities.owner_user_id as user_id,
        count(*) as numerator_value,
        cast(null as bigint) as denominator_value
    from activities
    cross join profile_window
    where activities.is_completed_visit
        and activities.occurred_date between profile_window.window_start_date and profile_window.as_of_date
    group by 1

),

metric_values as (

    select
        reps.user_id,
        'new_accounts' as metric_code,
        cast(coalesce(new_accounts.numerator_value, 0) as double) as metric_value,
        cast(coalesce(new_accounts.numerator_value, 0) as bigint) as sample_size
    from reps
    left join new_accounts on reps.user_id = new_accounts.user_id
    union all
    select
        reps.user_id,
        'first_visit_success_rate' as metric_code,
        {{ safe_divide('first_visits.numerator_value', 'first_visits.denominator_value') }} as metric_value,
        cast(coalesce(first_visits.denominator_value, 0) as bigint) as sample_size
    from reps
    left join first_visits on reps.user_id = first_visits.user_id
    union all
    select
        reps.user_id,
        'win_rate' as metric_code,
        {{ safe_divide('closed_opportunities.won_count', 'closed_opportunities.won_count + closed_opportunities.lost_count') }}
            as metric_value,
        cast(coalesce(closed_opportunities.won_count + closed_opportunities.lost_count, 0) as bigint) as sample_size
    from reps
    left join closed_opportunities on reps.user_id = closed_opportunities.user_id
    union all
    select
        reps.user_id,
        'deal_size' as metric_code,
        {{ safe_divide('closed_opportunities.won_amount', 'closed_opportunities.won_count') }} as metric_value,
        cast(coalesce(closed_opportunities.won_count, 0) as bigint) as sample_size
    from reps
    left join closed_opportunities on reps.user_id = closed_opportunities.user_id
    union all
    select
        reps.user_id,
        'sales_cycle_days' as metric_code,
        {{ safe_divide('closed_opportunities.won_cycle_days', 'closed_opportunities.won_with_cycle') }} as metric_value,
        cast(coalesce(closed_opportunities.won_with_cycle, 0) as bigint) as sample_size
    from reps
    left join closed_opportunities on reps.user_id = closed_opportunities.user_id
    union all
    select
        reps.user_id,
        'renewal_rate' as metric_code,
        {{ safe_divide('renewals.numerator_value', 'renewals.denominator_value') }} as metric_value,
        cast(coalesce(renewals.denominator_value, 0) as bigint) as sample_size
    from reps
    left join renewals on reps.user_id = renewals.user_id
    union all
    select
        reps.user_id,
        'visits' as metric_code,
        cast(coalesce(visits.numerator_value, 0) as double) as metric_value,
        cast(coalesce(visits.numerator_value, 0) as bigint) as sample_size
    from reps
    left join visits on reps.user_id = visits.user_id

),

with_peers as (

    select
        reps.user_id,
        reps.user_name,
        reps.team_id,
        reps.business_line,
        metric_values.metric_code,
        metric_values.metric_value,
        metric_values.sample_size,
        case
            when metric_values.metric_value is not null
                then percent_rank() over (
                        partition by
                            reps.business_line, metric_values.metric_code,
                            case when metric_values.metric_value is null then 1 else 0 end
                        order by metric_values.metric_value
                    )
        end as raw_percentile,
        sum(case when metric_values.metric_value is not null then 1 else 0 end) over (
            partition by reps.business_line, metric_values.metric_code
        ) as ranked_peers,
        avg(metric_values.metric_value) over (partition by reps.business_line, metric_values.metric_code)
            as peer_average_value
    from metric_values
    inner join reps
        on metric_values.user_id = reps.user_id

),

metric_names as (

    {%- for code, name_zh, name_en, unit in metrics %}
        select
            {{ sql_string(code) }} as metric_code,
            {{ sql_string(name_zh) }} as metric_name_zh,
            {{ sql_string(name_en) }} as metric_name_en,
            {{ sql_string(unit) }} as unit
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        with_peers.user_id,
        with_peers.user_name,
        with_peers.team_id,
        with_peers.business_line,
        profile_window.window_start_date,
        profile_window.as_of_date as window_end_date,
        with_peers.metric_code,
        metric_names.metric_name_zh,
        metric_names.metric_name_en,
        metric_names.unit,
        cast(with_peers.metric_value as double) as metric_value,
        with_peers.sample_size,
        cast(with_peers.peer_average_value as double) as peer_average_value,
        cast(with_peers.ranked_peers as int) as ranked_peers,
        cast(
            case when with_peers.ranked_peers >= profile_window.min_ranked_peers then with_peers.raw_percentile end
            as double
        ) as peer_percentile
    from with_peers
    cross join profile_window
    inner join metric_names
        on with_peers.metric_code = metric_names.metric_code

)

select * from final
