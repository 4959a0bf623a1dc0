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
    in {{ this }} plus the current findings (macro finding_history, shared with
    fct_data_quality_issues), so it behaves the same on DuckDB and Spark. Dates are as-of
    dates, never the wall clock.
    full_refresh=false: a `--full-refresh` keeps this history (crmwh refresh carries the
    table into a new file); to start it over, drop the table. -#}
{%- set attributes = [
    'alert_id', 'rule_code', 'rule_name_zh', 'rule_name_en', 'severity', 'action_role',
    'action_user_id', 'entity_type', 'record_id', 'record_name', 'subject_user_id', 'team_id',
    'region_id', 'measured_value', 'threshold_value', 'message_zh', 'message_en'
] %}

with

findings as (

    select * from {{ ref('int_alert_findings') }}

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

{# The table as the previous run left it (also through a --full-refresh: full_refresh=false). #}
previous as (

    {% if is_incremental() %}
        select * from {{ this }}
    {% else %}
        select
            {% for column in attributes -%}
                {{ column }},
            {% endfor -%}
            cast(null as date) as first_raised_as_of,
            cast(null as date) as last_seen_as_of,
            cast(null as boolean) as is_open,
            cast(null as date) as resolved_as_of
        from findings
        where 1 = 0
    {% endif %}

),

{{ finding_history('alert_id', attributes, 'first_raised_as_of') }},

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
    from finding_history

)

select * from final
