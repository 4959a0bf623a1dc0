{#- Every active rep has the rows the role views promise: one on the workbench, the team board
    and the incentive view, one per open stage in the funnel, 7 profile metrics, 8 trend weeks
    and 60 leaderboard entries (3 periods × 5 metrics × 4 scopes: team, region, business line,
    company); no other rep appears. -#}
{%- set role_models = ['rep_workbench', 'team_board_members', 'director_cockpit_incentives', 'rep_workbench_funnel',
    'rep_diagnosis_profile', 'team_board_behavior_trend', 'leaderboard_rankings'] %}
with

active_reps as (

    select user_id from {{ ref('dim_users') }}
    where is_rep and is_active and not is_unknown

),

open_stages as (

    select count(*) as stage_count from {{ ref('dim_stages') }}
    where not is_closed and not is_unknown

),

row_counts as (

    {%- for model_name in role_models %}
        select
            '{{ model_name }}' as model_name,
            user_id,
            count(*) as row_count
        from {{ ref(model_name) }}
        group by 1, 2
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

model_names as (

    {%- for model_name in role_models %}
        select '{{ model_name }}' as model_name
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

expected as (

    select
        models.model_name,
        active_reps.user_id,
        case models.model_name
            when 'rep_workbench_funnel' then open_stages.stage_count
            when 'rep_diagnosis_profile' then 7
            when 'team_board_behavior_trend' then 8
            when 'leaderboard_rankings' then 60
            else 1
        end as expected_rows
    from active_reps
    cross join open_stages
    cross join model_names as models

)

select
    coalesce(expected.model_name, row_counts.model_name) as model_name,
    coalesce(expected.user_id, row_counts.user_id) as user_id,
    expected.expected_rows,
    row_counts.row_count
from expected
full outer join row_counts
    on expected.model_name = row_counts.model_name
        and expected.user_id = row_counts.user_id
where expected.expected_rows is null
    or row_counts.row_count is null
    or expected.expected_rows != row_counts.row_count
