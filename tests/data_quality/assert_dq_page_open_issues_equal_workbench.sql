{#- The data-quality page and the rep workbench agree: for every active rep, the open issues
    of dq_rep_scorecard_current (what the data-quality page shows) equal the number of
    entries to fix on the rep's workbench (rep_workbench_dq_issues) and the workbench's
    open_dq_issues card. Returns the reps where any of the three differ. -#}
with

workbench as (

    select
        user_id,
        open_dq_issues
    from {{ ref('rep_workbench') }}

),

to_fix as (

    select
        user_id,
        count(*) as entries_to_fix
    from {{ ref('rep_workbench_dq_issues') }}
    group by user_id

),

scorecard as (

    select
        user_id,
        open_issues
    from {{ ref('dq_rep_scorecard_current') }}

),

compared as (

    select
        workbench.user_id,
        workbench.open_dq_issues,
        coalesce(to_fix.entries_to_fix, 0) as entries_to_fix,
        coalesce(scorecard.open_issues, 0) as page_open_issues
    from workbench
    left join to_fix
        on workbench.user_id = to_fix.user_id
    left join scorecard
        on workbench.user_id = scorecard.user_id

)

select *
from compared
where entries_to_fix != page_open_issues
    or open_dq_issues != page_open_issues
