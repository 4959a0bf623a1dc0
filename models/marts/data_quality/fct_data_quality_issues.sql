{{
    config(
        materialized='incremental',
        incremental_strategy=partition_overwrite_strategy(),
        unique_key='dq_partition',
        partition_by=['dq_partition'],
        on_schema_change='fail',
        full_refresh=false
    )
}}

{#- Every data-quality issue ever found, one row per (rule, entity, record, referencing column
    for orphans), kept across refreshes: an issue first found on one as-of date keeps its
    first_seen_as_of; when a later build no longer finds it, it stays here as resolved
    (is_open false, resolved_as_of = that build's as-of date); found again, it reopens.
    Each run rewrites the whole table (one constant partition) from the previous state in
    {{ this }} plus the current findings, so it works the same on DuckDB and Spark. -#}
with

current_findings as (

    select * from {{ ref('int_dq__findings') }}

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

{# The table as the previous run left it (also through a --full-refresh: full_refresh=false). #}
previous_issues as (

    {% if is_incremental() %}
        select * from {{ this }}
    {% else %}
        select
            finding_id,
            rule_code,
            rule_name_zh,
            rule_name_en,
            category,
            severity,
            fix_owner_role,
            score_weight,
            entity,
            record_id,
            column_name,
            responsible_user_id,
            responsible_team_id,
            record_date,
            measured_value,
            detail_zh,
            detail_en,
            cast(null as date) as first_seen_as_of,
            cast(null as date) as last_seen_as_of,
            cast(null as boolean) as is_open,
            cast(null as date) as resolved_as_of,
            'all' as dq_partition
        from current_findings
        where 1 = 0
    {% endif %}

),

found_now as (

    select
        current_findings.finding_id,
        current_findings.rule_code,
        current_findings.rule_name_zh,
        current_findings.rule_name_en,
        current_findings.category,
        current_findings.severity,
        current_findings.fix_owner_role,
        current_findings.score_weight,
        current_findings.entity,
        current_findings.record_id,
        current_findings.column_name,
        current_findings.responsible_user_id,
        current_findings.responsible_team_id,
        current_findings.record_date,
        current_findings.measured_value,
        current_findings.detail_zh,
        current_findings.detail_en,
        case
            when previous_issues.first_seen_as_of is null or previous_issues.first_seen_as_of > as_of.as_of_date
                then as_of.as_of_date
            else previous_issues.first_seen_as_of
        end as first_seen_as_of,
        as_of.as_of_date as last_seen_as_of,
        true as is_open,
        cast(null as date) as resolved_as_of
    from current_findings
    cross join as_of
    left join previous_issues
        on current_findings.finding_id = previous_issues.finding_id

),

no_longer_found as (

    select
        previous_issues.finding_id,
        previous_issues.rule_code,
        previous_issues.rule_name_zh,
        previous_issues.rule_name_en,
        previous_issues.category,
        previous_issues.severity,
        previous_issues.fix_owner_role,
        previous_issues.score_weight,
        previous_issues.entity,
        previous_issues.record_id,
        previous_issues.column_name,
        previous_issues.responsible_user_id,
        previous_issues.responsible_team_id,
        previous_issues.record_date,
        previous_issues.measured_value,
        previous_issues.detail_zh,
        previous_issues.detail_en,
        previous_issues.first_seen_as_of,
        previous_issues.last_seen_as_of,
        false as is_open,
        case
            when previous_issues.is_open then as_of.as_of_date
            else previous_issues.resolved_as_of
        end as resolved_as_of
    from previous_issues
    cross join as_of
    left join current_findings
        on previous_issues.finding_id = current_findings.finding_id
    where current_findings.finding_id is null

),

all_issues as (

    select * from found_now
    union all
    select * from no_longer_found

),

final as (

    select
        cast(finding_id as {{ dbt.type_string() }}) as finding_id,
        cast(rule_code as {{ dbt.type_string() }}) as rule_code,
        cast(rule_name_zh as {{ dbt.type_string() }}) as rule_name_zh,
        cast(rule_name_en as {{ dbt.type_string() }}) as rule_name_en,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(severity as {{ dbt.type_string() }}) as severity,
        cast(fix_owner_role as {{ dbt.type_string() }}) as fix_owner_role,
        cast(score_weight as int) as score_weight,
        cast(entity as {{ dbt.type_string() }}) as entity,
        cast(record_id as {{ dbt.type_string() }}) as record_id,
        cast(column_name as {{ dbt.type_string() }}) as column_name,
        cast(responsible_user_id as {{ dbt.type_string() }}) as responsible_user_id,
        cast(responsible_team_id as {{ dbt.type_string() }}) as responsible_team_id,
        cast(record_date as date) as record_date,
        cast(measured_value as double) as measured_value,
        cast(detail_zh as {{ dbt.type_string() }}) as detail_zh,
        cast(detail_en as {{ dbt.type_string() }}) as detail_en,
        cast(first_seen_as_of as date) as first_seen_as_of,
        cast(last_seen_as_of as date) as last_seen_as_of,
        cast(is_open as boolean) as is_open,
        cast(resolved_as_of as date) as resolved_as_of,
        'all' as dq_partition
    from all_issues

)

select * from final
