{{ config(tags=['indicator_component']) }}

{#- Bookings: signed contracts up to the as-of date, credited to the contract owner and the
    team they sat in on the signing date, per signing day. -#}
with

contracts as (

    select * from {{ ref('fct_contracts') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

daily as (

    select
        contracts.owner_user_id as user_id,
        contracts.team_id_at_signed as team_id,
        contracts.business_line,
        contracts.signed_date as component_date,
        sum(coalesce(contracts.total_amount_cny, 0)) as bookings_amount,
        sum(case when contracts.contract_type = 'new_business' then coalesce(contracts.total_amount_cny, 0) else 0 end)
            as bookings_new_business_amount,
        sum(case when contracts.contract_type = 'renewal' then coalesce(contracts.total_amount_cny, 0) else 0 end)
            as bookings_renewal_amount,
        sum(case when contracts.contract_type = 'upsell' then coalesce(contracts.total_amount_cny, 0) else 0 end)
            as bookings_upsell_amount,
        sum(case when contracts.contract_type = 'new_business' then 1 else 0 end) as new_business_contract_count
    from contracts
    cross join reporting_date
    where contracts.signed_date <= reporting_date.as_of_date
    group by 1, 2, 3, 4

)

{{ unpivot_components('daily', [
    ('bookings_amount', 'flow'), ('bookings_new_business_amount', 'flow'), ('bookings_renewal_amount', 'flow'),
    ('bookings_upsell_amount', 'flow'), ('new_business_contract_count', 'flow')]) }}
