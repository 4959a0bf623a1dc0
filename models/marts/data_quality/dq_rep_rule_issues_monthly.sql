{#- Which rules each rep breaks, month by month: open and resolved data-quality issues per
    responsible rep, month of the record concerned and rule (a long table: one row per rule
    with at least one issue). Issues without a known responsible user stay in
    fct_data_quality_issues only. -#}
with

issues as (

    select * from {{ ref('fct_data_quality_issues') }}

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

dated_issues as (

    select
        issues.*,
        {{ month_start('case when coalesce(issues.record_date, issues.first_seen_as_of) > as_of.as_of_date then as_of.as_of_date else coalesce(issues.record_date, issues.first_seen_as_of) end') }} as month_start_date
    from issues
    cross join as_of
    where issues.responsible_user_id != '-1'

),

final as (

    select
        responsible_user_id as user_id,
        month_start_date,
        rule_code,
        max(rule_name_zh) as rule_name_zh,
        max(rule_name_en) as rule_name_en,
        max(category) as category,
        max(severity) as severity,
        cast(sum(case when is_open then 1 else 0 end) as bigint) as open_issue_count,
        cast(sum(case when is_open then 0 else 1 end) as bigint) as resolved_issue_count,
        cast(sum(case when is_open then score_weight else 0 end) as bigint) as weighted_open_issues
    from dated_issues
    group by responsible_user_id, month_start_date, rule_code

)

select * from final
