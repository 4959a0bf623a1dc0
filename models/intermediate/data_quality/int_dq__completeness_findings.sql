{#- Which records miss what a sales manager needs: opportunities from proposal on without an
    amount (stages flagged requires_amount in ref_opportunity_stages), accounts without industry
    or headcount, and opportunities won 30+ days ago that still have no contract. -#}
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

final as (

    select * from opportunities_missing_amount
    union all
    select * from accounts_missing_firmographics
    union all
    select * from won_opportunities_without_contract

)

select * from final
