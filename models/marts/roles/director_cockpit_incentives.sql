{#- Who loses the visit bonus, and how productive is each rep? One row per active rep: last
    month's completed visits against the monthly threshold and the bonus cut it triggered
    (ref_business_thresholds: below 15 visits cuts 2%), this month's pace (visits so far,
    pro-rated target, still to plan) and productivity — bookings month, quarter and year to
    date, the rep's share of the region's bookings and the region's bookings per active rep
    (人效). -#}
with

reps as (

    select * from {{ ref('int_rep_measures_as_of') }}

),

activities as (

    select * from {{ ref('fct_activities') }}

),

contracts as (

    select * from {{ ref('fct_contracts') }}

),

reporting_date as (

    select
        as_of_date,
        {{ add_months(month_start('as_of_date'), -1) }} as previous_month_start_date,
        {{ year_start('as_of_date') }} as year_start_date
    from (select {{ as_of_date() }} as as_of_date) as as_of

),

previous_month_visits as (

    select
        activities.owner_user_id as user_id,
        count(*) as visits_previous_month
    from activities
    cross join reporting_date
    where activities.is_completed_visit
        and activities.occurred_date between reporting_date.previous_month_start_date
        and {{ add_days(add_months('reporting_date.previous_month_start_date', 1), -1) }}
    group by 1

),

ytd_bookings as (

    select
        contracts.owner_user_id as user_id,
        sum(contracts.total_amount_cny) as bookings_ytd_cny
    from contracts
    cross join reporting_date
    where contracts.signed_date between reporting_date.year_start_date and reporting_date.as_of_date
    group by 1

),

joined as (

    select
        reps.*,
        reporting_date.previous_month_start_date,
        cast(coalesce(previous_month_visits.visits_previous_month, 0) as int) as visits_previous_month,
        cast(coalesce(ytd_bookings.bookings_ytd_cny, 0) as decimal(18, 2)) as bookings_ytd_cny
    from reps
    cross join reporting_date
    left join previous_month_visits
        on reps.user_id = previous_month_visits.user_id
    left join ytd_bookings
        on reps.user_id = ytd_bookings.user_id

),

with_region as (

    select
        joined.*,
        sum(joined.bookings_ytd_cny) over (partition by joined.region_id) as region_bookings_ytd_cny,
        count(*) over (partition by joined.region_id) as region_active_reps
    from joined

),

final as (

    select
        user_id,
        user_name,
        team_id,
        team_name,
        business_line,
        region_id,
        region_name,
        as_of_date,
        previous_month_start_date,
        visits_previous_month,
        monthly_visit_threshold,
        visits_previous_month < monthly_visit_threshold as was_below_threshold_previous_month,
        cast(case when visits_previous_month < monthly_visit_threshold then visit_shortfall_bonus_cut else 0 end as double)
            as bonus_cut_share_previous_month,
        visits_mtd,
        visit_pace_target,
        visits_mtd >= visit_pace_target as is_on_visit_pace,
        planned_visits_ahead,
        visits_to_plan,
        visits_to_plan > 0 as is_visit_bonus_cut_at_risk,
        bookings_mtd_cny,
        bookings_qtd_cny,
        bookings_ytd_cny,
        cast({{ safe_divide('bookings_ytd_cny', 'region_bookings_ytd_cny') }} as double) as share_of_region_bookings_ytd,
        cast({{ safe_divide('region_bookings_ytd_cny', 'region_active_reps') }} as double) as region_bookings_ytd_per_rep_cny
    from with_region

)

select * from final
