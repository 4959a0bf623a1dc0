{{ config(materialized='table') }}

{#- The additive building blocks of every sales indicator, the union of the component models
    (models/intermediate/indicators/components/, tagged indicator_component): one row per
    component, credited user, that user's team on the event date, business line and day (flows:
    the day of the event; stocks: the measurement date, month end or the as-of date for the
    month in progress). Counts and sums only: ratios are computed later from summed parts.
    Quotas are the only rows with a grain scope (rep quotas serve the rep grain, team quotas
    every grain above it). Rows of months after the as-of month are left out except quotas. -#}
with

unioned as (

    {{ union_indicator_components() }}

),

final as (

    select
        unioned.component_code,
        unioned.aggregation,
        unioned.grain_scope,
        unioned.user_id,
        unioned.team_id,
        teams.region_id,
        case
            when unioned.grain_scope = 'rep' then null
            else coalesce(unioned.business_line, teams.business_line, 'unknown')
        end as business_line,
        unioned.component_date,
        {{ month_start('unioned.component_date') }} as month_start_date,
        unioned.component_value
    from unioned
    left join {{ ref('dim_teams') }} as teams
        on unioned.team_id = teams.team_id
    where unioned.component_date is not null
        and (
            {{ month_start('unioned.component_date') }} <= {{ as_of_date() }}
            or unioned.grain_scope != 'all'
        )

)

select * from final
