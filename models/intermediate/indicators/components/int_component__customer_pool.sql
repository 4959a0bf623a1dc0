{{ config(tags=['indicator_component']) }}

{#- The customer pool (accounts not in the public pool) of each month, dated on the month's
    measurement date: stocks by owner and the owner's team, plus the accounts developed in
    the month (a flow of the monthly snapshot). -#}
with

months as (

    {{ measurement_months() }}

),

monthly as (

    select
        account_pool.owner_user_id as user_id,
        account_pool.owner_team_id as team_id,
        cast(null as {{ dbt.type_string() }}) as business_line,
        coalesce(months.measured_on, account_pool.month_start_date) as component_date,
        count(*) as customer_pool_size,
        sum(case when account_pool.is_key_account then 1 else 0 end) as ka_pool_size,
        sum(case when account_pool.is_large_account then 1 else 0 end) as large_account_count,
        sum(case when account_pool.is_super_large_account then 1 else 0 end) as super_large_account_count,
        sum(case when coalesce(account_pool.is_created_in_month, false) then 1 else 0 end) as new_accounts_developed
    from {{ ref('fct_account_pool_monthly') }} as account_pool
    left join months
        on account_pool.month_start_date = months.month_start_date
    where not account_pool.is_in_public_pool
    group by 1, 2, 3, 4

)

{{ unpivot_components('monthly', [
    ('customer_pool_size', 'stock'), ('ka_pool_size', 'stock'), ('large_account_count', 'stock'),
    ('super_large_account_count', 'stock'), ('new_accounts_developed', 'flow')]) }}
