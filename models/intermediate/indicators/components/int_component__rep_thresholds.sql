{{ config(tags=['indicator_component']) }}

{#- Every rep on a team on a month's measurement date (dated that day): headcount, the visit
    threshold, the gap to it, visits still to plan after those planned ahead, below-threshold
    reps and the bonus cut they face. Visits come from the visit components. -#}
with

months as (

    {{ measurement_months() }}

),

visit_rules as (

    select
        max(case when threshold_code = 'monthly_visit_threshold' then cast(threshold_value as double) end)
            as monthly_visit_threshold,
        max(case when threshold_code = 'visit_shortfall_bonus_cut' then cast(threshold_value as double) end)
            as visit_shortfall_bonus_cut
    from {{ ref('ref_business_thresholds') }}

),

rep_visits as (

    select
        user_id,
        {{ month_start('component_date') }} as month_start_date,
        sum(case when component_code = 'visit_count' then component_value else 0 end) as visits,
        sum(case when component_code = 'upcoming_planned_visits' then component_value else 0 end) as upcoming_visits
    from (
        select * from {{ ref('int_component__visits') }}
        where component_code = 'visit_count'
        union all
        select * from {{ ref('int_component__visit_plans') }}
        where component_code = 'upcoming_planned_visits'
    ) as visit_components
    group by 1, 2

),

rep_months as (

    select
        users.user_id,
        rep_team.team_id,
        cast(null as {{ dbt.type_string() }}) as business_line,
        months.measured_on as component_date,
        cast(coalesce(rep_visits.visits, 0) as double) as visits,
        cast(coalesce(rep_visits.upcoming_visits, 0) as double) as upcoming_visits
    from {{ ref('dim_users') }} as users
    inner join months
        on (users.hire_date is null or users.hire_date <= months.measured_on)
            and (users.termination_date is null or users.termination_date >= months.measured_on)
    inner join {{ ref('int_user_team_days') }} as rep_team
        on users.user_id = rep_team.user_id
            and months.measured_on = rep_team.date_day
    left join rep_visits
        on users.user_id = rep_visits.user_id
            and months.month_start_date = rep_visits.month_start_date
    where users.is_rep

),

reps as (

    select
        rep_months.user_id,
        rep_months.team_id,
        rep_months.business_line,
        rep_months.component_date,
        1 as rep_headcount,
        visit_rules.monthly_visit_threshold as threshold_monthly_visit_threshold,
        greatest(visit_rules.monthly_visit_threshold - rep_months.visits, 0) as visit_gap,
        greatest(greatest(visit_rules.monthly_visit_threshold - rep_months.visits, 0) - rep_months.upcoming_visits, 0)
            as visits_to_plan,
        case when rep_months.visits < visit_rules.monthly_visit_threshold then 1 else 0 end as reps_below_visit_threshold,
        case when rep_months.visits < visit_rules.monthly_visit_threshold then visit_rules.visit_shortfall_bonus_cut else 0 end
            as visit_bonus_cut_share
    from rep_months
    cross join visit_rules

)

{{ unpivot_components('reps', [
    ('rep_headcount', 'stock'), ('threshold_monthly_visit_threshold', 'flow'), ('visit_gap', 'flow'),
    ('visits_to_plan', 'flow'), ('reps_below_visit_threshold', 'flow'), ('visit_bonus_cut_share', 'flow')]) }}
