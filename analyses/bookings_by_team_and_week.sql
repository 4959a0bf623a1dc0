{#- Ad-hoc analysis (compiled, not built): bookings by team and ISO week of the as-of year,
    split by contract type. `dbt compile -s bookings_by_team_and_week` prints the SQL to run. -#}
with

contracts as (

    select * from {{ ref('fct_contracts') }}

),

teams as (

    select * from {{ ref('dim_teams') }}

),

final as (

    select
        teams.team_name,
        contracts.contract_type,
        weekofyear(contracts.signed_date) as iso_week,
        sum(contracts.total_amount_cny) as bookings_cny,
        count(*) as contracts_signed
    from contracts
    inner join teams
        on contracts.team_id_at_signed = teams.team_id
    where year(contracts.signed_date) = year({{ as_of_date() }})
    group by teams.team_name, contracts.contract_type, weekofyear(contracts.signed_date)

)

select * from final
