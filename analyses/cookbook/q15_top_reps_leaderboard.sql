-- Q15 本月签约额前五名 / Top five reps by bookings this month
select
    rank_in_scope,
    user_name,
    team_name,
    metric_value as bookings_cny,
    rank_change,
    as_of_date
from marts.leaderboard_rankings
where
    metric_code = 'bookings_amount'
    and period_type = 'month'
    and scope_type = 'company'
    and rank_in_scope <= 5
order by rank_in_scope, user_name
