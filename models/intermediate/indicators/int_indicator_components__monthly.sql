{{ config(materialized='table') }}

{#- The additive building blocks of every sales indicator: one row per component, event
    owner, the owner's team on the date of the event, business line and month. Counts and
    sums only (ratios are computed later from summed numerators and denominators); stocks
    (pool, pipeline, headcount) are the value on the month's measurement date (month end, or
    the as-of date for the month in progress). Quotas are the only rows with a grain scope:
    rep quotas serve the rep grain, team quotas every grain above it. -#}
with

contracts as (

    select * from {{ ref('fct_contracts') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

stage_transitions as (

    select * from {{ ref('fct_opportunity_stage_transitions') }}

),

stages as (

    select * from {{ ref('dim_stages') }}

),

leads as (

    select * from {{ ref('fct_leads') }}

),

activities as (

    select * from {{ ref('fct_activities') }}

),

account_pool as (

    select * from {{ ref('fct_account_pool_monthly') }}

),

quotas as (

    select * from {{ ref('fct_quotas') }}

),

teams as (

    select * from {{ ref('dim_teams') }}

),

users as (

    select * from {{ ref('dim_users') }}

),

user_team_days as (

    select * from {{ ref('int_user_team_days') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

thresholds as (

    select * from {{ ref('ref_business_thresholds') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

visit_rules as (

    select
        max(case when threshold_code = 'monthly_visit_threshold' then cast(threshold_value as double) end)
            as monthly_visit_threshold,
        max(case when threshold_code = 'visit_shortfall_bonus_cut' then cast(threshold_value as double) end)
            as visit_shortfall_bonus_cut
    from thresholds

),

months as (

    select distinct
        calendar.month_start_date,
        calendar.month_end_date,
        case
            when calendar.month_end_date > reporting_date.as_of_date then reporting_date.as_of_date
            else calendar.month_end_date
        end as measured_on
    from calendar
    cross join reporting_date
    where calendar.month_start_date <= reporting_date.as_of_date

),

-- bookings: credited to the contract owner and the team they sat in on the signing date
contract_components as (

    select
        contracts.owner_user_id as user_id,
        contracts.team_id_at_signed as team_id,
        contracts.business_line,
        contracts.signed_month as month_start_date,
        sum(coalesce(contracts.total_amount_cny, 0)) as bookings_amount,
        sum(case when contracts.contract_type = 'new_business' then coalesce(contracts.total_amount_cny, 0) else 0 end)
            as bookings_new_business_amount,
        sum(case when contracts.contract_type = 'renewal' then coalesce(contracts.total_amount_cny, 0) else 0 end)
            as bookings_renewal_amount,
        sum(case when contracts.contract_type = 'upsell' then coalesce(contracts.total_amount_cny, 0) else 0 end)
            as bookings_upsell_amount,
        sum(case when contracts.contract_type = 'new_business' then 1 else 0 end) as new_business_contract_count
    from contracts
    cross join reporting_date
    where contracts.signed_date <= reporting_date.as_of_date
    group by 1, 2, 3, 4

),

-- opportunities created: the owner's team at creation
created_opportunity_components as (

    select
        opportunities.owner_user_id as user_id,
        opportunities.team_id_at_created as team_id,
        opportunities.business_line,
        opportunities.created_month as month_start_date,
        count(*) as new_opportunity_count
    from opportunities
    cross join reporting_date
    where opportunities.created_date <= reporting_date.as_of_date
    group by 1, 2, 3, 4

),

-- opportunities closed: the owner's team at close
closed_opportunity_components as (

    select
        opportunities.owner_user_id as user_id,
        opportunities.team_id_at_closed as team_id,
        opportunities.business_line,
        opportunities.closed_month as month_start_date,
        sum(case when opportunities.is_won then 1 else 0 end) as won_count,
        sum(case when opportunities.is_lost then 1 else 0 end) as lost_count,
        count(*) as closed_count,
        sum(case when opportunities.is_won then coalesce(opportunities.amount_cny, 0) else 0 end) as won_amount,
        sum(case when opportunities.is_won then opportunities.sales_cycle_days end) as won_cycle_days_sum,
        sum(case when opportunities.is_won and opportunities.sales_cycle_days is not null then 1 else 0 end)
            as won_cycle_count
    from opportunities
    cross join reporting_date
    where opportunities.is_closed
        and opportunities.closed_date <= reporting_date.as_of_date
    group by 1, 2, 3, 4

),

-- open opportunities on each measurement date, with the stage they held that day
open_opportunity_months as (

    select
        opportunities.opportunity_id,
        opportunities.owner_user_id,
        opportunities.business_line,
        opportunities.amount_cny,
        opportunities.expected_close_date,
        months.month_start_date,
        months.month_end_date,
        months.measured_on
    from opportunities
    inner join months
        on opportunities.created_date <= months.measured_on
            and (opportunities.closed_date is null or opportunities.closed_date > months.measured_on)

),

stage_on_measurement_date as (

    select
        open_opportunity_months.*,
        stage_transitions.to_stage_code,
        stage_transitions.amount_cny as amount_at_stage_cny,
        row_number() over (
            partition by open_opportunity_months.opportunity_id, open_opportunity_months.month_start_date
            order by stage_transitions.changed_at desc, stage_transitions.history_id desc
        ) as stage_rank
    from open_opportunity_months
    inner join stage_transitions
        on open_opportunity_months.opportunity_id = stage_transitions.opportunity_id
            and open_opportunity_months.measured_on >= stage_transitions.changed_date

),

pipeline_components as (

    select
        stage_on_measurement_date.owner_user_id as user_id,
        coalesce(owner_team.team_id, '-1') as team_id,
        stage_on_measurement_date.business_line,
        stage_on_measurement_date.month_start_date,
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
    inner join stages
        on stage_on_measurement_date.to_stage_code = stages.stage_code
    left join user_team_days as owner_team
        on stage_on_measurement_date.owner_user_id = owner_team.user_id
            and stage_on_measurement_date.measured_on = owner_team.date_day
    where stage_on_measurement_date.stage_rank = 1
        and not stages.is_closed
    group by 1, 2, 3, 4

),

-- a lead's opportunity, from either side of the link (an export may fill only one of
-- leads.converted_opportunity_id and opportunities.lead_id)
lead_opportunity_links as (

    select
        lead_id,
        converted_opportunity_id as opportunity_id
    from leads
    where converted_opportunity_id is not null
    union
    select
        lead_id,
        opportunity_id
    from opportunities
    where lead_id is not null

),

-- leads whose opportunity became a new-business contract signed by the as-of date
contracted_leads as (

    select distinct lead_opportunity_links.lead_id
    from lead_opportunity_links
    inner join contracts
        on lead_opportunity_links.opportunity_id = contracts.opportunity_id
    cross join reporting_date
    where contracts.contract_type = 'new_business'
        and contracts.signed_date <= reporting_date.as_of_date

),

-- MQL and SQL: the owner's team on the MQL and on the SQL date. The conversions are
-- cohorts: an MQL counts toward its MQL month whenever it reaches SQL, an SQL toward its
-- SQL month whenever its contract is signed (up to the as-of date), so a numerator never
-- counts a lead its denominator does not hold
mql_components as (

    select
        leads.owner_user_id as user_id,
        leads.team_id_at_mql as team_id,
        leads.business_line,
        leads.mql_month as month_start_date,
        count(*) as mql_count,
        sum(case when leads.is_sql and leads.sql_date <= reporting_date.as_of_date then 1 else 0 end)
            as mql_reached_sql_count
    from leads
    cross join reporting_date
    where leads.is_mql
        and leads.mql_date <= reporting_date.as_of_date
    group by 1, 2, 3, 4

),

sql_components as (

    select
        leads.owner_user_id as user_id,
        leads.team_id_at_sql as team_id,
        leads.business_line,
        leads.sql_month as month_start_date,
        count(*) as sql_count,
        sum(case when leads.hours_mql_to_sql >= 0 then leads.hours_mql_to_sql end) as mql_to_sql_hours_sum,
        sum(case when leads.hours_mql_to_sql >= 0 then 1 else 0 end) as mql_to_sql_lead_count,
        sum(case when contracted_leads.lead_id is not null then 1 else 0 end) as sql_contracted_count
    from leads
    left join contracted_leads
        on leads.lead_id = contracted_leads.lead_id
    cross join reporting_date
    where leads.is_sql
        and leads.sql_date <= reporting_date.as_of_date
    group by 1, 2, 3, 4

),

completed_visits as (

    select
        activities.*,
        row_number() over (
            partition by activities.account_id
            order by activities.occurred_at, activities.activity_id
        ) as account_visit_number
    from activities
    cross join reporting_date
    where activities.is_completed_visit
        and activities.occurred_date <= reporting_date.as_of_date

),

visit_components as (

    select
        completed_visits.owner_user_id as user_id,
        completed_visits.team_id,
        cast(null as {{ dbt.type_string() }}) as business_line,
        completed_visits.activity_month as month_start_date,
        count(*) as visit_count,
        sum(case when completed_visits.is_key_account then 1 else 0 end) as ka_visit_count,
        sum(case when completed_visits.is_large_account then 1 else 0 end) as large_account_visit_count,
        sum(case when completed_visits.account_visit_number = 1 and completed_visits.account_id != '-1' then 1 else 0 end)
            as first_visit_count,
        sum(
            case
                when completed_visits.account_visit_number = 1 and completed_visits.account_id != '-1'
                    and completed_visits.outcome = 'positive' then 1
                else 0
            end
        ) as first_visit_positive_count
    from completed_visits
    group by 1, 2, 3, 4

),

-- planned visits: due = planned for a day up to the as-of date; ahead = still planned from it on
visit_plan_components as (

    select
        activities.owner_user_id as user_id,
        activities.team_id,
        cast(null as {{ dbt.type_string() }}) as business_line,
        {{ month_start('activities.planned_date') }} as month_start_date,
        sum(case when activities.planned_date <= reporting_date.as_of_date then 1 else 0 end) as planned_visits_due,
        sum(case when activities.planned_date <= reporting_date.as_of_date and activities.is_completed then 1 else 0 end)
            as planned_visits_completed,
        sum(
            case
                when activities.planned_date >= reporting_date.as_of_date and activities.activity_status = 'planned' then 1
                else 0
            end
        ) as upcoming_planned_visits
    from activities
    cross join reporting_date
    where activities.is_visit
        and activities.planned_date is not null
    group by 1, 2, 3, 4

),

-- the customer pool at each month end: stocks, plus accounts developed in the month (a flow)
pool_components as (

    select
        account_pool.owner_user_id as user_id,
        account_pool.owner_team_id as team_id,
        cast(null as {{ dbt.type_string() }}) as business_line,
        account_pool.month_start_date,
        count(*) as customer_pool_size,
        sum(case when account_pool.is_key_account then 1 else 0 end) as ka_pool_size,
        sum(case when account_pool.is_large_account then 1 else 0 end) as large_account_count,
        sum(case when account_pool.is_super_large_account then 1 else 0 end) as super_large_account_count,
        sum(case when coalesce(account_pool.is_created_in_month, false) then 1 else 0 end) as new_accounts_developed
    from account_pool
    where not account_pool.is_in_public_pool
    group by 1, 2, 3, 4

),

-- every rep on a team on the month's measurement date, with their visits that month
rep_months as (

    select
        users.user_id,
        rep_team.team_id,
        months.month_start_date
    from users
    inner join months
        on (users.hire_date is null or users.hire_date <= months.measured_on)
            and (users.termination_date is null or users.termination_date >= months.measured_on)
    inner join user_team_days as rep_team
        on users.user_id = rep_team.user_id
            and months.measured_on = rep_team.date_day
    where users.is_rep

),

rep_visits as (

    select
        user_id,
        month_start_date,
        sum(visit_count) as visits
    from visit_components
    group by 1, 2

),

rep_upcoming_visits as (

    select
        user_id,
        month_start_date,
        sum(upcoming_planned_visits) as upcoming_visits
    from visit_plan_components
    group by 1, 2

),

rep_month_visits as (

    select
        rep_months.user_id,
        rep_months.team_id,
        rep_months.month_start_date,
        cast(coalesce(rep_visits.visits, 0) as double) as visits,
        cast(coalesce(rep_upcoming_visits.upcoming_visits, 0) as double) as upcoming_visits
    from rep_months
    left join rep_visits
        on rep_months.user_id = rep_visits.user_id
            and rep_months.month_start_date = rep_visits.month_start_date
    left join rep_upcoming_visits
        on rep_months.user_id = rep_upcoming_visits.user_id
            and rep_months.month_start_date = rep_upcoming_visits.month_start_date

),

rep_components as (

    select
        rep_month_visits.user_id,
        rep_month_visits.team_id,
        cast(null as {{ dbt.type_string() }}) as business_line,
        rep_month_visits.month_start_date,
        1 as rep_headcount,
        visit_rules.monthly_visit_threshold as threshold_monthly_visit_threshold,
        greatest(visit_rules.monthly_visit_threshold - rep_month_visits.visits, 0) as visit_gap,
        greatest(
            greatest(visit_rules.monthly_visit_threshold - rep_month_visits.visits, 0) - rep_month_visits.upcoming_visits, 0
        ) as visits_to_plan,
        case when rep_month_visits.visits < visit_rules.monthly_visit_threshold then 1 else 0 end
            as reps_below_visit_threshold,
        case when rep_month_visits.visits < visit_rules.monthly_visit_threshold then visit_rules.visit_shortfall_bonus_cut else 0 end
            as visit_bonus_cut_share
    from rep_month_visits
    cross join visit_rules

),

-- quotas of the whole reporting year (later months feed the quarter and year targets)
quota_rows as (

    select
        quotas.*,
        concat('quota_', quotas.metric) as component_code
    from quotas
    cross join reporting_date
    where quotas.period_month < {{ add_months(year_start('reporting_date.as_of_date'), 12) }}

),

quota_components as (

    select
        component_code,
        'flow' as aggregation,
        'rep' as grain_scope,
        user_id,
        cast(null as {{ dbt.type_string() }}) as team_id,
        cast(null as {{ dbt.type_string() }}) as business_line,
        period_month as month_start_date,
        cast(sum(target_value) as decimal(24, 4)) as component_value
    from quota_rows
    where owner_type = 'rep'
    group by 1, 2, 3, 4, 5, 6, 7

    union all

    select
        component_code,
        'flow' as aggregation,
        'team_up' as grain_scope,
        cast(null as {{ dbt.type_string() }}) as user_id,
        team_id,
        cast(null as {{ dbt.type_string() }}) as business_line,
        period_month as month_start_date,
        cast(sum(target_value) as decimal(24, 4)) as component_value
    from quota_rows
    where owner_type = 'team'
    group by 1, 2, 3, 4, 5, 6, 7

),

unioned as (

    {{ unpivot_components('contract_components', [
        ('bookings_amount', 'flow'), ('bookings_new_business_amount', 'flow'), ('bookings_renewal_amount', 'flow'),
        ('bookings_upsell_amount', 'flow'), ('new_business_contract_count', 'flow')]) }}
    union all
    {{ unpivot_components('created_opportunity_components', [('new_opportunity_count', 'flow')]) }}
    union all
    {{ unpivot_components('closed_opportunity_components', [
        ('won_count', 'flow'), ('lost_count', 'flow'), ('closed_count', 'flow'), ('won_amount', 'flow'),
        ('won_cycle_days_sum', 'flow'), ('won_cycle_count', 'flow')]) }}
    union all
    {{ unpivot_components('pipeline_components', [('pipeline_amount', 'stock'), ('weighted_forecast_amount', 'stock')]) }}
    union all
    {{ unpivot_components('mql_components', [('mql_count', 'flow'), ('mql_reached_sql_count', 'flow')]) }}
    union all
    {{ unpivot_components('sql_components', [
        ('sql_count', 'flow'), ('mql_to_sql_hours_sum', 'flow'), ('mql_to_sql_lead_count', 'flow'),
        ('sql_contracted_count', 'flow')]) }}
    union all
    {{ unpivot_components('visit_components', [
        ('visit_count', 'flow'), ('ka_visit_count', 'flow'), ('large_account_visit_count', 'flow'),
        ('first_visit_count', 'flow'), ('first_visit_positive_count', 'flow')]) }}
    union all
    {{ unpivot_components('visit_plan_components', [
        ('planned_visits_due', 'flow'), ('planned_visits_completed', 'flow'), ('upcoming_planned_visits', 'flow')]) }}
    union all
    {{ unpivot_components('pool_components', [
        ('customer_pool_size', 'stock'), ('ka_pool_size', 'stock'), ('large_account_count', 'stock'),
        ('super_large_account_count', 'stock'), ('new_accounts_developed', 'flow')]) }}
    union all
    {{ unpivot_components('rep_components', [
        ('rep_headcount', 'stock'), ('threshold_monthly_visit_threshold', 'flow'), ('visit_gap', 'flow'),
        ('visits_to_plan', 'flow'), ('reps_below_visit_threshold', 'flow'), ('visit_bonus_cut_share', 'flow')]) }}
    union all
    select * from quota_components

),

final as (

    select
        unioned.component_code,
        unioned.aggregation,
        unioned.grain_scope,
        unioned.user_id,
        unioned.team_id,
        teams.region_id,
        case
            when unioned.grain_scope = 'rep' then null
            else coalesce(unioned.business_line, teams.business_line, 'unknown')
        end as business_line,
        unioned.month_start_date,
        unioned.component_value
    from unioned
    left join teams
        on unioned.team_id = teams.team_id
    cross join reporting_date
    where unioned.month_start_date is not null
        and (
            unioned.month_start_date <= reporting_date.as_of_date
            or unioned.grain_scope != 'all'
        )

)

select * from final
