{#- Reps sum to their team for every month, using the team each event was credited to: the
    bookings components of each team equal the team's bookings indicator (a rep who moved team
    mid-month is split between both teams, and their own total is the sum). -#}
with

components as (

    select
        team_id,
        month_start_date,
        sum(component_value) as bookings_from_reps
    from {{ ref('int_indicator_components') }}
    where component_code = 'bookings_amount'
    group by team_id, month_start_date

),

team_values as (

    select
        entity_id as team_id,
        period_start_date as month_start_date,
        actual_value
    from {{ ref('indicator_values') }}
    where indicator_code = 'bookings_amount' and grain = 'team' and period_type = 'month'

)

select
    components.*,
    team_values.actual_value
from components
left join team_values
    on components.team_id = team_values.team_id
        and components.month_start_date = team_values.month_start_date
where team_values.actual_value is null
    or abs(components.bookings_from_reps - team_values.actual_value) > 0.001
