{{
    config(
        materialized='incremental',
        incremental_strategy=partition_overwrite_strategy(),
        unique_key='alert_partition',
        partition_by=['alert_partition'],
        on_schema_change='fail',
        full_refresh=false
    )
}}

{#- Who must act on what, and did it get fixed? Every alert (数据预警) ever raised, one row per
    (rule, record), kept across refreshes: first raised on one as-of date it keeps
    first_raised_as_of; when a later build no longer finds it, it stays as resolved (is_open
    false, resolved_as_of = that build's as-of date); found again, it reopens with its first
    date. Each run rewrites the whole table (one constant partition) from the previous state
    in {{ this }} plus the current findings, the same way fct_data_quality_issues does, so it
    behaves the same on DuckDB and Spark. Dates are as-of dates, never the wall clock.
    full_refresh=false: a `--full-refresh` keeps this history (scripts/refresh.py carries the
    table into a new file); to start it over, drop the table. -#}
with

current_findings as (

    select * from {{ ref('int_alert_findings') }}

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

{% if is_incremental() %}
    previous_alerts as (

        select * from {{ this }}

    ),
{% endif %}

found_now as (

    select
        current_findings.alert_id,
        current_findings.rule_code,
        current_findings.rule_name_zh,
        current_findings.rule_name_en,
        current_findings.severity,
        current_findings.action_role,
        current_findings.action_user_id,
        current_findings.entity_type,
        current_findings.record_id,
        current_findings.record_name,
        current_findings.subject_user_id,
        current_findings.team_id,
        current_findings.region_id,
        current_findings.measured_value,
        current_findings.threshold_value,
        current_findings.message_zh,
        current_findings.message_en,
        {% if is_incremental() -%}
            case
                when previous_alerts.first_raised_as_of is null or previous_alerts.first_raised_as_of > as_of.as_of_date
                    then as_of.as_of_date
                else previous_alerts.first_raised_as_of
            end
        {%- else -%}
            as_of.as_of_date
        {%- endif %} as first_raised_as_of,
        as_of.as_of_date as last_seen_as_of,
        true as is_open,
        cast(null as date) as resolved_as_of
    from current_findings
    cross join as_of
    {% if is_incremental() -%}
        left join previous_alerts
            on current_findings.alert_id = previous_alerts.alert_id
    {%- endif %}

),

{% if is_incremental() %}
    no_longer_found as (

        select
            previous_alerts.alert_id,
            previous_alerts.rule_code,
            previous_alerts.rule_name_zh,
            previous_alerts.rule_name_en,
            previous_alerts.severity,
            previous_alerts.action_role,
            previous_alerts.action_user_id,
            previous_alerts.entity_type,
            previous_alerts.record_id,
            previous_alerts.record_name,
            previous_alerts.subject_user_id,
            previous_alerts.team_id,
            previous_alerts.region_id,
            previous_alerts.measured_value,
            previous_alerts.threshold_value,
            previous_alerts.message_zh,
            previous_alerts.message_en,
            previous_alerts.first_raised_as_of,
            previous_alerts.last_seen_as_of,
            false as is_open,
            case
                when previous_alerts.is_open then as_of.as_of_date
                else previous_alerts.resolved_as_of
            end as resolved_as_of
        from previous_alerts
        cross join as_of
        left join current_findings
            on previous_alerts.alert_id = current_findings.alert_id
        where current_findings.alert_id is null

    ),
{% endif %}

all_alerts as (

    select * from found_now
    {% if is_incremental() -%}
        union all
        select * from no_longer_found
    {%- endif %}

),

final as (

    select
        cast(alert_id as {{ dbt.type_string() }}) as alert_id,
        cast(rule_code as {{ dbt.type_string() }}) as rule_code,
        cast(rule_name_zh as {{ dbt.type_string() }}) as rule_name_zh,
        cast(rule_name_en as {{ dbt.type_string() }}) as rule_name_en,
        cast(severity as {{ dbt.type_string() }}) as severity,
        cast(action_role as {{ dbt.type_string() }}) as action_role,
        cast(action_user_id as {{ dbt.type_string() }}) as action_user_id,
        cast(entity_type as {{ dbt.type_string() }}) as entity_type,
        cast(record_id as {{ dbt.type_string() }}) as record_id,
        cast(record_name as {{ dbt.type_string() }}) as record_name,
        cast(subject_user_id as {{ dbt.type_string() }}) as subject_user_id,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(region_id as {{ dbt.type_string() }}) as region_id,
        cast(measured_value as double) as measured_value,
        cast(threshold_value as double) as threshold_value,
        cast(message_zh as {{ dbt.type_string() }}) as message_zh,
        cast(message_en as {{ dbt.type_string() }}) as message_en,
        cast(first_raised_as_of as date) as first_raised_as_of,
        cast(last_seen_as_of as date) as last_seen_as_of,
        cast(is_open as boolean) as is_open,
        cast(resolved_as_of as date) as resolved_as_of,
        'all' as alert_partition
    from all_alerts

)

select * from final
