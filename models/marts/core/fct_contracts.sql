{#- One row per live contract: type, dates, total / recurring / one-time amounts and the
    owner's team on the signing date (bookings are credited to that team). A contract with any
    amount outside its plausible range (seed ref_plausible_amounts) is held back whole: its
    total is null, its recurring and one-time amounts 0 and is_amount_plausible false until it
    is fixed, so no bookings, ARR or revenue figure counts it. -#}
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

plausible_ranges as (

    {{ plausible_amount_bounds([('contracts', 'total_amount'), ('contracts', 'recurring_amount_annual'), ('contracts', 'one_time_amount')]) }}

),

checked as (

    select
        contracts.*,
        {{ plausible_amount('contracts.total_amount_cny', 'plausible_ranges', 'contracts', 'total_amount') }} as plausible_total_amount_cny,
        {{ plausible_amount('contracts.recurring_amount_annual_cny', 'plausible_ranges', 'contracts', 'recurring_amount_annual') }} as plausible_recurring_amount_annual_cny,
        {{ plausible_amount('contracts.one_time_amount_cny', 'plausible_ranges', 'contracts', 'one_time_amount') }} as plausible_one_time_amount_cny
    from contracts
    cross join plausible_ranges

),

held_back as (

    select
        checked.*,
        (checked.total_amount_cny is null or checked.plausible_total_amount_cny is not null)
        and (checked.recurring_amount_annual_cny is null or checked.plausible_recurring_amount_annual_cny is not null)
        and (checked.one_time_amount_cny is null or checked.plausible_one_time_amount_cny is not null) as is_amount_plausible
    from checked

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
        case when contracts.is_amount_plausible then contracts.total_amount_cny end as total_amount_cny,
        case when contracts.is_amount_plausible then coalesce(contracts.recurring_amount_annual_cny, 0) else 0 end as recurring_amount_annual_cny,
        case when contracts.is_amount_plausible then coalesce(contracts.one_time_amount_cny, 0) else 0 end as one_time_amount_cny,
        contracts.is_amount_plausible,
        contracts.contract_status,
        contracts.recorded_at
    from held_back as contracts
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
        enriched.is_amount_plausible,
        enriched.contract_status,
        enriched.recorded_at,
        {{ days_between('enriched.signed_date', 'cast(enriched.recorded_at as date)') }} as recording_lag_days
    from enriched
    left join user_team_days as signing_team
        on enriched.owner_user_id = signing_team.user_id
            and enriched.signed_date = signing_team.date_day

)

select * from final
