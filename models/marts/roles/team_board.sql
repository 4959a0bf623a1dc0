{#- Team-lead board (组长看板), one row per team on the as-of date: how is my team doing
    (month- and quarter-to-date bookings credited to the team against the team quota, gap,
    month forecast = bookings + the members' weighted forecast, contest rank in the business
    line) and who has which problem (how many members are flagged by each problem rule, and
    the open alerts the lead must act on). Per-member detail: team_board_members. -#}
with

teams as (

    select * from {{ ref('dim_teams') }}

),

contest as (

    select * from {{ ref('team_contest') }}

),

members as (

    select * from {{ ref('team_board_members') }}

),

alert_findings as (

    select * from {{ ref('int_alert_findings') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

member_summary as (

    select
        team_id,
        count(*) as active_members,
        sum(weighted_forecast_month_cny) as members_weighted_forecast_month_cny,
        sum(visits_mtd) as visits_mtd,
        sum(case when has_unhealthy_funnel then 1 else 0 end) as members_with_unhealthy_funnel,
        sum(case when is_below_visit_pace then 1 else 0 end) as members_below_visit_pace,
        sum(case when is_visit_bonus_cut_at_risk then 1 else 0 end) as members_at_risk_of_visit_bonus_cut,
        sum(case when has_low_win_rate then 1 else 0 end) as members_with_low_win_rate,
        sum(case when has_poor_followup then 1 else 0 end) as members_with_poor_followup,
        sum(case when has_poor_data_entry then 1 else 0 end) as members_with_poor_data_entry,
        sum(case when problem_count > 0 then 1 else 0 end) as members_with_any_problem
    from members
    group by 1

),

lead_alerts as (

    select
        teams.team_id,
        count(*) as open_alerts_for_lead
    from alert_findings
    inner join teams
        on alert_findings.action_user_id = teams.leader_user_id
            and alert_findings.team_id = teams.team_id
    group by 1

),

final as (

    select
        teams.team_id,
        {{ is_unknown_member('teams.team_id') }} as is_unknown_member,
        teams.team_name,
        teams.business_line,
        teams.region_id,
        teams.region_name,
        teams.leader_user_id,
        reporting_date.as_of_date,
        {{ month_start('reporting_date.as_of_date') }} as period_start_date,
        {{ month_end('reporting_date.as_of_date') }} as period_end_date,
        month_contest.bookings_cny as bookings_mtd_cny,
        month_contest.quota_cny as quota_month_cny,
        month_contest.gap_to_quota_cny as gap_to_quota_month_cny,
        month_contest.attainment as attainment_mtd,
        cast(coalesce(member_summary.members_weighted_forecast_month_cny, 0) as decimal(18, 2))
            as weighted_forecast_month_cny,
        cast(month_contest.bookings_cny + coalesce(member_summary.members_weighted_forecast_month_cny, 0) as decimal(18, 2))
            as forecast_month_total_cny,
        cast({{ safe_divide(
            'month_contest.bookings_cny + coalesce(member_summary.members_weighted_forecast_month_cny, 0)',
            'month_contest.quota_cny') }} as double) as forecast_attainment,
        month_contest.contest_rank as contest_rank_month,
        quarter_contest.bookings_cny as bookings_qtd_cny,
        quarter_contest.quota_cny as quota_quarter_cny,
        quarter_contest.attainment as attainment_qtd,
        quarter_contest.contest_rank as contest_rank_quarter,
        month_contest.teams_in_contest,
        cast(coalesce(member_summary.active_members, 0) as int) as active_members,
        cast(coalesce(member_summary.visits_mtd, 0) as int) as visits_mtd,
        cast(coalesce(member_summary.members_with_unhealthy_funnel, 0) as int) as members_with_unhealthy_funnel,
        cast(coalesce(member_summary.members_below_visit_pace, 0) as int) as members_below_visit_pace,
        cast(coalesce(member_summary.members_at_risk_of_visit_bonus_cut, 0) as int) as members_at_risk_of_visit_bonus_cut,
        cast(coalesce(member_summary.members_with_low_win_rate, 0) as int) as members_with_low_win_rate,
        cast(coalesce(member_summary.members_with_poor_followup, 0) as int) as members_with_poor_followup,
        cast(coalesce(member_summary.members_with_poor_data_entry, 0) as int) as members_with_poor_data_entry,
        cast(coalesce(member_summary.members_with_any_problem, 0) as int) as members_with_any_problem,
        cast(coalesce(lead_alerts.open_alerts_for_lead, 0) as int) as open_alerts_for_lead
    from teams
    cross join reporting_date
    left join contest as month_contest
        on teams.team_id = month_contest.team_id
            and month_contest.period_type = 'month'
    left join contest as quarter_contest
        on teams.team_id = quarter_contest.team_id
            and quarter_contest.period_type = 'quarter'
    left join member_summary
        on teams.team_id = member_summary.team_id
    left join lead_alerts
        on teams.team_id = lead_alerts.team_id
    where not teams.is_unknown

)

select * from final
