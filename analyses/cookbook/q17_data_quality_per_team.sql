-- Q17 各团队数据质量得分 / Data-quality score per team
select
    teams.team_name,
    scorecard.team_dq_score,
    scorecard.open_issues,
    scorecard.critical_open_issues,
    scorecard.reps_with_open_issues,
    scorecard.reps,
    scorecard.as_of_date
from data_quality.dq_team_scorecard_current as scorecard
inner join core.dim_teams as teams
    on scorecard.team_id = teams.team_id
order by scorecard.team_dq_score, teams.team_name
