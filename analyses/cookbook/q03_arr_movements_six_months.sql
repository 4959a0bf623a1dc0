-- Q03 近六个月ARR变动 / ARR movements over the last six months
with

last_month as (

    select max(month_start_date) as month_start_date
    from core.fct_account_arr_monthly

)

select
    arr.month_start_date,
    sum(arr.new_arr_cny) as new_arr_cny,
    sum(arr.expansion_arr_cny) as expansion_arr_cny,
    sum(arr.reactivation_arr_cny) as reactivation_arr_cny,
    sum(arr.contraction_arr_cny) as contraction_arr_cny,
    sum(arr.churned_arr_cny) as churned_arr_cny,
    sum(arr.arr_change_cny) as net_arr_change_cny,
    sum(arr.arr_cny) as closing_arr_cny
from core.fct_account_arr_monthly as arr
cross join last_month
where arr.month_start_date > last_month.month_start_date - interval 6 month
group by arr.month_start_date
order by arr.month_start_date
