{{ config(materialized='table') }}

{#- Is each open opportunity moving? One row per opportunity open on the as-of date with the
    date it entered its current stage (last stage change, else creation), the days spent
    there, the stage's stall norm (ref_opportunity_stages.stall_after_days) and whether it is
    stalled: longer in the stage than the norm, or past its expected close date. -#}
with

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

transitions as (

    select * from {{ ref('fct_opportunity_stage_transitions') }}

),

stages as (

    select * from {{ ref('dim_stages') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

last_stage_changes as (

    select
        transitions.opportunity_id,
        max(transitions.changed_date) as last_stage_change_date
    from transitions
    cross join reporting_date
    where transitions.changed_date <= reporting_date.as_of_date
    group by 1

),

open_opportunities as (

    select
        opportunities.opportunity_id,
        opportunities.owner_user_id,
        opportunities.account_id,
        opportunities.business_line,
        opportunities.opportunity_type,
        opportunities.stage_code,
        opportunities.stage_order,
        opportunities.win_probability,
        opportunities.amount_cny,
        opportunities.weighted_amount_cny,
        opportunities.expected_close_date,
        opportunities.created_date,
        coalesce(last_stage_changes.last_stage_change_date, opportunities.created_date) as stage_entered_date,
        reporting_date.as_of_date
    from opportunities
    cross join reporting_date
    left join last_stage_changes
        on opportunities.opportunity_id = last_stage_changes.opportunity_id
    where opportunities.is_open
        and opportunities.created_date <= reporting_date.as_of_date

),

checked as (

    select
        open_opportunities.*,
        {{ days_between('open_opportunities.stage_entered_date', 'open_opportunities.as_of_date') }} as days_in_stage,
        stages.stage_name_zh,
        stages.stage_name_en,
        stages.stall_after_days,
        coalesce(accounts.account_name, '未知客户 Unknown account') as account_name,
        coalesce(accounts.is_key_account, false) as is_key_account,
        coalesce(accounts.is_large_account, false) as is_large_account,
        coalesce(accounts.is_super_large_account, false) as is_super_large_account
    from open_opportunities
    left join stages
        on open_opportunities.stage_code = stages.stage_code
    left join accounts
        on open_opportunities.account_id = accounts.account_id

),

final as (

    select
        opportunity_id,
        owner_user_id,
        account_id,
        account_name,
        business_line,
        opportunity_type,
        stage_code,
        stage_name_zh,
        stage_name_en,
        stage_order,
        win_probability,
        amount_cny,
        weighted_amount_cny,
        expected_close_date,
        created_date,
        stage_entered_date,
        cast(days_in_stage as int) as days_in_stage,
        cast(stall_after_days as int) as stall_after_days,
        is_key_account,
        is_large_account,
        is_super_large_account,
        coalesce(stall_after_days is not null and days_in_stage > stall_after_days, false) as is_stalled_in_stage,
        coalesce(expected_close_date < as_of_date, false) as is_past_expected_close,
        coalesce(stall_after_days is not null and days_in_stage > stall_after_days, false)
        or coalesce(expected_close_date < as_of_date, false) as is_stalled,
        case
            when expected_close_date < as_of_date
                then cast({{ days_between('expected_close_date', 'as_of_date') }} as int)
            else 0
        end as days_past_expected_close
    from checked

)

select * from final
