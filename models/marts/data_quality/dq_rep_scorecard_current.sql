{#- How well does each rep enter data, as of the build: one row per user with records entered
    in the score window or an open issue. Two views of the same issues
    (fct_data_quality_issues, the source the workbench's entries-to-fix list reads too):
    - open_issues: every open issue the user is responsible for, whatever the record's date
      — the same count as the user's rows in rep_workbench_dq_issues;
    - the score over a stated window: the as-of month to date and the months before it, in
      all dq_score_window_months (ref_business_thresholds, 3). Weighted issue rate = 100 ×
      Σ score_weight of the open issues on records dated in the window ÷ records entered in
      the window; score = 100 × (1 − min(1, rate ÷ dq_score_zero_issue_rate)) (10: each
      weighted issue per 100 records costs 10 points, so 5 per 100 scores 50); 0 when
      issues are open but nothing was entered, null when neither. Issues on records dated
      after the as-of date count in the as-of month (as in dq_rep_scorecard_monthly); a
      record without a date counts in the month its issue was first seen.
    Team: the user's team on the as-of date ('-1' when none). Ties share a rank. -#}
with

issues as (

    select * from {{ ref('fct_data_quality_issues') }}

),

entries as (

    select * from {{ ref('int_dq__rep_entries_monthly') }}

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

    select
        {{ dq_business_threshold('dq_score_window_months') }} as window_months,
        {{ dq_business_threshold('dq_score_zero_issue_rate') }} as zero_issue_rate
    from {{ ref('ref_business_thresholds') }}

),

score_window as (

    select
        as_of.as_of_date,
        cast(score_thresholds.window_months as int) as window_months,
        score_thresholds.zero_issue_rate,
        {{ add_months(month_start('as_of.as_of_date'), '1 - cast(score_thresholds.window_months as int)') }}
            as window_start_date
    from as_of
    cross join score_thresholds

),

open_issues as (

    select
        issues.*,
        {{ month_start('case when coalesce(issues.record_date, issues.first_seen_as_of) > score_window.as_of_date then score_window.as_of_date else coalesce(issues.record_date, issues.first_seen_as_of) end') }} as month_start_date
    from issues
    cross join score_window
    where issues.is_open
        and issues.responsible_user_id != '-1'

),

issue_totals as (

    select
        open_issues.responsible_user_id as user_id,
        count(*) as open_issues,
        sum(case when open_issues.severity = 'critical' then 1 else 0 end) as critical_open_issues,
        sum(case when open_issues.category = 'timeliness' then 1 else 0 end) as timeliness_open_issues,
        sum(case when open_issues.category = 'completeness' then 1 else 0 end) as completeness_open_issues,
        sum(case when open_issues.category = 'correctness' then 1 else 0 end) as correctness_open_issues,
        sum(case when open_issues.category = 'consistency' then 1 else 0 end) as consistency_open_issues,
        sum(case when open_issues.month_start_date >= score_window.window_start_date then 1 else 0 end)
            as window_open_issues,
        sum(case when open_issues.month_start_date >= score_window.window_start_date then open_issues.score_weight else 0 end)
            as window_weighted_open_issues
    from open_issues
    cross join score_window
    group by open_issues.responsible_user_id

),

entry_totals as (

    select
        entries.user_id,
        sum(entries.records_entered) as records_entered,
        sum(entries.completed_activities) as completed_activities,
        sum(entries.activities_logged_on_time) as activities_logged_on_time,
        sum(entries.stage_changes_entered) as stage_changes_entered,
        sum(entries.stage_changes_recorded_on_time) as stage_changes_recorded_on_time
    from entries
    cross join score_window
    where entries.month_start_date >= score_window.window_start_date
        and entries.month_start_date <= score_window.as_of_date
    group by entries.user_id

),

scored_users as (

    select user_id from issue_totals
    union
    select user_id from entry_totals

),

teams_on_as_of as (

    select
        user_team_days.user_id,
        user_team_days.team_id
    from user_team_days
    inner join as_of
        on user_team_days.date_day = as_of.as_of_date

),

combined as (

    select
        scored_users.user_id,
        users.user_name,
        coalesce(teams_on_as_of.team_id, '-1') as team_id,
        score_window.as_of_date,
        score_window.window_start_date,
        score_window.window_months,
        score_window.zero_issue_rate,
        cast(coalesce(entry_totals.records_entered, 0) as bigint) as records_entered,
        cast(coalesce(entry_totals.completed_activities, 0) as bigint) as completed_activities,
        cast(coalesce(entry_totals.activities_logged_on_time, 0) as bigint) as activities_logged_on_time,
        cast(coalesce(entry_totals.stage_changes_entered, 0) as bigint) as stage_changes_entered,
        cast(coalesce(entry_totals.stage_changes_recorded_on_time, 0) as bigint) as stage_changes_recorded_on_time,
        cast(coalesce(issue_totals.window_open_issues, 0) as bigint) as window_open_issues,
        cast(coalesce(issue_totals.window_weighted_open_issues, 0) as bigint) as window_weighted_open_issues,
        cast(coalesce(issue_totals.open_issues, 0) as bigint) as open_issues,
        cast(coalesce(issue_totals.critical_open_issues, 0) as bigint) as critical_open_issues,
        cast(coalesce(issue_totals.timeliness_open_issues, 0) as bigint) as timeliness_open_issues,
        cast(coalesce(issue_totals.completeness_open_issues, 0) as bigint) as completeness_open_issues,
        cast(coalesce(issue_totals.correctness_open_issues, 0) as bigint) as correctness_open_issues,
        cast(coalesce(issue_totals.consistency_open_issues, 0) as bigint) as consistency_open_issues
    from scored_users
    inner join users
        on scored_users.user_id = users.user_id
    cross join score_window
    left join entry_totals
        on scored_users.user_id = entry_totals.user_id
    left join issue_totals
        on scored_users.user_id = issue_totals.user_id
    left join teams_on_as_of
        on scored_users.user_id = teams_on_as_of.user_id

),

scored as (

    select
        combined.*,
        {{ safe_divide('activities_logged_on_time', 'completed_activities') }} as activity_on_time_rate,
        {{ safe_divide('stage_changes_recorded_on_time', 'stage_changes_entered') }} as stage_change_on_time_rate,
        {{ dq_issue_rate('window_weighted_open_issues', 'records_entered') }} as weighted_issues_per_100_records,
        {{ dq_score('window_weighted_open_issues', 'records_entered', 'zero_issue_rate') }} as dq_score
    from combined

),

ranked as (

    select
        user_id,
        cast(rank() over (partition by team_id order by dq_score desc) as int) as rank_in_team,
        cast(count(*) over (partition by team_id) as int) as scored_reps_in_team
    from scored
    where dq_score is not null

),

final as (

    select
        scored.user_id,
        scored.user_name,
        scored.team_id,
        scored.as_of_date,
        scored.window_start_date,
        scored.window_months,
        scored.records_entered,
        scored.completed_activities,
        scored.activities_logged_on_time,
        scored.stage_changes_entered,
        scored.stage_changes_recorded_on_time,
        scored.activity_on_time_rate,
        scored.stage_change_on_time_rate,
        scored.window_open_issues,
        scored.window_weighted_open_issues,
        scored.weighted_issues_per_100_records,
        scored.dq_score,
        ranked.rank_in_team,
        ranked.scored_reps_in_team,
        scored.open_issues,
        scored.critical_open_issues,
        scored.timeliness_open_issues,
        scored.completeness_open_issues,
        scored.correctness_open_issues,
        scored.consistency_open_issues
    from scored
    left join ranked
        on scored.user_id = ranked.user_id

)

select
    final.*,
    {{ is_unknown_member('final.user_id') }} or {{ is_unknown_member('final.team_id') }} as is_unknown_member
from final
