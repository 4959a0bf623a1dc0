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
    {{ this }} plus the current findings (macro finding_history, shared with fct_alerts), so it
    works the same on DuckDB and Spark. -#}
{%- set attributes = [
    'finding_id', 'rule_code', 'rule_name_zh', 'rule_name_en', 'category', 'severity',
    'fix_owner_role', 'score_weight', 'entity', 'record_id', 'column_name', 'responsible_user_id',
    'responsible_team_id', 'record_date', 'measured_value', 'detail_zh', 'detail_en'
] %}

with

findings as (

    select * from {{ ref('int_dq__findings') }}

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
            cast(null as date) as first_seen_as_of,
            cast(null as date) as last_seen_as_of,
            cast(null as boolean) as is_open,
            cast(null as date) as resolved_as_of
        from findings
        where 1 = 0
    {% endif %}

),

{{ finding_history('finding_id', attributes, 'first_seen_as_of') }},

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
    from finding_history

)

select * from final
