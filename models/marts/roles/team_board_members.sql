{#- Who in my team has which problem? One row per active rep with the month's result
    (bookings, quota, forecast, rank in team) and the problem flags a team lead acts on, each
    the same alert rule as in fct_alerts (thresholds in ref_alert_rules): unhealthy funnel
    (pipeline_coverage_low), below the visit pace (visit_pace_behind), low win rate versus
    the team (win_rate_below_team), poor follow-up (slow_lead_followup or
    missing_next_steps), poor data entry (many_open_dq_issues), with the numbers behind them
    and the rep's data-quality score for the as-of month. -#}
with

reps as (

    select * from {{ ref('int_rep_measures_as_of') }}

),

alert_findings as (

    select * from {{ ref('int_alert_findings') }}

),

dq_scorecard as (

    select * from {{ ref('dq_rep_scorecard_monthly') }}

),

rep_flags as (

    select
        subject_user_id as user_id,
        max(case when rule_code = 'pipeline_coverage_low' then 1 else 0 end) as has_unhealthy_funnel,
        max(case when rule_code = 'visit_pace_behind' then 1 else 0 end) as is_below_visit_pace,
        max(case when rule_code = 'quota_pace_behind' then 1 else 0 end) as is_behind_quota_pace,
        max(case when rule_code = 'win_rate_below_team' then 1 else 0 end) as has_low_win_rate,
        max(case when rule_code = 'slow_lead_followup' then 1 else 0 end) as has_slow_lead_followup,
        max(case when rule_code = 'missing_next_steps' then 1 else 0 end) as has_missing_next_steps,
        max(case when rule_code = 'many_open_dq_issues' then 1 else 0 end) as has_poor_data_entry
    from alert_findings
    where entity_type = 'rep'
    group by 1

),

flagged as (

    select
        reps.*,
        rank() over (partition by reps.team_id order by reps.bookings_mtd_cny desc) as bookings_rank_in_team,
        coalesce(rep_flags.has_unhealthy_funnel, 0) = 1 as has_unhealthy_funnel,
        coalesce(rep_flags.is_below_visit_pace, 0) = 1 as is_below_visit_pace,
        coalesce(rep_flags.is_behind_quota_pace, 0) = 1 as is_behind_quota_pace,
        coalesce(rep_flags.has_low_win_rate, 0) = 1 as has_low_win_rate,
        coalesce(rep_flags.has_slow_lead_followup, 0) = 1 as has_slow_lead_followup,
        coalesce(rep_flags.has_missing_next_steps, 0) = 1 as has_missing_next_steps,
        coalesce(rep_flags.has_slow_lead_followup, 0) = 1 or coalesce(rep_flags.has_missing_next_steps, 0) = 1
            as has_poor_followup,
        coalesce(rep_flags.has_poor_data_entry, 0) = 1 as has_poor_data_entry,
        dq_scorecard.dq_score
    from reps
    left join rep_flags
        on reps.user_id = rep_flags.user_id
    left join dq_scorecard
        on reps.user_id = dq_scorecard.user_id
            and reps.month_start_date = dq_scorecard.month_start_date

),

final as (

    select
        user_id,
        user_name,
        team_id,
        team_name,
        business_line,
        region_id,
        as_of_date,
        bookings_mtd_cny,
        quota_month_cny,
        gap_to_quota_month_cny,
        attainment_mtd,
        weighted_forecast_month_cny,
        forecast_month_total_cny,
        cast(bookings_rank_in_team as int) as bookings_rank_in_team,
        pipeline_coverage,
        is_funnel_healthy,
        visits_mtd,
        visit_pace_target,
        visits_to_plan,
        visits_to_plan > 0 as is_visit_bonus_cut_at_risk,
        ka_visits_mtd,
        win_rate_in_window,
        team_win_rate_in_window,
        avg_hours_mql_to_sql,
        share_visits_without_next_step,
        open_dq_issues,
        cast(dq_score as double) as dq_score,
        has_unhealthy_funnel,
        is_below_visit_pace,
        is_behind_quota_pace,
        has_low_win_rate,
        has_slow_lead_followup,
        has_missing_next_steps,
        has_poor_followup,
        has_poor_data_entry,
        cast(
            case when has_unhealthy_funnel then 1 else 0 end
            + case when is_below_visit_pace then 1 else 0 end
            + case when has_low_win_rate then 1 else 0 end
            + case when has_poor_followup then 1 else 0 end
            + case when has_poor_data_entry then 1 else 0 end
            as int
        ) as problem_count
    from flagged

)

select * from final
