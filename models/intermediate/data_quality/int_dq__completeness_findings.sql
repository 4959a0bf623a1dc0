{#- Which records miss what a sales manager needs: opportunities from proposal on without an
    amount (stages flagged requires_amount in ref_opportunity_stages), accounts without industry
    or headcount, opportunities won 30+ days ago that still have no contract, open
    opportunities without a live account (empty, or the account was deleted; an id that never
    existed is an orphan_reference), won opportunities recorded at amount 0 (an empty amount is
    opportunity_missing_amount), and lost opportunities whose amount is empty or 0 although the
    deal had reached a stage that requires an amount (its quoted value was cleared). -#}
with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

stages as (

    select * from {{ ref('ref_opportunity_stages') }}

),

rules as (

    select * from {{ ref('ref_dq_rules') }}

),

thresholds as (

    select
        {{ dq_threshold('won_without_contract', 'days') }} as won_without_contract_days
    from rules

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

stage_history as (

    select * from {{ ref('stg_crm__opportunity_stage_history') }}

),

existing_accounts as (

    select distinct {{ clean_text('account_id') }} as account_id
    from {{ ref('base_crm__accounts') }}
    where {{ clean_text('account_id') }} is not null

),

opportunities_missing_amount as (

    select
        'opportunity_missing_amount' as rule_code,
        'opportunities' as entity,
        opportunities.opportunity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        opportunities.owner_user_id as responsible_user_id,
        cast(opportunities.created_at as date) as record_date,
        cast(null as double) as measured_value,
        concat('商机处于「', stages.stage_name_zh, '」阶段但没有金额') as detail_zh,
        concat('opportunity at stage ', stages.stage_name_en, ' has no amount') as detail_en
    from opportunities
    inner join stages
        on opportunities.stage_code = stages.stage_code
    where stages.requires_amount
        and opportunities.amount_cny is null

),

accounts_missing_firmographics as (

    select
        'account_missing_firmographics' as rule_code,
        'accounts' as entity,
        account_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        owner_user_id as responsible_user_id,
        cast(created_at as date) as record_date,
        cast(null as double) as measured_value,
        case
            when industry is null and employee_count is null then '客户缺少行业和员工人数'
            when industry is null then '客户缺少行业'
            else '客户缺少员工人数'
        end as detail_zh,
        case
            when industry is null and employee_count is null then 'account has no industry and no employee count'
            when industry is null then 'account has no industry'
            else 'account has no employee count'
        end as detail_en
    from accounts
    where industry is null
        or employee_count is null

),

contracted_opportunities as (

    select distinct opportunity_id
    from contracts
    where opportunity_id is not null

),

won_opportunities_without_contract as (

    select
        'won_without_contract' as rule_code,
        'opportunities' as entity,
        opportunities.opportunity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        opportunities.owner_user_id as responsible_user_id,
        cast(opportunities.closed_at as date) as record_date,
        cast({{ days_between('opportunities.closed_at', 'as_of.as_of_date') }} as double) as measured_value,
        concat(
            '商机于 ', cast(cast(opportunities.closed_at as date) as {{ dbt.type_string() }}),
            ' 赢单，', {{ dq_integer_text(days_between('opportunities.closed_at', 'as_of.as_of_date')) }},
            ' 天后仍没有录入合同'
        ) as detail_zh,
        concat(
            'won on ', cast(cast(opportunities.closed_at as date) as {{ dbt.type_string() }}),
            ', still no contract ', {{ dq_integer_text(days_between('opportunities.closed_at', 'as_of.as_of_date')) }},
            ' days later'
        ) as detail_en
    from opportunities
    cross join thresholds
    cross join as_of
    left join contracted_opportunities
        on opportunities.opportunity_id = contracted_opportunities.opportunity_id
    where coalesce(opportunities.is_won, false)
        and contracted_opportunities.opportunity_id is null
        and {{ days_between('opportunities.closed_at', 'as_of.as_of_date') }} >= thresholds.won_without_contract_days

),

open_opportunities_without_account as (

    select
        'open_opportunity_without_account' as rule_code,
        'opportunities' as entity,
        opportunities.opportunity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        opportunities.owner_user_id as responsible_user_id,
        cast(opportunities.created_at as date) as record_date,
        cast(null as double) as measured_value,
        case
            when opportunities.account_id is null then '进行中的商机没有填写客户'
            else concat('进行中的商机挂在已删除的客户 ', opportunities.account_id, ' 上')
        end as detail_zh,
        case
            when opportunities.account_id is null then 'open opportunity has no account'
            else concat('open opportunity belongs to the deleted account ', opportunities.account_id)
        end as detail_en
    from opportunities
    left join accounts
        on opportunities.account_id = accounts.account_id
    left join existing_accounts
        on opportunities.account_id = existing_accounts.account_id
    where not coalesce(opportunities.is_closed, false)
        and (
            opportunities.account_id is null
            or (accounts.account_id is null and existing_accounts.account_id is not null)
        )

),

won_with_zero_amount as (

    select
        'won_with_zero_amount' as rule_code,
        'opportunities' as entity,
        opportunities.opportunity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        opportunities.owner_user_id as responsible_user_id,
        cast(coalesce(opportunities.closed_at, opportunities.created_at) as date) as record_date,
        cast(opportunities.amount_cny as double) as measured_value,
        '商机已赢单但金额为 0' as detail_zh,
        'opportunity is won but its amount is 0' as detail_en
    from opportunities
    left join stages
        on opportunities.stage_code = stages.stage_code
    where (coalesce(opportunities.is_won, false) or coalesce(stages.is_won, false))
        and opportunities.amount_cny = 0

),

{# The furthest stage each opportunity reached that requires an amount (stage history). #}
amount_stages_reached as (

    select
        stage_history.opportunity_id,
        max(stages.stage_order) as stage_order
    from stage_history
    inner join stages
        on stage_history.to_stage_code = stages.stage_code
    where stages.requires_amount
        and not stages.is_closed
    group by stage_history.opportunity_id

),

lost_deals_zero_amount as (

    select
        'lost_deal_zero_amount' as rule_code,
        'opportunities' as entity,
        opportunities.opportunity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        opportunities.owner_user_id as responsible_user_id,
        cast(coalesce(opportunities.closed_at, opportunities.created_at) as date) as record_date,
        cast(opportunities.amount_cny as double) as measured_value,
        concat(
            '商机到过「', reached.stage_name_zh, '」阶段后输单，金额却',
            case when opportunities.amount_cny is null then '为空' else '为 0' end
        ) as detail_zh,
        concat(
            'lost after reaching ', reached.stage_name_en, ' but its amount is ',
            case when opportunities.amount_cny is null then 'empty' else '0' end
        ) as detail_en
    from opportunities
    inner join stages
        on opportunities.stage_code = stages.stage_code
    inner join amount_stages_reached
        on opportunities.opportunity_id = amount_stages_reached.opportunity_id
    inner join stages as reached
        on amount_stages_reached.stage_order = reached.stage_order
    where stages.is_closed
        and not stages.is_won
        and not coalesce(opportunities.is_won, false)
        and coalesce(opportunities.amount_cny, 0) = 0

),

final as (

    select * from opportunities_missing_amount
    union all
    select * from accounts_missing_firmographics
    union all
    select * from won_opportunities_without_contract
    union all
    select * from open_opportunities_without_account
    union all
    select * from won_with_zero_amount
    union all
    select * from lost_deals_zero_amount

)

select * from final
