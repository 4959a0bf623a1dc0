-- Q14 各团队线索跟进时长（本季度） / Lead follow-up hours per team this quarter
select
    entity_name as team_name,
    actual_value as lead_followup_hours,
    target_value as target_hours,
    status_name_zh,
    status_name_en,
    as_of_date
from marts.indicator_values
where
    indicator_code = 'lead_followup_hours'
    and grain = 'team'
    and period_type = 'quarter'
    and is_period_in_progress
    and not is_unknown_member
order by lead_followup_hours desc nulls last
