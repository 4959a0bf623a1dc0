{#- Customer accounts with firmographics, size band, KA flag, current owner and pool status,
    plus the unknown member '-1'. Size bands come from ref_business_thresholds. -#}
with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

thresholds as (

    select
        max(case when threshold_code = 'mid_account_employees' then threshold_value end) as mid_from,
        max(case when threshold_code = 'large_account_employees' then threshold_value end) as large_from,
        max(case when threshold_code = 'super_large_account_employees' then threshold_value end) as super_large_from
    from {{ ref('ref_business_thresholds') }}

),

known as (

    select
        accounts.account_id,
        accounts.account_name,
        coalesce(accounts.industry, '未知 Unknown') as industry,
        coalesce(accounts.ownership_type, 'other') as ownership_type,
        accounts.employee_count,
        case
            when accounts.employee_count is null then 'unknown'
            when accounts.employee_count >= thresholds.super_large_from then 'super_large'
            when accounts.employee_count >= thresholds.large_from then 'large'
            when accounts.employee_count >= thresholds.mid_from then 'mid'
            else 'small'
        end as size_band,
        coalesce(accounts.employee_count >= thresholds.large_from, false) as is_large_account,
        coalesce(accounts.employee_count >= thresholds.super_large_from, false) as is_super_large_account,
        coalesce(accounts.is_key_account, false) as is_key_account,
        accounts.province,
        accounts.city,
        coalesce(accounts.owner_user_id, '-1') as current_owner_user_id,
        accounts.owner_user_id is null or accounts.pool_status = 'public_pool' as is_in_public_pool,
        accounts.created_at,
        cast(accounts.created_at as date) as created_date,
        false as is_unknown
    from accounts
    cross join thresholds

),

unknown_member as (

    select
        '-1' as account_id,
        '未知客户 Unknown account' as account_name,
        '未知 Unknown' as industry,
        'other' as ownership_type,
        cast(null as bigint) as employee_count,
        'unknown' as size_band,
        false as is_large_account,
        false as is_super_large_account,
        false as is_key_account,
        cast(null as {{ dbt.type_string() }}) as province,
        cast(null as {{ dbt.type_string() }}) as city,
        '-1' as current_owner_user_id,
        false as is_in_public_pool,
        cast(null as timestamp) as created_at,
        cast(null as date) as created_date,
        true as is_unknown

),

final as (

    select * from known
    union all
    select * from unknown_member

)

select * from final
