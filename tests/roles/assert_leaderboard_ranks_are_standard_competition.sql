{#- Leaderboard ranks follow standard competition ranking: a rep's rank is 1 + the number of
    reps in the same board (period, metric, scope) with a strictly greater value, so ties
    share a rank and the next rank is skipped; reps without a value have no rank. -#}
with

boards as (

    select * from {{ ref('leaderboard_rankings') }}

),

expected as (

    select
        boards.period_type,
        boards.metric_code,
        boards.scope_type,
        boards.user_id,
        boards.metric_value,
        boards.rank_in_scope,
        case
            when boards.metric_value is null then null
            else 1 + sum(case when others.metric_value > boards.metric_value then 1 else 0 end)
        end as expected_rank
    from boards
    inner join boards as others
        on boards.period_type = others.period_type
            and boards.metric_code = others.metric_code
            and boards.scope_type = others.scope_type
            and boards.scope_id = others.scope_id
    group by 1, 2, 3, 4, 5, 6

)

select *
from expected
where coalesce(rank_in_scope, -1) != coalesce(expected_rank, -1)
