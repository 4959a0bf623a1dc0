{#- Who leads? Leaderboards (排行榜) of the active reps for the month, quarter and year to date
    of the as-of date, on bookings, quota attainment, won deals, visits and new accounts,
    within the rep's team, region, business line (software and content reps are ranked
    within their own line: their deal sizes differ several times over) and the whole
    company. Ranking is standard competition
    ranking (rank(): ties share a rank and the next rank is skipped, 1-2-2-4); a rep without
    a value (attainment without quota) is not ranked. rank_change compares with the rep's rank
    in the previous complete period of the same type (previous month, quarter, year) among
    the same reps and scopes: positive = moved up. -#}
{%- set metrics = [
    ('bookings_amount', '签约金额', 'Bookings', 'cny'),
    ('quota_attainment', '业绩目标达成率', 'Quota attainment', 'ratio'),
    ('won_deals', '赢单数', 'Won deals', 'count'),
    ('visit_count', '面访数', 'Visits', 'count'),
    ('new_accounts', '新开发客户数', 'New accounts', 'count'),
] -%}
{%- set scopes = [
    ('team', 'team_id', 'team_name', '团队', 'Team'),
    ('region', 'region_id', 'region_name', '区域', 'Region'),
    ('business_line', "coalesce(business_line, 'unknown')", "coalesce(business_line_name, '未知 Unknown')", '业务线', 'Business line'),
    ('company', "'company'", "'全公司 Company'", '全公司', 'Company'),
] %}
with

reps as (

    select * from {{ ref('int_rep_measures_as_of') }}

),

