-- Q10 各规则未关闭预警数 / Open alerts by rule and severity
select
    rule_code,
    rule_name_zh,
    rule_name_en,
    severity,
    count(*) as open_alert_count
from marts.fct_alerts
where is_open
group by rule_code, rule_name_zh, rule_name_en, severity
order by open_alert_count desc, rule_code asc
