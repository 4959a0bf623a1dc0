{{ config(tags=['indicator_component']) }}

{#- Pipeline stocks on each month's measurement date: the open opportunities that day at the
    stage (and stage amount) they held, credited to the owner's team that day; the weighted
    forecast counts those expected to close within the month. -#}
with

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

stage_transitions as (

    select * from {{ ref('fct_opportunity_stage_transitions') }}

),

months as (

    {{ measurement_months() }}

),

stage_on_measurement_date as (

    select
        opportunities.owner_user_id,
        opportunities.business_line,
        opportunities.amount_cny,
        opportunities.expected_close_date,
        months.month_start_date,
        months.month_end_date,
        months.measured_on,
        stage_transitions.to_stage_code,
        stage_transitions.amount_cny as amount_at_stage_cny,
        row_number() over (
            partition by opportunities.opportunity_id, months.month_start_date
            order by stage_transitions.changed_at desc, stage_transitions.history_id desc
        ) as stage_rank
    from opportunities
    inner join months
        on opportunities.created_date <= months.measured_on
            and (opportunities.closed_date is null or opportunities.closed_date > months.measured_on)
    inner join stage_transitions
        on opportunities.opportunity_id = stage_transitions.opportunity_id
            and months.measured_on >= stage_transitions.changed_date

),

stocks as (

    select
        stage_on_measurement_date.owner_user_id as user_id,
        coalesce(owner_team.team_id, '-1') as team_id,
        stage_on_measurement_date.business_line,
        stage_on_measurement_date.measured_on as component_date,
        sum(coalesce(stage_on_measurement_date.amount_at_stage_cny, stage_on_measurement_date.amount_cny, 0))
            as pipeline_amount,
        sum(
            case
                when stage_on_measurement_date.expected_close_date
                    between stage_on_measurement_date.month_start_date and stage_on_measurement_date.month_end_date
                    then coalesce(stage_on_measurement_date.amount_at_stage_cny, stage_on_measurement_date.amount_cny, 0)
                        * stages.default_win_probability
                else 0
            end
        ) as weighted_forecast_amount
    from stage_on_measurement_date
    inner join {{ ref('dim_stages') }} as stages
        on stage_on_measurement_date.to_stage_code = stages.stage_code
    left join {{ ref('int_user_team_days') }} as owner_team
        on stage_on_measurement_date.owner_user_id = owner_team.user_id
            and stage_on_measurement_date.measured_on = owner_team.date_day
    where stage_on_measurement_date.stage_rank = 1
        and not stages.is_closed
    group by 1, 2, 3, 4

)

{{ unpivot_components('stocks', [('pipeline_amount', 'stock'), ('weighted_forecast_amount', 'stock')]) }}
