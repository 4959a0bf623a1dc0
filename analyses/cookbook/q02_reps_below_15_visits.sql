-- Q02 本月面访不足15次的销售 / Reps below 15 visits this month
select
    team_name,
    user_name,
    visits_mtd,
    visit_pace_target,
    visits_to_plan,
    as_of_date
from marts.rep_workbench
where visits_mtd < 15
order by visits_mtd, team_name, user_name
