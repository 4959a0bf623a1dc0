{#- Every opportunity on a rep's stalled list is open and owned by the rep, and is either
    longer in its stage than the stage norm or past its expected close date; every open
    opportunity of an active rep that meets either condition is on the list. -#}
with

stalled_list as (

    select * from {{ ref('rep_workbench_stalled_opportunities') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

stages as (

    select * from {{ ref('dim_stages') }}

),

reps as (

    select user_id from {{ ref('rep_workbench') }}

),

last_changes as (

    select
        opportunity_id,
        max(changed_date) as last_change_date
    from {{ ref('fct_opportunity_stage_transitions') }}
    where changed_date <= {{ as_of_date() }}
    group by 1

),

should_be_listed as (

    select opportunities.opportunity_id
    from opportunities
    inner join reps
        on opportunities.owner_user_id = reps.user_id
    inner join stages
        on opportunities.stage_code = stages.stage_code
    left join last_changes
        on opportunities.opportunity_id = last_changes.opportunity_id
    where opportunities.is_open
        and opportunities.created_date <= {{ as_of_date() }}
        and (
            opportunities.expected_close_date < {{ as_of_date() }}
            or {{ days_between('coalesce(last_changes.last_change_date, opportunities.created_date)', as_of_date()) }}
            > stages.stall_after_days
        )

)

select
    coalesce(should_be_listed.opportunity_id, stalled_list.opportunity_id) as opportunity_id,
    should_be_listed.opportunity_id is not null as should_be_listed,
    stalled_list.opportunity_id is not null as is_listed
from should_be_listed
full outer join stalled_list
    on should_be_listed.opportunity_id = stalled_list.opportunity_id
where should_be_listed.opportunity_id is null
    or stalled_list.opportunity_id is null
