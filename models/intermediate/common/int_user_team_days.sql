{{ config(materialized='table') }}

{#- Which team each user sat in on each day (from team memberships), so every event can be
    credited to the team of its owner on the event's date. Overlapping memberships are
    resolved in favour of the later one, so a user has at most one team per day. -#}
with

memberships as (

    select * from {{ ref('stg_crm__team_memberships') }}

),

days as (

    select date_day from {{ ref('dim_date') }}

),

ordered as (

    select
        user_id,
        team_id,
        start_date,
        end_date,
        lead(start_date) over (partition by user_id order by start_date) as next_start_date
    from memberships

),

periods as (

    select
        user_id,
        team_id,
        start_date as valid_from,
        case
            when next_start_date is not null
                and (end_date is null or end_date >= next_start_date)
                then {{ add_days('next_start_date', -1) }}
            else coalesce(end_date, cast('9999-12-31' as date))
        end as valid_to
    from ordered

),

final as (

    select
        periods.user_id,
        days.date_day,
        periods.team_id
    from periods
    inner join days
        on days.date_day between periods.valid_from and periods.valid_to

)

select * from final
