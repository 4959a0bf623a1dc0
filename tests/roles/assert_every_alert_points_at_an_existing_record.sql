{#- Every alert, open or resolved, points at a record that exists: a user for rep alerts, an
    opportunity, an account or a contract; and the person who must act exists. -#}
with

alerts as (

    select * from {{ ref('fct_alerts') }}

),

records as (

    select
        'rep' as entity_type,
        user_id as record_id
    from {{ ref('dim_users') }}
    union all
    select
        'opportunity' as entity_type,
        opportunity_id as record_id
    from {{ ref('fct_opportunities') }}
    union all
    select
        'account' as entity_type,
        account_id as record_id
    from {{ ref('dim_accounts') }}
    union all
    select
        'contract' as entity_type,
        contract_id as record_id
    from {{ ref('fct_contracts') }}

),

users as (

    select user_id from {{ ref('dim_users') }}
    where not is_unknown

)

select
    alerts.alert_id,
    alerts.rule_code,
    alerts.entity_type,
    alerts.record_id,
    alerts.action_user_id
from alerts
left join records
    on alerts.entity_type = records.entity_type
        and alerts.record_id = records.record_id
left join users
    on alerts.action_user_id = users.user_id
where records.record_id is null
    or users.user_id is null
