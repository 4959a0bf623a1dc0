{#- How are our super-large accounts (超大客户) doing? One row per super-large account: owner,
    team and region, customer status and ARR on the as-of date, open pipeline (count, amount,
    weighted, stalled), the next renewal date of its active subscription contracts, the last
    completed visit, and the latest active usage rate. -#}
with

accounts as (

    select * from {{ ref('dim_accounts') }}

),

users as (

    select * from {{ ref('dim_users') }}

),

account_arr as (

    select * from {{ ref('fct_account_arr_monthly') }}

),

open_opportunities as (

    select * from {{ ref('int_opportunities_stall_checked') }}

),

contracts as (

    select * from {{ ref('fct_contracts') }}

),

activities as (

    select * from {{ ref('fct_activities') }}

),

usage as (

    select * from {{ ref('fct_product_usage_monthly') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

super_large as (

    select * from accounts
    where is_super_large_account
        and not is_unknown

),

arr_now as (

    select
        account_arr.account_id,
        sum(account_arr.arr_cny) as arr_cny
    from account_arr
    cross join reporting_date
    where account_arr.month_start_date = {{ month_start('reporting_date.as_of_date') }}
    group by 1

),

arr_ever as (

    select
        account_id,
        max(case when is_customer then 1 else 0 end) as was_customer
    from account_arr
    group by 1

),

pipeline as (

    select
        account_id,
        count(*) as open_opportunities,
        sum(coalesce(amount_cny, 0)) as open_pipeline_cny,
        sum(coalesce(weighted_amount_cny, 0)) as weighted_pipeline_cny,
        sum(case when is_stalled then 1 else 0 end) as stalled_opportunities
    from open_opportunities
    group by 1

),

renewals as (

    select
        contracts.account_id,
        min(contracts.end_date) as next_renewal_date
    from contracts
    cross join reporting_date
    where contracts.recurring_amount_annual_cny > 0
        and contracts.contract_status = 'active'
        and contracts.end_date >= reporting_date.as_of_date
    group by 1

),

visits as (

    select
        activities.account_id,
        max(activities.occurred_date) as last_visit_date
    from activities
    cross join reporting_date
    where activities.is_completed_visit
        and activities.occurred_date <= reporting_date.as_of_date
    group by 1

),

latest_usage as (

    select
        usage.account_id,
        usage.usage_month,
        usage.active_usage_rate,
        row_number() over (partition by usage.account_id order by usage.usage_month desc) as recency
    from usage
    cross join reporting_date
    where usage.usage_month <= reporting_date.as_of_date

),

final as (

    select
        super_large.account_id,
        super_large.account_name,
        super_large.industry,
        super_large.ownership_type,
        super_large.employee_count,
        super_large.province,
        super_large.city,
        super_large.is_key_account,
        super_large.is_in_public_pool,
        super_large.current_owner_user_id as owner_user_id,
        owners.user_name as owner_user_name,
        owners.current_team_id as owner_team_id,
        owners.current_team_name as owner_team_name,
        owners.current_region_id as owner_region_id,
        owners.current_region_name as owner_region_name,
        case
            when coalesce(arr_now.arr_cny, 0) > 0 then 'customer'
            when coalesce(arr_ever.was_customer, 0) = 1 then 'churned'
            else 'prospect'
        end as customer_status,
        case
            when coalesce(arr_now.arr_cny, 0) > 0 then '付费客户'
            when coalesce(arr_ever.was_customer, 0) = 1 then '流失客户'
            else '潜在客户'
        end as customer_status_zh,
        cast(coalesce(arr_now.arr_cny, 0) as decimal(18, 2)) as arr_cny,
        cast(coalesce(pipeline.open_opportunities, 0) as int) as open_opportunities,
        cast(coalesce(pipeline.open_pipeline_cny, 0) as decimal(18, 2)) as open_pipeline_cny,
        cast(coalesce(pipeline.weighted_pipeline_cny, 0) as decimal(18, 2)) as weighted_pipeline_cny,
        cast(coalesce(pipeline.stalled_opportunities, 0) as int) as stalled_opportunities,
        renewals.next_renewal_date,
        cast({{ days_between('reporting_date.as_of_date', 'renewals.next_renewal_date') }} as int) as days_to_renewal,
        visits.last_visit_date,
        cast({{ days_between('visits.last_visit_date', 'reporting_date.as_of_date') }} as int) as days_since_last_visit,
        latest_usage.usage_month as latest_usage_month,
        cast(latest_usage.active_usage_rate as double) as latest_active_usage_rate
    from super_large
    cross join reporting_date
    left join users as owners
        on super_large.current_owner_user_id = owners.user_id
    left join arr_now
        on super_large.account_id = arr_now.account_id
    left join arr_ever
        on super_large.account_id = arr_ever.account_id
    left join pipeline
        on super_large.account_id = pipeline.account_id
    left join renewals
        on super_large.account_id = renewals.account_id
    left join visits
        on super_large.account_id = visits.account_id
    left join latest_usage
        on super_large.account_id = latest_usage.account_id
            and latest_usage.recency = 1

)

select * from final
