{#- Which of my CRM entries must I fix? One row per open data-quality issue an active rep is
    responsible for (from fct_data_quality_issues), with what is wrong and since when; the
    issue leaves this list on the first refresh that no longer finds it. -#}
with

dq_issues as (

    select * from {{ ref('fct_data_quality_issues') }}

),

reps as (

    select * from {{ ref('int_rep_measures_as_of') }}

),

final as (

    select
        dq_issues.finding_id,
        dq_issues.responsible_user_id as user_id,
        reps.team_id,
        dq_issues.rule_code,
        dq_issues.rule_name_zh,
        dq_issues.rule_name_en,
        dq_issues.category,
        dq_issues.severity,
        dq_issues.entity,
        dq_issues.record_id,
        dq_issues.column_name,
        dq_issues.record_date,
        dq_issues.detail_zh,
        dq_issues.detail_en,
        dq_issues.first_seen_as_of,
        cast({{ days_between('dq_issues.first_seen_as_of', 'reps.as_of_date') }} as int) as days_open
    from dq_issues
    inner join reps
        on dq_issues.responsible_user_id = reps.user_id
    where dq_issues.is_open

)

select * from final
