{#- Product usage per customer account and month, with active usage (活跃: core-feature users
    ÷ licensed seats) and sticky usage (粘性: report users ÷ active users). -#}
with

usage as (

    select * from {{ ref('stg_crm__product_usage') }}

),

accounts as (

    select account_id from {{ ref('dim_accounts') }}

),

final as (

    select
        coalesce(accounts.account_id, '-1') as account_id,
        usage.account_id as reported_account_id,
        usage.usage_month,
        usage.licensed_seats,
        usage.active_users,
        usage.core_feature_users,
        usage.report_feature_users,
        usage.logins,
        {{ safe_divide('usage.core_feature_users', 'usage.licensed_seats') }} as active_usage_rate,
        {{ safe_divide('usage.report_feature_users', 'usage.active_users') }} as sticky_usage_rate
    from usage
    left join accounts
        on usage.account_id = accounts.account_id

)

select * from final
