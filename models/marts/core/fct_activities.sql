-- depends_on: {{ ref('base_crm__activities') }}, {{ ref('stg_crm__accounts') }}

{{
    config(
        materialized='incremental',
        incremental_strategy=partition_overwrite_strategy(),
        unique_key='partition_month',
        partition_by=['partition_month'],
        on_schema_change='fail'
    )
}}

{#- One row per live activity: type, status, planned and actual time, visit and KA/large-account
    flags, logging lag, and the team of the owner on the activity date. Incremental: a run
    rebuilds the creation months that hold a row changed in the look-back window (see
    macros/cross_engine/incremental.sql), so the result equals a full refresh. -#}
with

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

activity_types as (

    select * from {{ ref('ref_activity_types') }}

),

users as (

    select user_id from {{ ref('dim_users') }}

),

accounts as (

    select
        account_id,
        is_key_account,
        is_large_account,
        is_super_large_account
    from {{ ref('dim_accounts') }}

),

contacts as (

    select contact_id from {{ ref('dim_contacts') }}

),

user_team_days as (

    select * from {{ ref('int_user_team_days') }}

),

{% if is_incremental() %}
changed_months as (

    {{ changed_partition_months(ref('base_crm__activities'), 'created_at', 'updated_at', 'updated_at') }}
    union
    -- an account's KA or size flag changed: its activities' months are rebuilt too
    select distinct
        {{ partition_month('activities.created_at') }} as partition_month
    from activities
    inner join {{ ref('stg_crm__accounts') }} as changed_accounts
        on activities.account_id = changed_accounts.account_id
    where changed_accounts.updated_at > (
        select {{ add_days('max(updated_at)', -1 * sql_integer(var('incremental_lookback_days', 3), 'incremental_lookback_days')) }} from {{ this }}
    )

),
{% endif %}

enriched as (

    select
        activities.activity_id,
        activities.activity_type,
        coalesce(users.user_id, '-1') as owner_user_id,
        coalesce(accounts.account_id, '-1') as account_id,
        case when activities.contact_id is null then null else coalesce(contacts.contact_id, '-1') end as contact_id,
        activities.opportunity_id,
        activities.activity_status,
        activities.planned_at,
        activities.occurred_at,
        activities.logged_at,
        activities.created_at,
        activities.updated_at,
        cast(coalesce(activities.occurred_at, activities.planned_at) as date) as activity_date,
        activities.outcome,
        activities.not_done_reason,
        activities.next_step,
        activities.next_step_date,
        coalesce(activity_types.counts_as_visit, false) as is_visit,
        coalesce(activity_types.is_face_to_face, false) as is_face_to_face,
        activities.activity_status = 'completed' as is_completed,
        coalesce(accounts.is_key_account, false) as is_key_account,
        coalesce(accounts.is_large_account, false) as is_large_account,
        coalesce(accounts.is_super_large_account, false) as is_super_large_account,
        {{ partition_month('activities.created_at') }} as partition_month
    from activities
    left join activity_types
        on activities.activity_type = activity_types.activity_type
    left join users
        on activities.owner_user_id = users.user_id
    left join accounts
        on activities.account_id = accounts.account_id
    left join contacts
        on activities.contact_id = contacts.contact_id
    {% if is_incremental() %}
    where {{ partition_month('activities.created_at') }}
        in (select partition_month from changed_months)
    {% endif %}

),

final as (

    select
        enriched.activity_id,
        enriched.activity_type,
        enriched.owner_user_id,
        coalesce(owner_team.team_id, '-1') as team_id,
        enriched.account_id,
        enriched.contact_id,
        enriched.opportunity_id,
        enriched.activity_status,
        enriched.planned_at,
        cast(enriched.planned_at as date) as planned_date,
        enriched.occurred_at,
        cast(enriched.occurred_at as date) as occurred_date,
        enriched.activity_date,
        {{ month_start('enriched.activity_date') }} as activity_month,
        enriched.logged_at,
        enriched.created_at,
        enriched.updated_at,
        enriched.outcome,
        enriched.not_done_reason,
        enriched.next_step,
        enriched.next_step_date,
        enriched.is_visit,
        enriched.is_face_to_face,
        enriched.is_completed,
        enriched.is_visit and enriched.is_completed as is_completed_visit,
        enriched.is_key_account,
        enriched.is_large_account,
        enriched.is_super_large_account,
        case
            when enriched.is_completed and enriched.occurred_at is not null and enriched.logged_at is not null
                then {{ hours_between('enriched.occurred_at', 'enriched.logged_at') }}
        end as logging_lag_hours,
        enriched.partition_month
    from enriched
    left join user_team_days as owner_team
        on enriched.owner_user_id = owner_team.user_id
            and enriched.activity_date = owner_team.date_day

)

select * from final
