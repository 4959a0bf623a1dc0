-- Q11 各团队本月预测 / This month's forecast per team
select
    team_name,
    bookings_mtd_cny,
    weighted_forecast_month_cny,
    forecast_month_total_cny,
    quota_month_cny,
    forecast_attainment,
    as_of_date
from marts.team_board
where not is_unknown_member
order by forecast_attainment desc nulls last
