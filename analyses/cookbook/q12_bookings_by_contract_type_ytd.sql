-- Q12 本年新签、续约与增购签约额 / New business, renewal and upsell bookings this year
select
    indicator_code,
    indicator_name_zh,
    indicator_name_en,
    actual_value as bookings_ytd_cny,
    same_period_last_year_value as bookings_last_year_cny,
    as_of_date
from marts.indicator_values
where
    indicator_code in ('bookings_new_business_amount', 'bookings_renewal_amount', 'bookings_upsell_amount')
    and grain = 'company'
    and period_type = 'year'
    and is_period_in_progress
order by bookings_ytd_cny desc
