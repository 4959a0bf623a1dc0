-- Q13 各业务线流失率与净收入留存 / Churn rate and net revenue retention per business line
select
    entity_name as business_line,
    max(case when indicator_code = 'churn_rate' then actual_value end) as churn_rate,
    max(case when indicator_code = 'gross_revenue_retention' then actual_value end) as gross_revenue_retention_ratio,
    max(case when indicator_code = 'net_revenue_retention' then actual_value end) as net_revenue_retention_ratio,
    max(as_of_date) as as_of_date
from marts.indicator_values
where
    indicator_code in ('churn_rate', 'gross_revenue_retention', 'net_revenue_retention')
    and grain = 'business_line'
    and period_type = 'month'
    and is_period_in_progress
group by entity_name
order by business_line
