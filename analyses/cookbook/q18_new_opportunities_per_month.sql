-- Q18 近六个月新建商机数与平均金额 / New opportunities and their average amount, last six months
with

last_month as (

    select max(created_month) as created_month
    from core.fct_opportunities

)

select
    opportunities.created_month,
    count(*) as new_opportunity_count,
    avg(opportunities.amount_cny) as avg_amount_cny,
    sum(case when opportunities.is_won then 1 else 0 end) as won_so_far_count
from core.fct_opportunities as opportunities
cross join last_month
where opportunities.created_month > last_month.created_month - interval 6 month
group by opportunities.created_month
order by opportunities.created_month
