-- depends_on: {{ ref('base_crm__opportunity_stage_history') }}

{{
    config(
        materialized='incremental',
        incremental_strategy=partition_overwrite_strategy(),
        unique_key='partition_month',
        partition_by=['partition_month'],
        on_schema_change='fail'
    )
}}

{#- One row per stage change: from/to stage with their order, days spent in the stage it
    left, the lag between the change happening and being recorded, and the team of the user
    who made it on that day. An amount outside its plausible range (seed ref_plausible_amounts)
    is held back as null until fixed. Incremental by month of the change (see fct_activities). -#}
with

transitions as (

    select * from {{ ref('stg_crm__opportunity_stage_history') }}

),

stages as (

    select
        stage_code,
        stage_order
    from {{ ref('dim_stages') }}

),

users as (

    select user_id from {{ ref('dim_users') }}

),

user_team_days as (

    select * from {{ ref('int_user_team_days') }}

),

plausible_ranges as (

    {{ plausible_amount_bounds([('opportunity_stage_history', 'amount')]) }}

),

{% if is_incremental() %}
changed_months as (

    {{ changed_partition_months(ref('base_crm__opportunity_stage_history'), 'changed_at', 'recorded_at', 'recorded_at') }}

),
{% endif %}

sequenced as (

    select
        transitions.history_id,
        transitions.opportunity_id,
        transitions.from_stage_code,
        transitions.to_stage_code,
        transitions.changed_at,
        transitions.recorded_at,
        transitions.changed_by_user_id,
        {{ plausible_amount('transitions.amount_cny', 'plausible_ranges', 'opportunity_stage_history', 'amount') }} as amount_cny,
        lag(transitions.changed_at) over (
            partition by transitions.opportunity_id
            order by transitions.changed_at, transitions.history_id
        ) as previous_changed_at,
        {{ partition_month('transitions.changed_at') }} as partition_month
    from transitions
    cross join plausible_ranges

),

final as (

    select
        sequenced.history_id,
        sequenced.opportunity_id,
        coalesce(users.user_id, '-1') as changed_by_user_id,
        coalesce(changer_team.team_id, '-1') as team_id,
        sequenced.from_stage_code,
        from_stage.stage_order as from_stage_order,
        sequenced.to_stage_code,
        to_stage.stage_order as to_stage_order,
        to_stage.stage_order < from_stage.stage_order as is_backward,
        sequenced.changed_at,
        cast(sequenced.changed_at as date) as changed_date,
        sequenced.recorded_at,
        sequenced.amount_cny,
        case
            when sequenced.previous_changed_at is not null
                then {{ hours_between('sequenced.previous_changed_at', 'sequenced.changed_at') }} / 24.0
        end as days_in_from_stage,
        {{ hours_between('sequenced.changed_at', 'sequenced.recorded_at') }} as recording_lag_hours,
        sequenced.partition_month
    from sequenced
    left join users
        on sequenced.changed_by_user_id = users.user_id
    left join stages as from_stage
        on sequenced.from_stage_code = from_stage.stage_code
    left join stages as to_stage
        on sequenced.to_stage_code = to_stage.stage_code
    left join user_team_days as changer_team
        on sequenced.changed_by_user_id = changer_team.user_id
            and cast(sequenced.changed_at as date) = changer_team.date_day
    {% if is_incremental() %}
    where sequenced.partition_month in (select partition_month from changed_months)
    {% endif %}

)

select * from final
