{{ config(materialized='table') }}

{#- Where does each active rep stand on the as-of date? One row per active rep (current team)
    with the month's bookings, quota, weighted forecast, quarter pipeline and coverage, the
    visit arithmetic against the monthly threshold, and the windowed behaviour measures the
    alert rules judge (win rate, lead follow-up, next steps, open data-quality issues). The
    workbench, the team board and the alerts all read it, so they agree. -#}
with

users as (

    select * from {{ ref('dim_users') }}

),

teams as (

    select * from {{ ref('dim_teams') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

contracts as (

    select * from {{ ref('fct_contracts') }}

),

quotas as (

    select * from {{ ref('fct_quotas') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

open_opportunities as (

    select * from {{ ref('int_opportunities_stall_checked') }}

),

activities as (

    select * from {{ ref('fct_activities') }}

),

leads as (

    select * from {{ ref('fct_leads') }}

),

dq_issues as (

    select * from {{ ref('fct_data_quality_issues') }}

),

business_thresholds as (

    select * from {{ ref('ref_business_thresholds') }}

),

alert_rules as (

    select * from {{ ref('ref_alert_rules') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

periods as (

    select
        as_of_date,
        {{ month_start('as_of_date') }} as month_start_date,
        {{ add_days(add_months(month_start('as_of_date'), 1), -1) }} as month_end_date,
        {{ quarter_start('as_of_date') }} as quarter_start_date,
        {{ add_days(add_months(quarter_start('as_of_date'), 3), -1) }} as quarter_end_date
    from reporting_date

),

settings as (

    select
        max(case when business_thresholds.threshold_code = 'monthly_visit_threshold'
                then business_thresholds.threshold_value
        end) as monthly_visit_threshold,
        max(case when business_thresholds.threshold_code = 'visit_shortfall_bonus_cut'
                then business_thresholds.threshold_value
        end) as visit_shortfall_bonus_cut,
        max(case when business_thresholds.threshold_code = 'pipeline_coverage_target'
                then business_thresholds.threshold_value
        end) as pipeline_coverage_target
    from business_thresholds

),

rule_lookbacks as (

    select
        max(case when rule_code = 'win_rate_below_team' then lookback_days end) as win_rate_lookback_days,
        max(case when rule_code = 'slow_lead_followup' then lookback_days end) as followup_lookback_days,
        max(case when rule_code = 'missing_next_steps' then lookback_days end) as next_step_lookback_days
    from alert_rules

),

windows as (

    select
        periods.*,
        {{ add_days('periods.as_of_date', '1 - rule_lookbacks.win_rate_lookback_days') }} as win_rate_window_start_date,
        {{ add_days('periods.as_of_date', '1 - rule_lookbacks.followup_lookback_days') }} as followup_window_start_date,
        {{ add_days('periods.as_of_date', '1 - rule_lookbacks.next_step_lookback_days') }} as next_step_window_start_date
    from periods
    cross join rule_lookbacks

),

working_days as (

    select
        sum(case when calendar.is_working_day then 1 else 0 end) as working_days_in_month,
        sum(case when calendar.is_working_day and calendar.date_day <= windows.as_of_date then 1 else 0 end)
            as working_days_elapsed
    from calendar
    cross join windows
    where calendar.date_day between windows.month_start_date and windows.month_end_date

),

active_reps as (

    select
        users.user_id,
        users.user_name,
        coalesce(users.current_team_id, '-1') as team_id,
        teams.team_name,
        teams.business_line,
        teams.region_id,
        teams.region_name,
        teams.leader_user_id as team_leader_user_id,
        leaders.manager_user_id as director_user_id
    from users
    left join teams
        on coalesce(users.current_team_id, '-1') = teams.team_id
    left join users as leaders
        on teams.leader_user_id = leaders.user_id
    where users.is_rep
        and users.is_active
        and not users.is_unknown

),

bookings as (

    select
        contracts.owner_user_id as user_id,
        sum(case when contracts.signed_date >= windows.month_start_date then contracts.total_amount_cny else 0 end)
            as bookings_mtd_cny,
        sum(contracts.total_amount_cny) as bookings_qtd_cny
    from contracts
    cross join windows
    where contracts.signed_date between windows.quarter_start_date and windows.as_of_date
    group by 1

),

rep_quotas as (

    select
        quotas.user_id,
        sum(case when quotas.period_month = windows.month_start_date then quotas.target_value end)
            as quota_month_cny,
        sum(quotas.target_value) as quota_quarter_cny
    from quotas
    cross join windows
    where quotas.owner_type = 'rep'
        and quotas.metric = 'bookings_amount'
        and quotas.period_month between windows.quarter_start_date and windows.quarter_end_date
    group by 1

),

pipeline as (

    select
        open_opportunities.owner_user_id as user_id,
        count(*) as open_opportunities,
        sum(case when open_opportunities.is_stalled then 1 else 0 end) as stalled_opportunities,
        sum(coalesce(open_opportunities.amount_cny, 0)) as open_pipeline_cny,
        sum(
            case
                when open_opportunities.expected_close_date between windows.month_start_date and windows.month_end_date
                    then coalesce(open_opportunities.weighted_amount_cny, 0)
                else 0
            end
        ) as weighted_forecast_month_cny,
        sum(
            case
                when open_opportunities.expected_close_date between windows.quarter_start_date and windows.quarter_end_date
                    then coalesce(open_opportunities.amount_cny, 0)
                else 0
            end
        ) as pipeline_to_quarter_end_cny
    from open_opportunities
    cross join windows
    group by 1

),

visits as (

    select
        activities.owner_user_id as user_id,
        sum(
            case
                when activities.is_completed_visit
                    and activities.occurred_date between windows.month_start_date and windows.as_of_date then 1
                else 0
            end
        ) as visits_mtd,
        sum(
            case
                when activities.is_completed_visit and activities.is_key_account
                    and activities.occurred_date between windows.month_start_date and windows.as_of_date then 1
                else 0
            end
        ) as ka_visits_mtd,
        sum(
            case
                when activities.is_visit and activities.activity_status = 'planned'
                    and activities.planned_date between windows.as_of_date and windows.month_end_date then 1
                else 0
            end
        ) as planned_visits_ahead,
        sum(
            case
                when activities.is_completed_visit
                    and activities.occurred_date between windows.next_step_window_start_date and windows.as_of_date then 1
                else 0
            end
        ) as completed_visits_in_window,
        sum(
            case
                when activities.is_completed_visit
                    and activities.occurred_date between windows.next_step_window_start_date and windows.as_of_date
                    and coalesce(trim(activities.next_step), '') = '' then 1
                else 0
            end
        ) as visits_without_next_step
    from activities
    cross join windows
    where activities.is_visit
    group by 1

),

closed_deals as (

    select
        opportunities.owner_user_id as user_id,
        sum(case when opportunities.is_won then 1 else 0 end) as won_in_window,
        sum(case when opportunities.is_lost then 1 else 0 end) as lost_in_window
    from opportunities
    cross join windows
    where opportunities.is_closed
        and opportunities.closed_date between windows.win_rate_window_start_date and windows.as_of_date
    group by 1

),

lead_followup as (

    select
        leads.owner_user_id as user_id,
        count(*) as leads_followed_up,
        avg(leads.hours_mql_to_sql) as avg_hours_mql_to_sql
    from leads
    cross join windows
    where leads.is_sql
        and leads.hours_mql_to_sql is not null
        and leads.sql_date between windows.followup_window_start_date and windows.as_of_date
    group by 1

),

open_dq as (

    select
        dq_issues.responsible_user_id as user_id,
        count(*) as open_dq_issues,
        sum(case when dq_issues.severity = 'critical' then 1 else 0 end) as critical_open_dq_issues
    from dq_issues
    where dq_issues.is_open
    group by 1

),

joined as (

    select
        active_reps.*,
        windows.as_of_date,
        windows.month_start_date,
        windows.month_end_date,
        windows.quarter_start_date,
        windows.quarter_end_date,
        working_days.working_days_in_month,
        working_days.working_days_elapsed,
        settings.monthly_visit_threshold,
        settings.visit_shortfall_bonus_cut,
        settings.pipeline_coverage_target,
        cast(coalesce(bookings.bookings_mtd_cny, 0) as decimal(18, 2)) as bookings_mtd_cny,
        cast(coalesce(bookings.bookings_qtd_cny, 0) as decimal(18, 2)) as bookings_qtd_cny,
        cast(rep_quotas.quota_month_cny as decimal(18, 2)) as quota_month_cny,
        cast(rep_quotas.quota_quarter_cny as decimal(18, 2)) as quota_quarter_cny,
        cast(coalesce(pipeline.open_opportunities, 0) as int) as open_opportunities,
        cast(coalesce(pipeline.stalled_opportunities, 0) as int) as stalled_opportunities,
        cast(coalesce(pipeline.open_pipeline_cny, 0) as decimal(18, 2)) as open_pipeline_cny,
        cast(coalesce(pipeline.weighted_forecast_month_cny, 0) as decimal(18, 2)) as weighted_forecast_month_cny,
        cast(coalesce(pipeline.pipeline_to_quarter_end_cny, 0) as decimal(18, 2)) as pipeline_to_quarter_end_cny,
        cast(coalesce(visits.visits_mtd, 0) as int) as visits_mtd,
        cast(coalesce(visits.ka_visits_mtd, 0) as int) as ka_visits_mtd,
        cast(coalesce(visits.planned_visits_ahead, 0) as int) as planned_visits_ahead,
        cast(coalesce(visits.completed_visits_in_window, 0) as int) as completed_visits_in_window,
        cast(coalesce(visits.visits_without_next_step, 0) as int) as visits_without_next_step,
        cast(coalesce(closed_deals.won_in_window, 0) as int) as won_in_window,
        cast(coalesce(closed_deals.lost_in_window, 0) as int) as lost_in_window,
        cast(coalesce(lead_followup.leads_followed_up, 0) as int) as leads_followed_up,
        cast(lead_followup.avg_hours_mql_to_sql as double) as avg_hours_mql_to_sql,
        cast(coalesce(open_dq.open_dq_issues, 0) as int) as open_dq_issues,
        cast(coalesce(open_dq.critical_open_dq_issues, 0) as int) as critical_open_dq_issues
    from active_reps
    cross join windows
    cross join working_days
    cross join settings
    left join bookings
        on active_reps.user_id = bookings.user_id
    left join rep_quotas
        on active_reps.user_id = rep_quotas.user_id
    left join pipeline
        on active_reps.user_id = pipeline.user_id
    left join visits
        on active_reps.user_id = visits.user_id
    left join closed_deals
        on active_reps.user_id = closed_deals.user_id
    left join lead_followup
        on active_reps.user_id = lead_followup.user_id
    left join open_dq
        on active_reps.user_id = open_dq.user_id

),

team_win_rates as (

    select
        team_id,
        sum(won_in_window) as team_won_in_window,
        sum(won_in_window + lost_in_window) as team_closed_in_window
    from joined
    group by 1

),

derived as (

    select
        joined.*,
        {{ safe_divide('joined.working_days_elapsed', 'joined.working_days_in_month') }} as working_day_share,
        case
            when joined.quota_quarter_cny is null then null
            when joined.quota_quarter_cny - joined.bookings_qtd_cny > 0
                then cast(joined.quota_quarter_cny - joined.bookings_qtd_cny as decimal(18, 2))
            else cast(0 as decimal(18, 2))
        end as remaining_quarter_quota_cny,
        {{ safe_divide('joined.won_in_window', 'joined.won_in_window + joined.lost_in_window') }} as win_rate_in_window,
        {{ safe_divide('team_win_rates.team_won_in_window', 'team_win_rates.team_closed_in_window') }} as team_win_rate_in_window,
        {{ safe_divide('joined.visits_without_next_step', 'joined.completed_visits_in_window') }} as share_visits_without_next_step
    from joined
    left join team_win_rates
        on joined.team_id = team_win_rates.team_id

),

final as (

    select
        user_id,
        user_name,
        team_id,
        team_name,
        business_line,
        region_id,
        region_name,
        team_leader_user_id,
        director_user_id,
        as_of_date,
        month_start_date,
        month_end_date,
        quarter_start_date,
        quarter_end_date,
        cast(working_days_in_month as int) as working_days_in_month,
        cast(working_days_elapsed as int) as working_days_elapsed,
        cast(working_day_share as double) as working_day_share,
        bookings_mtd_cny,
        quota_month_cny,
        cast(quota_month_cny - bookings_mtd_cny as decimal(18, 2)) as gap_to_quota_month_cny,
        cast({{ safe_divide('bookings_mtd_cny', 'quota_month_cny') }} as double) as attainment_mtd,
        cast(quota_month_cny * working_day_share as decimal(18, 2)) as quota_pace_target_cny,
        weighted_forecast_month_cny,
        cast(bookings_mtd_cny + weighted_forecast_month_cny as decimal(18, 2)) as forecast_month_total_cny,
        bookings_qtd_cny,
        quota_quarter_cny,
        remaining_quarter_quota_cny,
        open_opportunities,
        stalled_opportunities,
        open_pipeline_cny,
        pipeline_to_quarter_end_cny,
        cast({{ safe_divide('pipeline_to_quarter_end_cny', 'remaining_quarter_quota_cny') }} as double) as pipeline_coverage,
        cast(pipeline_coverage_target as double) as pipeline_coverage_target,
        coalesce(
            remaining_quarter_quota_cny = 0
            or pipeline_to_quarter_end_cny >= pipeline_coverage_target * remaining_quarter_quota_cny,
            true
        ) as is_funnel_healthy,
        visits_mtd,
        cast(monthly_visit_threshold as int) as monthly_visit_threshold,
        cast(monthly_visit_threshold * working_day_share as double) as visit_pace_target,
        planned_visits_ahead,
        cast(greatest(monthly_visit_threshold - visits_mtd, 0) as int) as visit_gap,
        cast(greatest(monthly_visit_threshold - visits_mtd - planned_visits_ahead, 0) as int) as visits_to_plan,
        cast(visit_shortfall_bonus_cut as double) as visit_shortfall_bonus_cut,
        ka_visits_mtd,
        completed_visits_in_window,
        visits_without_next_step,
        cast(share_visits_without_next_step as double) as share_visits_without_next_step,
        won_in_window,
        lost_in_window,
        cast(win_rate_in_window as double) as win_rate_in_window,
        cast(team_win_rate_in_window as double) as team_win_rate_in_window,
        leads_followed_up,
        avg_hours_mql_to_sql,
        open_dq_issues,
        critical_open_dq_issues
    from derived

)

select * from final
