{{ config(tags=['indicator_component']) }}

{#- Opportunities created (credited to the owner's team at creation, per creation day) and
    closed, won and lost (the owner's team at close, per closing day), up to the as-of date. -#}
with

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

created as (

    select
        opportunities.owner_user_id as user_id,
        opportunities.team_id_at_created as team_id,
        opportunities.business_line,
        opportunities.created_date as component_date,
        count(*) as new_opportunity_count
    from opportunities
    cross join reporting_date
    where opportunities.created_date <= reporting_date.as_of_date
    group by 1, 2, 3, 4

),

closed as (

    select
        opportunities.owner_user_id as user_id,
        opportunities.team_id_at_closed as team_id,
        opportunities.business_line,
        opportunities.closed_date as component_date,
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

)

{{ unpivot_components('created', [('new_opportunity_count', 'flow')]) }}
union all
{{ unpivot_components('closed', [
    ('won_count', 'flow'), ('lost_count', 'flow'), ('closed_count', 'flow'), ('won_amount', 'flow'),
    ('won_cycle_days_sum', 'flow'), ('won_cycle_count', 'flow')]) }}
