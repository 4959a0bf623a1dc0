{#- How well does each rep enter data, month by month: records entered, open issues by
    category and severity, on-time entry rates, a 0-100 data-quality score and the rank in
    the team. Weighted issue rate = 100 × Σ score_weight of open issues ÷ records entered
    (weights from ref_dq_rules: warn 1, critical 3); score = 100 × (1 − min(1, rate ÷
    dq_score_zero_issue_rate)) with the zero rate from ref_business_thresholds (10: each
    weighted issue per 100 records costs 10 points); 0 when issues exist but nothing was
    entered, null when neither. Ties share a rank (1, 1, 3). The as-of view over a window of
    months is dq_rep_scorecard_current. -#}
with

entries as (

    select * from {{ ref('int_dq__rep_entries_monthly') }}

),

rule_issues as (

    select * from {{ ref('dq_rep_rule_issues_monthly') }}

),

users as (

    select
        user_id,
        user_name
    from {{ ref('stg_crm__users') }}

),

user_team_days as (

    select * from {{ ref('int_user_team_days') }}

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

score_thresholds as (

    select {{ dq_business_threshold('dq_score_zero_issue_rate') }} as zero_issue_rate
    from {{ ref('ref_business_thresholds') }}

),

issue_totals as (

    select
        user_id,
        month_start_date,
        sum(open_issue_count) as open_issues,
        sum(case when severity = 'critical' then open_issue_count else 0 end) as critical_open_issues,
        sum(case when category = 'timeliness' then open_issue_count else 0 end) as timeliness_open_issues,
        sum(case when category = 'completeness' then open_issue_count else 0 end) as completeness_open_issues,
        sum(case when category = 'correctness' then open_issue_count else 0 end) as correctness_open_issues,
        sum(case when category = 'consistency' then open_issue_count else 0 end) as consistency_open_issues,
        sum(resolved_issue_count) as resolved_issues,
        sum(weighted_open_issues) as weighted_open_issues
    from rule_issues
    group by user_id, month_start_date

),

rep_months as (

    select
        user_id,
        month_start_date
    from entries
    union
    select
        user_id,
        month_start_date
    from issue_totals

),

month_teams as (

    select
        user_team_days.user_id,
        {{ month_start('user_team_days.date_day') }} as month_start_date,
        user_team_days.team_id,
        row_number() over (
            partition by user_team_days.user_id, {{ month_start('user_team_days.date_day') }}
            order by user_team_days.date_day desc
        ) as day_rank
    from user_team_days
    cross join as_of
    where user_team_days.date_day <= as_of.as_of_date

),

last_team_in_month as (

    select
        user_id,
        month_start_date,
        team_id
    from month_teams
    where day_rank = 1

),

combined as (

    select
        rep_months.user_id,
        users.user_name,
        rep_months.month_start_date,
        coalesce(last_team_in_month.team_id, '-1') as team_id,
        cast(coalesce(entries.activities_entered, 0) as bigint) as activities_entered,
        cast(coalesce(entries.completed_activities, 0) as bigint) as completed_activities,
        cast(coalesce(entries.activities_logged_on_time, 0) as bigint) as activities_logged_on_time,
        cast(coalesce(entries.opportunities_entered, 0) as bigint) as opportunities_entered,
        cast(coalesce(entries.stage_changes_entered, 0) as bigint) as stage_changes_entered,
        cast(coalesce(entries.stage_changes_recorded_on_time, 0) as bigint) as stage_changes_recorded_on_time,
        cast(coalesce(entries.contracts_entered, 0) as bigint) as contracts_entered,
        cast(coalesce(entries.records_entered, 0) as bigint) as records_entered,
        cast(coalesce(issue_totals.open_issues, 0) as bigint) as open_issues,
        cast(coalesce(issue_totals.critical_open_issues, 0) as bigint) as critical_open_issues,
        cast(coalesce(issue_totals.timeliness_open_issues, 0) as bigint) as timeliness_open_issues,
        cast(coalesce(issue_totals.completeness_open_issues, 0) as bigint) as completeness_open_issues,
        cast(coalesce(issue_totals.correctness_open_issues, 0) as bigint) as correctness_open_issues,
        cast(coalesce(issue_totals.consistency_open_issues, 0) as bigint) as consistency_open_issues,
        cast(coalesce(issue_totals.resolved_issues, 0) as bigint) as resolved_issues,
        cast(coalesce(issue_totals.weighted_open_issues, 0) as bigint) as weighted_open_issues
    from rep_months
    inner join users
        on rep_months.user_id = users.user_id
    left join entries
        on rep_months.user_id = entries.user_id
            and rep_months.month_start_date = entries.month_start_date
    left join issue_totals
        on rep_months.user_id = issue_totals.user_id
            and rep_months.month_start_date = issue_totals.month_start_date
    left join last_team_in_month
        on rep_months.user_id = last_team_in_month.user_id
            and rep_months.month_start_date = last_team_in_month.month_start_date

),

scored as (

    select
        combined.*,
        {{ safe_divide('activities_logged_on_time', 'completed_activities') }} as activity_on_time_rate,
        {{ safe_divide('stage_changes_recorded_on_time', 'stage_changes_entered') }} as stage_change_on_time_rate,
        {{ dq_issue_rate('weighted_open_issues', 'records_entered') }} as weighted_issues_per_100_records,
        {{ dq_score('weighted_open_issues', 'records_entered', 'score_thresholds.zero_issue_rate') }} as dq_score
    from combined
    cross join score_thresholds

),

ranked as (

    select
        user_id,
        month_start_date,
        cast(rank() over (partition by team_id, month_start_date order by dq_score desc) as int) as rank_in_team,
        cast(count(*) over (partition by team_id, month_start_date) as int) as scored_reps_in_team
    from scored
    where dq_score is not null

),

final as (

    select
        scored.*,
        ranked.rank_in_team,
        ranked.scored_reps_in_team
    from scored
    left join ranked
        on scored.user_id = ranked.user_id
            and scored.month_start_date = ranked.month_start_date

)

select
    final.*,
    {{ is_unknown_member('final.user_id') }} or {{ is_unknown_member('final.team_id') }} as is_unknown_member
from final
