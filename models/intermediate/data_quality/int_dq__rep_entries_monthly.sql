{#- How many records each user entered per month, and how many of them on time: activities
    (by occurred, else planned, else created date; completed ones and those logged within the
    activity_logged_late threshold), opportunities (created), stage changes (changed, by the
    user who changed the stage; those recorded within the stage_change_recorded_late
    threshold) and contracts (signed). Months after the as-of date fold into its month. -#}
with

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

stage_history as (

    select * from {{ ref('stg_crm__opportunity_stage_history') }}

),

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

rules as (

    select * from {{ ref('ref_dq_rules') }}

),

thresholds as (

    select
        {{ dq_threshold('activity_logged_late', 'seconds') }} as activity_late_seconds,
        {{ dq_threshold('stage_change_recorded_late', 'seconds') }} as stage_change_late_seconds
    from rules

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

entries as (

    select
        activities.owner_user_id as user_id,
        cast(coalesce(activities.occurred_at, activities.planned_at, activities.created_at) as date) as record_date,
        1 as is_activity,
        case when activities.activity_status = 'completed' then 1 else 0 end as is_completed_activity,
        case
            when activities.activity_status = 'completed'
                and {{ epoch_seconds('activities.logged_at') }} - {{ epoch_seconds('activities.occurred_at') }}
                <= thresholds.activity_late_seconds
                then 1
            else 0
        end as is_activity_logged_on_time,
        0 as is_opportunity,
        0 as is_stage_change,
        0 as is_stage_change_on_time,
        0 as is_contract
    from activities
    cross join thresholds

    union all

    select
        owner_user_id as user_id,
        cast(created_at as date) as record_date,
        0 as is_activity,
        0 as is_completed_activity,
        0 as is_activity_logged_on_time,
        1 as is_opportunity,
        0 as is_stage_change,
        0 as is_stage_change_on_time,
        0 as is_contract
    from opportunities

    union all

    select
        stage_history.changed_by_user_id as user_id,
        cast(stage_history.changed_at as date) as record_date,
        0 as is_activity,
        0 as is_completed_activity,
        0 as is_activity_logged_on_time,
        0 as is_opportunity,
        1 as is_stage_change,
        case
            when {{ epoch_seconds('stage_history.recorded_at') }} - {{ epoch_seconds('stage_history.changed_at') }}
                <= thresholds.stage_change_late_seconds
                then 1
            else 0
        end as is_stage_change_on_time,
        0 as is_contract
    from stage_history
    cross join thresholds

    union all

    select
        owner_user_id as user_id,
        signed_date as record_date,
        0 as is_activity,
        0 as is_completed_activity,
        0 as is_activity_logged_on_time,
        0 as is_opportunity,
        0 as is_stage_change,
        0 as is_stage_change_on_time,
        1 as is_contract
    from contracts

),

dated_entries as (

    select
        entries.*,
        {{ month_start('case when entries.record_date > as_of.as_of_date then as_of.as_of_date else entries.record_date end') }} as month_start_date
    from entries
    cross join as_of
    where entries.user_id is not null
        and entries.record_date is not null

),

final as (

    select
        user_id,
        month_start_date,
        cast(sum(is_activity) as bigint) as activities_entered,
        cast(sum(is_completed_activity) as bigint) as completed_activities,
        cast(sum(is_activity_logged_on_time) as bigint) as activities_logged_on_time,
        cast(sum(is_opportunity) as bigint) as opportunities_entered,
        cast(sum(is_stage_change) as bigint) as stage_changes_entered,
        cast(sum(is_stage_change_on_time) as bigint) as stage_changes_recorded_on_time,
        cast(sum(is_contract) as bigint) as contracts_entered,
        cast(sum(is_activity + is_opportunity + is_stage_change + is_contract) as bigint) as records_entered
    from dated_entries
    group by user_id, month_start_date

)

select * from final
