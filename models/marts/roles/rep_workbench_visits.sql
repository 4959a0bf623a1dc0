{#- What visits are on my list today? One row per visit of an active rep that is planned for
    the as-of date (today_planned: prepare, is it the right time?) or that was planned for
    the previous working day and was missed or cancelled (previous_day_not_done: why, and is
    there a next step — a next step entered on the visit or a later activity planned with
    the same account). -#}
with

reps as (

    select * from {{ ref('int_rep_measures_as_of') }}

),

activities as (

    select * from {{ ref('fct_activities') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

previous_working_day as (

    select max(calendar.date_day) as previous_working_date
    from calendar
    cross join reporting_date
    where calendar.is_working_day
        and calendar.date_day < reporting_date.as_of_date

),

listed_visits as (

    select
        case
            when activities.planned_date = reporting_date.as_of_date then 'today_planned'
            else 'previous_day_not_done'
        end as visit_list_code,
        activities.*
    from activities
    cross join reporting_date
    cross join previous_working_day
    inner join reps
        on activities.owner_user_id = reps.user_id
    where activities.is_visit
        and (
            activities.planned_date = reporting_date.as_of_date
            or activities.planned_date = previous_working_day.previous_working_date
            and activities.activity_status in ('missed', 'cancelled')
        )

),

follow_ups as (

    select
        listed_visits.activity_id,
        min(later.planned_date) as next_planned_date
    from listed_visits
    inner join activities as later
        on listed_visits.owner_user_id = later.owner_user_id
            and listed_visits.account_id = later.account_id
            and listed_visits.activity_id != later.activity_id
            and listed_visits.planned_date < later.planned_date
            and later.activity_status in ('planned', 'completed')
    where listed_visits.visit_list_code = 'previous_day_not_done'
    group by 1

),

final as (

    select
        listed_visits.visit_list_code,
        case listed_visits.visit_list_code
            when 'today_planned' then '今日待拜访'
            else '昨日未完成拜访'
        end as visit_list_name_zh,
        case listed_visits.visit_list_code
            when 'today_planned' then 'Planned for today'
            else 'Missed or cancelled on the previous working day'
        end as visit_list_name_en,
        listed_visits.activity_id,
        listed_visits.owner_user_id as user_id,
        reps.team_id,
        listed_visits.account_id,
        coalesce(accounts.account_name, '未知客户 Unknown account') as account_name,
        listed_visits.is_key_account,
        listed_visits.is_large_account,
        listed_visits.opportunity_id,
        listed_visits.contact_id,
        listed_visits.planned_at,
        listed_visits.planned_date,
        listed_visits.activity_status,
        listed_visits.not_done_reason,
        listed_visits.next_step,
        listed_visits.next_step_date,
        follow_ups.next_planned_date,
        case
            when listed_visits.visit_list_code = 'today_planned' then null
            else coalesce(trim(listed_visits.next_step), '') != '' or follow_ups.next_planned_date is not null
        end as has_next_step
    from listed_visits
    inner join reps
        on listed_visits.owner_user_id = reps.user_id
    left join accounts
        on listed_visits.account_id = accounts.account_id
    left join follow_ups
        on listed_visits.activity_id = follow_ups.activity_id

)

select * from final
