-- Q07 本月销售配额完成率排名 / Quota attainment per rep this month
select
    team_name,
    user_name,
    bookings_mtd_cny,
    quota_month_cny,
    attainment_mtd,
    working_day_share,
    as_of_date
from marts.rep_workbench
where quota_month_cny > 0
order by attainment_mtd desc nulls last, user_name asc
