{#- A record that breaks a quality rule is surfaced, never dropped: every open issue on an
    activity, opportunity, stage change, contract or lead still has its row in the star
    schema fact. -#}
with

issues as (

    select
        entity,
        record_id
    from {{ ref('fct_data_quality_issues') }}
    where is_open

),

fact_records as (

    select
        'activities' as entity,
        activity_id as record_id
    from {{ ref('fct_activities') }}
    union all
    select
        'opportunities' as entity,
        opportunity_id as record_id
    from {{ ref('fct_opportunities') }}
    union all
    select
        'opportunity_stage_history' as entity,
        history_id as record_id
    from {{ ref('fct_opportunity_stage_transitions') }}
    union all
    select
        'contracts' as entity,
        contract_id as record_id
    from {{ ref('fct_contracts') }}
    union all
    select
        'leads' as entity,
        lead_id as record_id
    from {{ ref('fct_leads') }}

),

dropped as (

    select distinct
        issues.entity,
        issues.record_id
    from issues
    left join fact_records
        on issues.entity = fact_records.entity
            and issues.record_id = fact_records.record_id
    where issues.entity in ('activities', 'opportunities', 'opportunity_stage_history', 'contracts', 'leads')
        and fact_records.record_id is null

)

select * from dropped
