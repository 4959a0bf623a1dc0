{#- Calibration: an alert rule should flag the reps a lead would actually talk to, not most of a
    team. For every rule, the active reps with an open alert of the rule must not exceed
    floor(target_max_share_flagged × all active reps) (ref_alert_rules), and in every team of at
    least five active reps not ceil(target_max_share_flagged_in_team × the team's reps). Returns
    one row per rule and team (or company) over its target. Error-level where the thresholds were calibrated (the dev build sets
    CRM_CHECK_ALERT_CALIBRATION=1); elsewhere a warning, so a real company's data never stops a
    publish over calibration. -#}
{{ config(severity=('error' if env_var('CRM_CHECK_ALERT_CALIBRATION', '') == '1' else 'warn')) }}

with

rules as (

    select
        rule_code,
        target_max_share_flagged,
        target_max_share_flagged_in_team
    from {{ ref('ref_alert_rules') }}

),

reps as (

    select
        user_id,
        team_id
    from {{ ref('int_rep_measures_as_of') }}

),

open_alerts as (

    select distinct
        alerts.rule_code,
        alerts.subject_user_id,
        reps.team_id
    from {{ ref('fct_alerts') }} as alerts
    inner join reps
        on alerts.subject_user_id = reps.user_id
    where alerts.is_open

),

team_sizes as (

    select
        team_id,
        count(*) as active_reps
    from reps
    group by 1

),

company_size as (

    select count(*) as active_reps
    from reps

),

team_flags as (

    select
        rules.rule_code,
        team_sizes.team_id as scope_id,
        team_sizes.active_reps,
        rules.target_max_share_flagged_in_team as target_max_share_flagged,
        count(open_alerts.subject_user_id) as flagged_reps,
        ceil(rules.target_max_share_flagged_in_team * team_sizes.active_reps) as allowed_reps
    from rules
    cross join team_sizes
    left join open_alerts
        on rules.rule_code = open_alerts.rule_code
            and team_sizes.team_id = open_alerts.team_id
    group by 1, 2, 3, 4

),

company_flags as (

    select
        rules.rule_code,
        'company' as scope_id,
        company_size.active_reps,
        rules.target_max_share_flagged,
        count(open_alerts.subject_user_id) as flagged_reps,
        floor(rules.target_max_share_flagged * company_size.active_reps) as allowed_reps
    from rules
    cross join company_size
    left join open_alerts
        on rules.rule_code = open_alerts.rule_code
    group by 1, 2, 3, 4

)

select * from team_flags
where flagged_reps > allowed_reps
    and active_reps >= 5
union all
select * from company_flags
where flagged_reps > allowed_reps
