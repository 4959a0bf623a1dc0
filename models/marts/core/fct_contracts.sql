{#- One row per live contract: type, dates, total / recurring / one-time amounts and the
    owner's team on the signing date (bookings are credited to that team). -#}
with

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

users as (

    select user_id from {{ ref('dim_users') }}

),

accounts as (

    select account_id from {{ ref('dim_accounts') }}

),

user_team_days as (

    select * from {{ ref('int_user_team_days') }}

),

enriched as (

    select
        contracts.contract_id,
        contracts.opportunity_id,
        coalesce(accounts.account_id, '-1') as account_id,
        coalesce(users.user_id, '-1') as owner_user_id,
        contracts.business_line,
        contracts.contract_type,
        contracts.signed_date,
        contracts.start_date,
        contracts.end_date,
        contracts.total_amount_cny,
        coalesce(contracts.recurring_amount_annual_cny, 0) as recurring_amount_annual_cny,
        coalesce(contracts.one_time_amount_cny, 0) as one_time_amount_cny,
        contracts.contract_status,
        contracts.recorded_at
    from contracts
    left join users
        on contracts.owner_user_id = users.user_id
    left join accounts
        on contracts.account_id = accounts.account_id

),

final as (

    select
        enriched.contract_id,
        enriched.opportunity_id,
        enriched.account_id,
        enriched.owner_user_id,
        coalesce(signing_team.team_id, '-1') as team_id_at_signed,
        enriched.business_line,
        enriched.contract_type,
        enriched.signed_date,
        {{ month_start('enriched.signed_date') }} as signed_month,
        enriched.start_date,
        enriched.end_date,
        enriched.total_amount_cny,
        enriched.recurring_amount_annual_cny,
        enriched.one_time_amount_cny,
        enriched.contract_status,
        enriched.recorded_at,
        {{ days_between('enriched.signed_date', 'cast(enriched.recorded_at as date)') }} as recording_lag_days
    from enriched
    left join user_team_days as signing_team
        on enriched.owner_user_id = signing_team.user_id
            and enriched.signed_date = signing_team.date_day

)

select * from final
