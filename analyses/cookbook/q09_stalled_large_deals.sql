-- Q09 停滞的大额商机 / Stalled deals, largest first
select
    stalled.account_name,
    users.user_name,
    stalled.stage_name_zh,
    stalled.stage_name_en,
    stalled.amount_cny,
    stalled.days_in_stage,
    stalled.days_past_expected_close
from marts.rep_workbench_stalled_opportunities as stalled
inner join core.dim_users as users
    on stalled.user_id = users.user_id
where stalled.is_stalled_in_stage or stalled.is_past_expected_close
order by stalled.amount_cny desc nulls last
limit 20
