-- Q06 软件与内容业务签约额（本年按月） / Software vs content bookings, by month of the year
select
    period_start_date as month_start_date,
    sum(case when entity_id = 'software' then actual_value else 0 end) as software_bookings_cny,
    sum(case when entity_id = 'content' then actual_value else 0 end) as content_bookings_cny,
    sum(case when entity_id = 'software' then actual_value else 0 end)
    / nullif(sum(actual_value), 0) as software_share,
    max(as_of_date) as as_of_date
from marts.indicator_values
where
    indicator_code = 'bookings_amount'
    and grain = 'business_line'
    and period_type = 'month'
    and period_start_date >= date_trunc('year', as_of_date)
group by period_start_date
order by month_start_date
