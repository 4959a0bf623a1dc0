{#- Which of my deals are stuck? One row per open opportunity of an active rep that has stayed
    in its stage longer than the stage norm (ref_opportunity_stages.stall_after_days) or is
    past its expected close date, with how long and what to do. -#}
with

open_opportunities as (

    select * from {{ ref('int_opportunities_stall_checked') }}

),

reps as (

    select * from {{ ref('int_rep_measures_as_of') }}

),

final as (

    select
        open_opportunities.opportunity_id,
        open_opportunities.owner_user_id as user_id,
        reps.team_id,
        open_opportunities.account_id,
        open_opportunities.account_name,
        open_opportunities.business_line,
        open_opportunities.opportunity_type,
        open_opportunities.stage_code,
        open_opportunities.stage_name_zh,
        open_opportunities.stage_name_en,
        open_opportunities.amount_cny,
        open_opportunities.weighted_amount_cny,
        open_opportunities.expected_close_date,
        open_opportunities.stage_entered_date,
        open_opportunities.days_in_stage,
        open_opportunities.stall_after_days,
        open_opportunities.is_stalled_in_stage,
        open_opportunities.is_past_expected_close,
        open_opportunities.days_past_expected_close,
        open_opportunities.is_key_account,
        open_opportunities.is_large_account,
        open_opportunities.is_super_large_account,
        case
            when open_opportunities.is_stalled_in_stage and open_opportunities.is_past_expected_close
                then '阶段停滞且已过预计成交日：推进阶段或更新预计成交日'
            when open_opportunities.is_stalled_in_stage then '阶段停滞：安排拜访推进到下一阶段'
            else '已过预计成交日：更新预计成交日或关闭商机'
        end as action_hint_zh,
        case
            when open_opportunities.is_stalled_in_stage and open_opportunities.is_past_expected_close
                then 'Stalled and past its expected close date: move it on or update the date'
            when open_opportunities.is_stalled_in_stage then 'Stalled in its stage: plan a visit to move it on'
            else 'Past its expected close date: update the date or close it'
        end as action_hint_en
    from open_opportunities
    inner join reps
        on open_opportunities.owner_user_id = reps.user_id
    where open_opportunities.is_stalled

)

select * from final
