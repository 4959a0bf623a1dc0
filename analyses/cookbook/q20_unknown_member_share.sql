-- Q20 未归属团队的签约额占比 / Share of bookings without a known team this year
select
    sum(case when is_unknown_member then actual_value else 0 end) as unknown_team_bookings_cny,
    sum(actual_value) as all_team_bookings_cny,
    sum(case when is_unknown_member then actual_value else 0 end)
    / nullif(sum(actual_value), 0) as unknown_team_share,
    max(as_of_date) as as_of_date
from marts.indicator_values
where
    indicator_code = 'bookings_amount'
    and grain = 'team'
    and period_type = 'year'
    and is_period_in_progress
