{#- Each account's owner at each month end (the as-of date for the month in progress), from
    the CRM's ownership change log, with the owner's team on that day and the account's KA and
    size flags: the customer pool (客户池) of any rep, team or region at any month end. An
    owner of '-1' means the account sat in the public pool (公海). -#}
with

accounts as (

    select * from {{ ref('dim_accounts') }}
    where not is_unknown

),

owner_history as (

    select * from {{ ref('stg_crm__account_owner_history') }}

),

users as (

    select user_id from {{ ref('dim_users') }}

),

user_team_days as (

    select * from {{ ref('int_user_team_days') }}

),

calendar as (

    select distinct
        month_start_date,
        case when month_end_date > {{ as_of_date() }} then {{ as_of_date() }} else month_end_date end as measured_on
    from {{ ref('dim_date') }}
    where month_start_date <= {{ as_of_date() }}

),

account_months as (

    select
        accounts.account_id,
        accounts.created_date,
        accounts.is_key_account,
        accounts.is_large_account,
        accounts.is_super_large_account,
        accounts.size_band,
        calendar.month_start_date,
        calendar.measured_on
    from accounts
    inner join calendar
        on accounts.created_date <= calendar.measured_on

),

owner_at_month_end as (

    select
        account_months.account_id,
        account_months.month_start_date,
        owner_history.owner_user_id,
        row_number() over (
            partition by account_months.account_id, account_months.month_start_date
            order by owner_history.start_date desc
        ) as period_rank
    from account_months
    inner join owner_history
        on account_months.account_id = owner_history.account_id
            and account_months.measured_on >= owner_history.start_date
            and (owner_history.end_date is null or account_months.measured_on <= owner_history.end_date)

),

final as (

    select
        account_months.account_id,
        account_months.month_start_date,
        account_months.measured_on,
        case
            when owner_at_month_end.owner_user_id is null then '-1'
            else coalesce(users.user_id, '-1')
        end as owner_user_id,
        coalesce(owner_team.team_id, '-1') as owner_team_id,
        owner_at_month_end.owner_user_id is null as is_in_public_pool,
        account_months.is_key_account,
        account_months.is_large_account,
        account_months.is_super_large_account,
        account_months.size_band,
        {{ month_start('account_months.created_date') }} = account_months.month_start_date as is_created_in_month
    from account_months
    left join owner_at_month_end
        on account_months.account_id = owner_at_month_end.account_id
            and account_months.month_start_date = owner_at_month_end.month_start_date
            and owner_at_month_end.period_rank = 1
    left join users
        on owner_at_month_end.owner_user_id = users.user_id
    left join user_team_days as owner_team
        on owner_at_month_end.owner_user_id = owner_team.user_id
            and account_months.measured_on = owner_team.date_day

)

select * from final
