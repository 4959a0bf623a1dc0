{#- Opportunity stages in funnel order with names, default win probability and flags, plus
    the unknown member for stage codes the reference does not know. -#}
with

stages as (

    select * from {{ ref('ref_opportunity_stages') }}

),

known as (

    select
        stage_code,
        stage_order,
        stage_name_zh,
        stage_name_en,
        cast(default_win_probability as decimal(5, 2)) as default_win_probability,
        is_closed,
        is_won,
        requires_amount,
        stall_after_days,
        false as is_unknown
    from stages

),

unknown_member as (

    select
        'unknown' as stage_code,
        0 as stage_order,
        '未知阶段' as stage_name_zh,
        'Unknown stage' as stage_name_en,
        cast(0 as decimal(5, 2)) as default_win_probability,
        false as is_closed,
        false as is_won,
        false as requires_amount,
        cast(null as int) as stall_after_days,
        true as is_unknown

),

final as (

    select * from known
    union all
    select * from unknown_member

)

select * from final