contracts as (

    select * from {{ ref('fct_contracts') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

activities as (

    select * from {{ ref('fct_activities') }}

),

account_pool as (

    select * from {{ ref('fct_account_pool_monthly') }}

),

quotas as (

    select * from {{ ref('fct_quotas') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

period_starts as (

    select
        'month' as period_type,
        {{ month_start('as_of_date') }} as period_start_date,
        1 as period_months
    from reporting_date
    union all
    select
        'quarter' as period_type,
        {{ quarter_start('as_of_date') }} as period_start_date,
        3 as period_months
    from reporting_date
    union all
    select
        'year' as period_type,
        {{ year_start('as_of_date') }} as period_start_date,
        12 as period_months
    from reporting_date

),

-- the period to date (current) and the complete period before it (previous)
periods as (

    select
        period_starts.period_type,
        'current' as period_role,
        period_starts.period_start_date,
        reporting_date.as_of_date as period_end_date
    from period_starts
    cross join reporting_date
    union all
    select
        period_starts.period_type,
        'previous' as period_role,
        {{ add_months('period_starts.period_start_date', '-1 * period_starts.period_months') }} as period_start_date,
        {{ add_days('period_starts.period_start_date', -1) }} as period_end_date
    from period_starts

),

events as (

    select
        owner_user_id as user_id,
        signed_date as event_date,
        'bookings_amount' as measure,
        cast(total_amount_cny as double) as measure_value
    from contracts
    union all
    select
        owner_user_id as user_id,
        closed_date as event_date,
        'won_deals' as measure,
        cast(1 as double) as measure_value
    from opportunities
    where is_won
    union all
    select
        owner_user_id as user_id,
        occurred_date as event_date,
        'visit_count' as measure,
        cast(1 as double) as measure_value
    from activities
    where is_completed_visit
    union all
    select
        owner_user_id as user_id,
        month_start_date as event_date,
        'new_accounts' as measure,
        cast(1 as double) as measure_value
    from account_pool
    where is_created_in_month
        and not is_in_public_pool
    union all
    select
        user_id,
        period_month as event_date,
        'quota' as measure,
        cast(target_value as double) as measure_value
    from quotas
    where owner_type = 'rep'
        and metric = 'bookings_amount'

),

rep_periods as (

    select
        reps.user_id,
        reps.user_name,
        reps.team_id,
        reps.team_name,
        reps.region_id,
        reps.region_name,
        reps.business_line,
        case reps.business_line
            when 'software' then '软件 Software'
            when 'content' then '内容 Content'
        end as business_line_name,
        periods.period_type,
        periods.period_role,
        periods.period_start_date,
        periods.period_end_date
    from reps
    cross join periods

),

measured as (

    select
        rep_periods.user_id,
        rep_periods.period_type,
        rep_periods.period_role,
        sum(case when events.measure = 'bookings_amount' then events.measure_value else 0 end) as bookings_amount,
        sum(case when events.measure = 'won_deals' then events.measure_value else 0 end) as won_deals,
        sum(case when events.measure = 'visit_count' then events.measure_value else 0 end) as visit_count,
        sum(case when events.measure = 'new_accounts' then events.measure_value else 0 end) as new_accounts,
        sum(case when events.measure = 'quota' then events.measure_value end) as quota_amount
    from rep_periods
    left join events
        on rep_periods.user_id = events.user_id
            and events.event_date between rep_periods.period_start_date and rep_periods.period_end_date
    group by 1, 2, 3

),

metric_values as (

    {%- for code, name_zh, name_en, unit in metrics %}
        select
            rep_periods.*,
            {{ sql_string(code) }} as metric_code,
            {{ sql_string(name_zh) }} as metric_name_zh,
            {{ sql_string(name_en) }} as metric_name_en,
            {{ sql_string(unit) }} as unit,
            {% if code == 'quota_attainment' -%}
                {{ safe_divide('measured.bookings_amount', 'measured.quota_amount') }}
            {%- else -%}
                cast(coalesce(measured.{{ code }}, 0) as double)
            {%- endif %} as metric_value
        from rep_periods
        left join measured
            on rep_periods.user_id = measured.user_id
                and rep_periods.period_type = measured.period_type
                and rep_periods.period_role = measured.period_role
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

ranked as (

    {%- for scope, id_col, name_col, scope_zh, scope_en in scopes %}
        select
            metric_values.*,
            {{ sql_string(scope) }} as scope_type,
            {{ sql_string(scope_zh) }} as scope_type_name_zh,
            {{ sql_string(scope_en) }} as scope_type_name_en,
            {{ id_col }} as scope_id,
            {{ name_col }} as scope_name,
            case
                when metric_values.metric_value is not null
                    then rank() over (
                            partition by metric_values.period_type, metric_values.period_role, metric_values.metric_code, {{ id_col }}
                            order by metric_values.metric_value desc nulls last
                        )
            end as rank_in_scope,
            sum(case when metric_values.metric_value is not null then 1 else 0 end) over (
                partition by metric_values.period_type, metric_values.period_role, metric_values.metric_code, {{ id_col }}
            ) as ranked_reps_in_scope
        from metric_values
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

current_ranks as (

    select * from ranked
    where period_role = 'current'

),

previous_ranks as (

    select * from ranked
    where period_role = 'previous'

),

period_labels as (

    select
        date_day,
        month_label_zh,
        month_label_en,
        quarter_label_zh,
        quarter_label_en,
        year_label_zh,
        year_label_en
    from calendar

),

final as (

    select
        current_ranks.period_type,
        current_ranks.period_start_date,
        current_ranks.period_end_date,
        reporting_date.as_of_date,
        case current_ranks.period_type
            when 'month' then current_labels.month_label_zh
            when 'quarter' then current_labels.quarter_label_zh
            else current_labels.year_label_zh
        end || '至今' as period_label_zh,
        case current_ranks.period_type
            when 'month' then current_labels.month_label_en
            when 'quarter' then current_labels.quarter_label_en
            else current_labels.year_label_en
        end || ' to date' as period_label_en,
        current_ranks.metric_code,
        current_ranks.metric_name_zh,
        current_ranks.metric_name_en,
        current_ranks.unit,
        current_ranks.scope_type,
        current_ranks.scope_type_name_zh,
        current_ranks.scope_type_name_en,
        cast(current_ranks.scope_id as {{ dbt.type_string() }}) as scope_id,
        cast(current_ranks.scope_name as {{ dbt.type_string() }}) as scope_name,
        current_ranks.user_id,
        current_ranks.user_name,
        current_ranks.team_id,
        {{ is_unknown_member('current_ranks.team_id') }} as is_unknown_member,
        current_ranks.team_name,
        current_ranks.region_id,
        current_ranks.region_name,
        current_ranks.business_line,
        cast(current_ranks.metric_value as double) as metric_value,
        cast(current_ranks.rank_in_scope as int) as rank_in_scope,
        cast(current_ranks.ranked_reps_in_scope as int) as ranked_reps_in_scope,
        previous_ranks.period_start_date as previous_period_start_date,
        cast(previous_ranks.metric_value as double) as previous_metric_value,
        cast(previous_ranks.rank_in_scope as int) as previous_rank_in_scope,
        cast(previous_ranks.rank_in_scope - current_ranks.rank_in_scope as int) as rank_change
    from current_ranks
    cross join reporting_date
    left join previous_ranks
        on current_ranks.user_id = previous_ranks.user_id
            and current_ranks.period_type = previous_ranks.period_type
            and current_ranks.metric_code = previous_ranks.metric_code
            and current_ranks.scope_type = previous_ranks.scope_type
    left join period_labels as current_labels
        on current_ranks.period_start_date = current_labels.date_day

)

select * from final
