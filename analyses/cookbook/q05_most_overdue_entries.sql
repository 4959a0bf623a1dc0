-- Q05 逾期录入最多的销售 / Who has the most overdue (late) entries
select
    users.user_name,
    users.current_team_name as team_name,
    scorecard.timeliness_open_issues,
    scorecard.activity_on_time_rate,
    scorecard.stage_change_on_time_rate,
    scorecard.as_of_date
from data_quality.dq_rep_scorecard_current as scorecard
inner join core.dim_users as users
    on scorecard.user_id = users.user_id
where scorecard.timeliness_open_issues > 0
order by scorecard.timeliness_open_issues desc, users.user_name asc
limit 10
