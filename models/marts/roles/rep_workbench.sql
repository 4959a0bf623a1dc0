{#- Rep workbench (工作台), one row per active rep on the as-of date: how am I doing (month-to-
    date bookings against quota, gap, weighted forecast, rank in my team), what is wrong
    (visit pace against the monthly threshold, funnel coverage, stalled deals, data-quality
    issues, open alerts) and what to do (how many more visits to plan to avoid the 2% bonus
    cut, today's visits, yesterday's missed ones). The detail lists are the rep_workbench_*
    tables; alerts tell whether a problem got fixed on the next refresh. -#}
with

reps as (

    select * from {{ ref('int_rep_measures_as_of') }}

),

alert_findings as (

    select * from {{ ref('int_alert_findings') }}

),

visit_list as (

    select * from {{ ref('rep_workbench_visits') }}

),

alert_counts as (

    select
        subject_user_id as user_id,
        count(*) as open_alerts,
        sum(case when severity = 'critical' then 1 else 0 end) as critical_open_alerts
    from alert_findings
    group by 1

),

visit_counts as (

    select
        user_id,
        sum(case when visit_list_code = 'today_planned' then 1 else 0 end) as todays_planned_visits,
        sum(case when visit_list_code = 'previous_day_not_done' then 1 else 0 end) as previous_day_missed_visits
    from visit_list
    group by 1

),

ranked as (

    select
        reps.*,
        rank() over (partition by reps.team_id order by reps.bookings_mtd_cny desc) as bookings_rank_in_team,
        count(*) over (partition by reps.team_id) as team_rep_count
    from reps

),

final as (

    select
        ranked.user_id,
        ranked.user_name,
        ranked.team_id,
        {{ is_unknown_member('ranked.team_id') }} as is_unknown_member,
        ranked.team_name,
        ranked.business_line,
        ranked.region_id,
        ranked.region_name,
        ranked.as_of_date,
        ranked.month_start_date,
        {{ month_start('ranked.as_of_date') }} as period_start_date,
        {{ month_end('ranked.as_of_date') }} as period_end_date,
        ranked.working_days_in_month,
        ranked.working_days_elapsed,
        ranked.working_day_share,
        ranked.bookings_mtd_cny,
        ranked.quota_month_cny,
        ranked.gap_to_quota_month_cny,
        ranked.attainment_mtd,
        ranked.quota_pace_target_cny,
        ranked.weighted_forecast_month_cny,
        ranked.forecast_month_total_cny,
        cast({{ safe_divide('ranked.forecast_month_total_cny', 'ranked.quota_month_cny') }} as double)
            as forecast_attainment,
        cast(ranked.bookings_rank_in_team as int) as bookings_rank_in_team,
        cast(ranked.team_rep_count as int) as team_rep_count,
        ranked.visits_mtd,
        ranked.monthly_visit_threshold,
        ranked.visit_pace_target,
        ranked.visits_mtd < ranked.visit_pace_target as is_below_visit_pace,
        ranked.planned_visits_ahead,
        ranked.visit_gap,
        ranked.visits_to_plan,
        ranked.visits_to_plan > 0 as is_visit_bonus_cut_at_risk,
        ranked.visit_shortfall_bonus_cut,
        ranked.ka_visits_mtd,
        ranked.open_opportunities,
        ranked.stalled_opportunities,
        ranked.open_pipeline_cny,
        ranked.bookings_qtd_cny,
        ranked.quota_quarter_cny,
        ranked.remaining_quarter_quota_cny,
        ranked.pipeline_to_quarter_end_cny,
        ranked.pipeline_coverage,
        ranked.pipeline_coverage_target,
        ranked.is_funnel_healthy,
        ranked.open_dq_issues,
        ranked.critical_open_dq_issues,
        cast(coalesce(visit_counts.todays_planned_visits, 0) as int) as todays_planned_visits,
        cast(coalesce(visit_counts.previous_day_missed_visits, 0) as int) as previous_day_missed_visits,
        cast(coalesce(alert_counts.open_alerts, 0) as int) as open_alerts,
        cast(coalesce(alert_counts.critical_open_alerts, 0) as int) as critical_open_alerts
    from ranked
    left join visit_counts
        on ranked.user_id = visit_counts.user_id
    left join alert_counts
        on ranked.user_id = alert_counts.user_id

)

select * from final
