{#- What does my funnel look like? One row per active rep and open stage (zeros included):
    open opportunities, amount, weighted amount, how many are expected to close this month
    and this quarter, and how many are stalled — the stage mix behind the coverage figure on
    rep_workbench. -#}
with

reps as (

    select * from {{ ref('int_rep_measures_as_of') }}

),

stages as (

    select * from {{ ref('dim_stages') }}

),

open_opportunities as (

    select * from {{ ref('int_opportunities_stall_checked') }}

),

open_stages as (

    select * from stages
    where not is_closed
        and not is_unknown

),

by_stage as (

    select
        open_opportunities.owner_user_id as user_id,
        open_opportunities.stage_code,
        count(*) as open_opportunities,
        sum(coalesce(open_opportunities.amount_cny, 0)) as open_amount_cny,
        sum(coalesce(open_opportunities.weighted_amount_cny, 0)) as weighted_amount_cny,
        sum(
            case
                when open_opportunities.expected_close_date between reps.month_start_date and reps.month_end_date then 1
                else 0
            end
        ) as expected_this_month,
        sum(
            case
                when open_opportunities.expected_close_date between reps.quarter_start_date and reps.quarter_end_date then 1
                else 0
            end
        ) as expected_this_quarter,
        sum(case when open_opportunities.is_stalled then 1 else 0 end) as stalled_opportunities
    from open_opportunities
    inner join reps
        on open_opportunities.owner_user_id = reps.user_id
    group by 1, 2

),

final as (

    select
        reps.user_id,
        reps.team_id,
        open_stages.stage_code,
        open_stages.stage_order,
        open_stages.stage_name_zh,
        open_stages.stage_name_en,
        open_stages.default_win_probability,
        cast(coalesce(by_stage.open_opportunities, 0) as int) as open_opportunities,
        cast(coalesce(by_stage.open_amount_cny, 0) as decimal(18, 2)) as open_amount_cny,
        cast(coalesce(by_stage.weighted_amount_cny, 0) as decimal(18, 2)) as weighted_amount_cny,
        cast(coalesce(by_stage.expected_this_month, 0) as int) as expected_this_month,
        cast(coalesce(by_stage.expected_this_quarter, 0) as int) as expected_this_quarter,
        cast(coalesce(by_stage.stalled_opportunities, 0) as int) as stalled_opportunities
    from reps
    cross join open_stages
    left join by_stage
        on reps.user_id = by_stage.user_id
            and open_stages.stage_code = by_stage.stage_code

)

select * from final
