-- Q19 未来九十天到期续约的超大客户 / Super-large accounts with a renewal due in 90 days
select
    account_name,
    owner_user_name,
    owner_team_name,
    arr_cny,
    next_renewal_date,
    days_to_renewal,
    days_since_last_visit,
    latest_active_usage_rate
from marts.director_cockpit_super_large_accounts
where days_to_renewal between 0 and 90
order by days_to_renewal, account_name
