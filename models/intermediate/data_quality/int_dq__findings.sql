{{ config(materialized='table') }}

{#- Every data-quality finding of the current build, one row per (rule, entity, record,
    referencing column for orphans): the rule's names, category, severity and who must fix it
    (ref_dq_rules), the responsible rep (the record's owner; for stage changes the user who
    changed the stage) and the team that rep sits in on the as-of date. -#}
with

timeliness_findings as (

    select
        *,
        'timeliness' as checked_category
    from {{ ref('int_dq__timeliness_findings') }}

),

completeness_findings as (

    select
        *,
        'completeness' as checked_category
    from {{ ref('int_dq__completeness_findings') }}

),

correctness_findings as (

    select
        *,
        'correctness' as checked_category
    from {{ ref('int_dq__correctness_findings') }}

),

future_dated_findings as (

    select
        *,
        'correctness' as checked_category
    from {{ ref('int_dq__future_dated_findings') }}

),

consistency_findings as (

    select
        *,
        'consistency' as checked_category
    from {{ ref('int_dq__consistency_findings') }}

),

reference_findings as (

    select
        *,
        'consistency' as checked_category
    from {{ ref('int_dq__reference_findings') }}

),

unparsed_value_findings as (

    select
        *,
        'correctness' as checked_category
    from {{ ref('int_dq__unparsed_values') }}

),

implausible_amount_findings as (

    select
        *,
        'correctness' as checked_category
    from {{ ref('int_dq__implausible_amounts') }}

),

rules as (

    select * from {{ ref('ref_dq_rules') }}

),

users as (

    select user_id from {{ ref('stg_crm__users') }}

),

user_team_days as (

    select * from {{ ref('int_user_team_days') }}

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

all_findings as (

    select * from timeliness_findings
    union all
    select * from completeness_findings
    union all
    select * from correctness_findings
    union all
    select * from future_dated_findings
    union all
    select * from consistency_findings
    union all
    select * from reference_findings
    union all
    select * from unparsed_value_findings
    union all
    select * from implausible_amount_findings

),

final as (

    select
        {{ surrogate_key(['all_findings.rule_code', 'all_findings.entity', 'all_findings.record_id', 'all_findings.column_name']) }} as finding_id,
        all_findings.rule_code,
        rules.rule_name_zh,
        rules.rule_name_en,
        coalesce(rules.category, all_findings.checked_category) as category,
        all_findings.checked_category,
        coalesce(rules.severity, 'warn') as severity,
        rules.fix_owner_role,
        cast(coalesce(rules.score_weight, 1) as int) as score_weight,
        all_findings.entity,
        all_findings.record_id,
        all_findings.column_name,
        coalesce(users.user_id, '-1') as responsible_user_id,
        coalesce(user_team_days.team_id, '-1') as responsible_team_id,
        all_findings.record_date,
        all_findings.measured_value,
        all_findings.detail_zh,
        all_findings.detail_en,
        as_of.as_of_date
    from all_findings
    cross join as_of
    left join rules
        on all_findings.rule_code = rules.rule_code
    left join users
        on all_findings.responsible_user_id = users.user_id
    left join user_team_days
        on users.user_id = user_team_days.user_id
            and as_of.as_of_date = user_team_days.date_day

)

select * from final
