{{ config(tags=['indicator_component']) }}

{#- Planned visits per owner, team and planned day: due (planned for a day up to the as-of
    date) and completed of those, and still planned from the as-of date on (ahead). -#}
with

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

daily as (

    select
        activities.owner_user_id as user_id,
        activities.team_id,
        cast(null as {{ dbt.type_string() }}) as business_line,
        activities.planned_date as component_date,
        sum(case when activities.planned_date <= reporting_date.as_of_date then 1 else 0 end) as planned_visits_due,
        sum(case when activities.planned_date <= reporting_date.as_of_date and activities.is_completed then 1 else 0 end)
            as planned_visits_completed,
        sum(
            case
                when activities.planned_date >= reporting_date.as_of_date and activities.activity_status = 'planned' then 1
                else 0
            end
        ) as upcoming_planned_visits
    from {{ ref('fct_activities') }} as activities
    cross join reporting_date
    where activities.is_visit
        and activities.planned_date is not null
    group by 1, 2, 3, 4

)

{{ unpivot_components('daily', [
    ('planned_visits_due', 'flow'), ('planned_visits_completed', 'flow'), ('upcoming_planned_visits', 'flow')]) }}
