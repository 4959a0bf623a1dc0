{#- One row per live opportunity: amount, dates, won/lost (from the stage reference), sales
    cycle and the owner's team when it was created and when it closed. Missing or unknown keys
    point at the dimensions' unknown members; no opportunity is dropped. An amount outside its
    plausible range (seed ref_plausible_amounts) is held back: amount_cny and the weighted
    amount are null and is_amount_plausible is false until it is fixed, so no indicator counts
    it. -#}
with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

stages as (

    select * from {{ ref('dim_stages') }}

),

users as (

    select user_id from {{ ref('dim_users') }}

),

accounts as (

    select account_id from {{ ref('dim_accounts') }}

),

user_team_days as (

    select * from {{ ref('int_user_team_days') }}

),

plausible_ranges as (

    {{ plausible_amount_bounds([('opportunities', 'amount')]) }}

),

enriched as (

    select
        opportunities.opportunity_id,
        coalesce(accounts.account_id, '-1') as account_id,
        coalesce(users.user_id, '-1') as owner_user_id,
        opportunities.lead_id,
        opportunities.business_line,
        opportunities.opportunity_type,
        coalesce(stages.stage_code, 'unknown') as stage_code,
        coalesce(stages.stage_order, 0) as stage_order,
        cast(coalesce(stages.default_win_probability, 0) as decimal(5, 2)) as win_probability,
        {{ plausible_amount('opportunities.amount_cny', 'plausible_ranges', 'opportunities', 'amount') }} as amount_cny,
        opportunities.amount_cny is null
        or {{ plausible_amount('opportunities.amount_cny', 'plausible_ranges', 'opportunities', 'amount') }} is not null as is_amount_plausible,
        opportunities.expected_close_date,
        opportunities.created_at,
        cast(opportunities.created_at as date) as created_date,
        opportunities.closed_at,
        cast(opportunities.closed_at as date) as closed_date,
        coalesce(stages.is_closed, false) as is_closed,
        coalesce(stages.is_closed and stages.is_won, false) as is_won,
        coalesce(stages.is_closed and not stages.is_won, false) as is_lost,
        opportunities.is_closed as is_closed_as_entered,
        opportunities.is_won as is_won_as_entered,
        opportunities.loss_reason
    from opportunities
    cross join plausible_ranges
    left join stages
        on opportunities.stage_code = stages.stage_code
    left join users
        on opportunities.owner_user_id = users.user_id
    left join accounts
        on opportunities.account_id = accounts.account_id

),

final as (

    select
        enriched.opportunity_id,
        enriched.account_id,
        enriched.owner_user_id,
        coalesce(team_at_created.team_id, '-1') as team_id_at_created,
        coalesce(team_at_closed.team_id, '-1') as team_id_at_closed,
        enriched.lead_id,
        enriched.business_line,
        enriched.opportunity_type,
        enriched.stage_code,
        enriched.stage_order,
        enriched.win_probability,
        enriched.amount_cny,
        cast(case when not enriched.is_closed then cast(enriched.amount_cny as decimal(20, 2)) * enriched.win_probability end as decimal(20, 4)) as weighted_amount_cny,
        enriched.is_amount_plausible,
        enriched.expected_close_date,
        enriched.created_at,
        enriched.created_date,
        {{ month_start('enriched.created_date') }} as created_month,
        enriched.closed_at,
        enriched.closed_date,
        {{ month_start('enriched.closed_date') }} as closed_month,
        enriched.is_closed,
        not enriched.is_closed as is_open,
        enriched.is_won,
        enriched.is_lost,
        enriched.is_closed_as_entered,
        enriched.is_won_as_entered,
        case
            when enriched.is_closed and enriched.closed_date >= enriched.created_date
                then {{ days_between('enriched.created_date', 'enriched.closed_date') }}
        end as sales_cycle_days,
        enriched.loss_reason
    from enriched
    left join user_team_days as team_at_created
        on enriched.owner_user_id = team_at_created.user_id
            and enriched.created_date = team_at_created.date_day
    left join user_team_days as team_at_closed
        on enriched.owner_user_id = team_at_closed.user_id
            and enriched.closed_date = team_at_closed.date_day

)

select * from final
