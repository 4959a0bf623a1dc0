{#- The workbench and the indicator marts compute a rep's month to date independently; they
    must agree on bookings, completed visits and the visits still to plan for every active
    rep. -#}
with

workbench as (

    select * from {{ ref('rep_workbench') }}

),

indicators as (

    select * from {{ ref('indicator_values') }}
    where grain = 'rep'
        and period_type = 'month'
        and is_period_in_progress
        and indicator_code in ('bookings_amount', 'visit_count', 'visits_to_plan')

),

compared as (

    select
        workbench.user_id,
        indicators.indicator_code,
        case indicators.indicator_code
            when 'bookings_amount' then cast(workbench.bookings_mtd_cny as double)
            when 'visit_count' then cast(workbench.visits_mtd as double)
            else cast(workbench.visits_to_plan as double)
        end as workbench_value,
        indicators.actual_value as indicator_value
    from workbench
    inner join indicators
        on workbench.user_id = indicators.entity_id

)

select *
from compared
where abs(coalesce(workbench_value, 0) - coalesce(indicator_value, 0)) > 0.005
