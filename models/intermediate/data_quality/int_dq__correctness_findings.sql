{#- Which records carry impossible values: negative opportunity or contract amounts,
    opportunities closed before they were created, contracts that end before they start, and
    completed activities dated after the as-of date. -#}
with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

rules as (

    select * from {{ ref('ref_dq_rules') }}

),

thresholds as (

    select
        {{ dq_threshold('activity_in_future', 'days') }} as future_grace_days
    from rules

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

negative_opportunity_amounts as (

    select
        'negative_amount' as rule_code,
        'opportunities' as entity,
        opportunity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        owner_user_id as responsible_user_id,
        cast(created_at as date) as record_date,
        cast(amount_cny as double) as measured_value,
        concat('商机金额为负数：', cast(amount_cny as {{ dbt.type_string() }})) as detail_zh,
        concat('opportunity amount is negative: ', cast(amount_cny as {{ dbt.type_string() }})) as detail_en
    from opportunities
    where amount_cny < 0

),

negative_contract_amounts as (

    select
        'negative_amount' as rule_code,
        'contracts' as entity,
        contract_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        owner_user_id as responsible_user_id,
        signed_date as record_date,
        cast(total_amount_cny as double) as measured_value,
        concat('合同总金额为负数：', cast(total_amount_cny as {{ dbt.type_string() }})) as detail_zh,
        concat('contract total amount is negative: ', cast(total_amount_cny as {{ dbt.type_string() }})) as detail_en
    from contracts
    where total_amount_cny < 0

),

opportunities_closed_before_created as (

    select
        'opportunity_closed_before_created' as rule_code,
        'opportunities' as entity,
        opportunity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        owner_user_id as responsible_user_id,
        cast(created_at as date) as record_date,
        cast({{ days_between('closed_at', 'created_at') }} as double) as measured_value,
        concat(
            '关闭时间 ', cast(closed_at as {{ dbt.type_string() }}),
            ' 早于创建时间 ', cast(created_at as {{ dbt.type_string() }})
        ) as detail_zh,
        concat(
            'closed at ', cast(closed_at as {{ dbt.type_string() }}),
            ', before it was created at ', cast(created_at as {{ dbt.type_string() }})
        ) as detail_en
    from opportunities
    where closed_at < created_at

),

contracts_ending_before_start as (

    select
        'contract_end_before_start' as rule_code,
        'contracts' as entity,
        contract_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        owner_user_id as responsible_user_id,
        signed_date as record_date,
        cast({{ days_between('end_date', 'start_date') }} as double) as measured_value,
        concat(
            '合同结束日 ', cast(end_date as {{ dbt.type_string() }}),
            ' 早于开始日 ', cast(start_date as {{ dbt.type_string() }})
        ) as detail_zh,
        concat(
            'contract ends on ', cast(end_date as {{ dbt.type_string() }}),
            ', before it starts on ', cast(start_date as {{ dbt.type_string() }})
        ) as detail_en
    from contracts
    where end_date < start_date

),

activities_in_future as (

    select
        'activity_in_future' as rule_code,
        'activities' as entity,
        activities.activity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        activities.owner_user_id as responsible_user_id,
        cast(activities.occurred_at as date) as record_date,
        cast({{ days_between('as_of.as_of_date', 'activities.occurred_at') }} as double) as measured_value,
        concat(
            '已完成活动的发生日期 ', cast(cast(activities.occurred_at as date) as {{ dbt.type_string() }}),
            ' 晚于数据日期 ', cast(as_of.as_of_date as {{ dbt.type_string() }})
        ) as detail_zh,
        concat(
            'completed activity dated ', cast(cast(activities.occurred_at as date) as {{ dbt.type_string() }}),
            ', after the as-of date ', cast(as_of.as_of_date as {{ dbt.type_string() }})
        ) as detail_en
    from activities
    cross join thresholds
    cross join as_of
    where activities.activity_status = 'completed'
        and {{ days_between('as_of.as_of_date', 'activities.occurred_at') }} > thresholds.future_grace_days

),

final as (

    select * from negative_opportunity_amounts
    union all
    select * from negative_contract_amounts
    union all
    select * from opportunities_closed_before_created
    union all
    select * from contracts_ending_before_start
    union all
    select * from activities_in_future

)

select * from final
