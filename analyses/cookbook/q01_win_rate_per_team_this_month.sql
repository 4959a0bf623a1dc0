-- Q01 本月各团队商机赢率 / This month's win rate per team
select
    entity_name as team_name,
    actual_value as win_rate,
    prior_period_value as win_rate_last_month,
    as_of_date
from marts.indicator_values
where
    indicator_code = 'win_rate'
    and grain = 'team'
    and period_type = 'month'
    and period_start_date = date_trunc('month', as_of_date)
    and not is_unknown_member
order by win_rate desc nulls last
