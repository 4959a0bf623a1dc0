{#- How is each member's behaviour moving? One row per active rep and ISO week for the last
    8 ISO weeks up to the as-of date (the week holding it is week 8, to date): completed
    visits, KA and large-account visits, calls, meetings and demos, new opportunities and won
    deals, and the visits of the week before, so a lead sees who is slowing down. The week in
    progress is compared like with like: previous_week_visits_to_date counts the week
    before up to the same weekday as the as-of date (for a full week, the whole week). -#}
with

reps as (

    select * from {{ ref('int_rep_measures_as_of') }}

),

activities as (

    select * from {{ ref('fct_activities') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

reporting_date as (

    select
        as_of_date,
        {{ add_days('as_of_date', '1 - (' ~ iso_day_of_week('as_of_date') ~ ')') }} as current_week_start_date
    from (select {{ as_of_date() }} as as_of_date) as as_of

),

weeks as (

    select distinct
        {{ add_days('calendar.date_day', '1 - (' ~ iso_day_of_week('calendar.date_day') ~ ')') }} as week_start_date
    from calendar
    cross join reporting_date
    where calendar.date_day between {{ add_days('reporting_date.current_week_start_date', -49) }}
        and reporting_date.as_of_date

),

labelled_weeks as (

    select
        weeks.week_start_date,
        {{ add_days('weeks.week_start_date', 6) }} as week_end_date,
        cast(year({{ add_days('weeks.week_start_date', 3) }}) as int) as iso_year,
        cast(weekofyear(weeks.week_start_date) as int) as iso_week,
        weeks.week_start_date = reporting_date.current_week_start_date as is_week_in_progress,
        reporting_date.as_of_date
    from weeks
    cross join reporting_date

),

activity_weeks as (

    select
        activities.owner_user_id as user_id,
        {{ add_days('activities.activity_date', '1 - (' ~ iso_day_of_week('activities.activity_date') ~ ')') }} as week_start_date,
        sum(case when activities.is_completed_visit then 1 else 0 end) as visits,
        sum(
            case
                when activities.is_completed_visit
                    and {{ iso_day_of_week('activities.activity_date') }} <= {{ iso_day_of_week('reporting_date.as_of_date') }}
                    then 1
                else 0
            end
        ) as visits_to_as_of_weekday,
        sum(case when activities.is_completed_visit and activities.is_key_account then 1 else 0 end) as ka_visits,
        sum(case when activities.is_completed_visit and activities.is_large_account then 1 else 0 end)
            as large_account_visits,
        sum(case when activities.is_completed and activities.activity_type = 'call' then 1 else 0 end) as calls,
        sum(case when activities.is_completed and activities.activity_type in ('meeting', 'demo') then 1 else 0 end)
            as meetings_and_demos
    from activities
    cross join reporting_date
    where activities.activity_date <= reporting_date.as_of_date
        and activities.is_completed
    group by 1, 2

),

new_opportunity_weeks as (

    select
        opportunities.owner_user_id as user_id,
        {{ add_days('opportunities.created_date', '1 - (' ~ iso_day_of_week('opportunities.created_date') ~ ')') }} as week_start_date,
        count(*) as new_opportunities
    from opportunities
    cross join reporting_date
    where opportunities.created_date <= reporting_date.as_of_date
    group by 1, 2

),

won_weeks as (

    select
        opportunities.owner_user_id as user_id,
        {{ add_days('opportunities.closed_date', '1 - (' ~ iso_day_of_week('opportunities.closed_date') ~ ')') }} as week_start_date,
        count(*) as won_deals
    from opportunities
    cross join reporting_date
    where opportunities.is_won
        and opportunities.closed_date <= reporting_date.as_of_date
    group by 1, 2

),

rep_weeks as (

    select
        reps.user_id,
        reps.user_name,
        reps.team_id,
        labelled_weeks.*,
        cast(coalesce(activity_weeks.visits, 0) as int) as visits,
        cast(coalesce(activity_weeks.visits_to_as_of_weekday, 0) as int) as visits_to_as_of_weekday,
        cast(coalesce(activity_weeks.ka_visits, 0) as int) as ka_visits,
        cast(coalesce(activity_weeks.large_account_visits, 0) as int) as large_account_visits,
        cast(coalesce(activity_weeks.calls, 0) as int) as calls,
        cast(coalesce(activity_weeks.meetings_and_demos, 0) as int) as meetings_and_demos,
        cast(coalesce(new_opportunity_weeks.new_opportunities, 0) as int) as new_opportunities,
        cast(coalesce(won_weeks.won_deals, 0) as int) as won_deals
    from reps
    cross join labelled_weeks
    left join activity_weeks
        on reps.user_id = activity_weeks.user_id
            and labelled_weeks.week_start_date = activity_weeks.week_start_date
    left join new_opportunity_weeks
        on reps.user_id = new_opportunity_weeks.user_id
            and labelled_weeks.week_start_date = new_opportunity_weeks.week_start_date
    left join won_weeks
        on reps.user_id = won_weeks.user_id
            and labelled_weeks.week_start_date = won_weeks.week_start_date

),

final as (

    select
        user_id,
        user_name,
        team_id,
        week_start_date,
        week_end_date,
        cast(iso_year as {{ dbt.type_string() }}) || '-W' || lpad(cast(iso_week as {{ dbt.type_string() }}), 2, '0')
            as iso_week_label,
        cast(row_number() over (partition by user_id order by week_start_date) as int) as week_number,
        is_week_in_progress,
        visits,
        ka_visits,
        large_account_visits,
        calls,
        meetings_and_demos,
        new_opportunities,
        won_deals,
        cast(lag(visits) over (partition by user_id order by week_start_date) as int) as previous_week_visits,
        cast(
            case
                when is_week_in_progress
                    then lag(visits_to_as_of_weekday) over (partition by user_id order by week_start_date)
                else lag(visits) over (partition by user_id order by week_start_date)
            end as int
        ) as previous_week_visits_to_date
    from rep_weeks

)

select * from final
