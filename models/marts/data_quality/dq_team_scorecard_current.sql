{#- How well does each team enter data, as of the build: dq_rep_scorecard_current summed over
    the reps in the team on the as-of date — open issues (any record date, as on the reps'
    workbenches), records entered and weighted open issues in the score window, the team
    score (the rep formula on the team totals), the mean rep score and how many reps have an
    issue, or a critical issue, open. -#}
with

scorecard as (

    select * from {{ ref('dq_rep_scorecard_current') }}

),

score_thresholds as (

    select {{ dq_business_threshold('dq_score_zero_issue_rate') }} as zero_issue_rate
    from {{ ref('ref_business_thresholds') }}

),

totals as (

    select
        team_id,
        max(as_of_date) as as_of_date,
        max(window_start_date) as window_start_date,
        max(window_months) as window_months,
        cast(count(*) as bigint) as reps,
        cast(sum(records_entered) as bigint) as records_entered,
        cast(sum(completed_activities) as bigint) as completed_activities,
        cast(sum(activities_logged_on_time) as bigint) as activities_logged_on_time,
        cast(sum(stage_changes_entered) as bigint) as stage_changes_entered,
        cast(sum(stage_changes_recorded_on_time) as bigint) as stage_changes_recorded_on_time,
        cast(sum(window_open_issues) as bigint) as window_open_issues,
        cast(sum(window_weighted_open_issues) as bigint) as window_weighted_open_issues,
        cast(sum(open_issues) as bigint) as open_issues,
        cast(sum(critical_open_issues) as bigint) as critical_open_issues,
        cast(avg(dq_score) as double) as mean_rep_dq_score,
        cast(sum(case when open_issues > 0 then 1 else 0 end) as bigint) as reps_with_open_issues,
        cast(sum(case when critical_open_issues > 0 then 1 else 0 end) as bigint) as reps_with_critical_issues
    from scorecard
    group by team_id

),

final as (

    select
        totals.*,
        {{ safe_divide('activities_logged_on_time', 'completed_activities') }} as activity_on_time_rate,
        {{ safe_divide('stage_changes_recorded_on_time', 'stage_changes_entered') }} as stage_change_on_time_rate,
        {{ dq_issue_rate('window_weighted_open_issues', 'records_entered') }} as weighted_issues_per_100_records,
        {{ dq_score('window_weighted_open_issues', 'records_entered', 'score_thresholds.zero_issue_rate') }} as team_dq_score
    from totals
    cross join score_thresholds

)

select
    final.*,
    {{ is_unknown_member('final.team_id') }} as is_unknown_member
from final
