-- Q16 有扣减拜访奖金风险的销售 / Reps at risk of the visit bonus cut
select
    team_name,
    user_name,
    visits_mtd,
    monthly_visit_threshold,
    visits_to_plan,
    planned_visits_ahead,
    as_of_date
from marts.rep_workbench
where is_visit_bonus_cut_at_risk
order by visits_to_plan desc, user_name asc
