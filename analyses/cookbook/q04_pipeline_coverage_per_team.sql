-- Q04 各团队商机覆盖倍数 / Pipeline coverage per team
select
    team_name,
    sum(pipeline_to_quarter_end_cny) as pipeline_to_quarter_end_cny,
    sum(remaining_quarter_quota_cny) as remaining_quarter_quota_cny,
    sum(pipeline_to_quarter_end_cny) / nullif(sum(remaining_quarter_quota_cny), 0) as pipeline_coverage_ratio,
    max(as_of_date) as as_of_date
from marts.rep_workbench
where not is_unknown_member
group by team_name
order by pipeline_coverage_ratio desc nulls last
