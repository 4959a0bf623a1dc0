{#- One row per live lead: funnel dates and flags (MQL, SQL, converted, disqualified), days
    between steps, and the owner's team on the MQL and SQL dates. -#}
with

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

users as (

    select user_id from {{ ref('dim_users') }}

),

accounts as (

    select account_id from {{ ref('dim_accounts') }}

),

campaigns as (

    select campaign_id from {{ ref('dim_campaigns') }}

),

user_team_days as (

    select * from {{ ref('int_user_team_days') }}

),

enriched as (

    select
        leads.lead_id,
        leads.lead_source,
        coalesce(campaigns.campaign_id, '-1') as campaign_id,
        coalesce(accounts.account_id, '-1') as account_id,
        coalesce(users.user_id, '-1') as owner_user_id,
        leads.business_line,
        leads.lead_status,
        leads.created_at,
        cast(leads.created_at as date) as created_date,
        leads.mql_at,
        cast(leads.mql_at as date) as mql_date,
        leads.sql_at,
        cast(leads.sql_at as date) as sql_date,
        leads.converted_at,
        cast(leads.converted_at as date) as converted_date,
        leads.converted_opportunity_id,
        leads.disqualified_reason
    from leads
    left join users
        on leads.owner_user_id = users.user_id
    left join accounts
        on leads.account_id = accounts.account_id
    left join campaigns
        on leads.campaign_id = campaigns.campaign_id

),

final as (

    select
        enriched.lead_id,
        enriched.lead_source,
        enriched.campaign_id,
        enriched.account_id,
        enriched.owner_user_id,
        coalesce(team_at_mql.team_id, '-1') as team_id_at_mql,
        coalesce(team_at_sql.team_id, '-1') as team_id_at_sql,
        enriched.business_line,
        enriched.lead_status,
        enriched.created_at,
        enriched.created_date,
        enriched.mql_at,
        enriched.mql_date,
        {{ month_start('enriched.mql_date') }} as mql_month,
        enriched.sql_at,
        enriched.sql_date,
        {{ month_start('enriched.sql_date') }} as sql_month,
        enriched.converted_at,
        enriched.converted_date,
        enriched.converted_opportunity_id,
        enriched.mql_at is not null as is_mql,
        enriched.sql_at is not null as is_sql,
        enriched.converted_at is not null as is_converted,
        enriched.lead_status = 'disqualified' as is_disqualified,
        enriched.disqualified_reason,
        {{ days_between('enriched.created_date', 'enriched.mql_date') }} as days_created_to_mql,
        {{ days_between('enriched.mql_date', 'enriched.sql_date') }} as days_mql_to_sql,
        {{ days_between('enriched.sql_date', 'enriched.converted_date') }} as days_sql_to_converted,
        {{ hours_between('enriched.mql_at', 'enriched.sql_at') }} as hours_mql_to_sql
    from enriched
    left join user_team_days as team_at_mql
        on enriched.owner_user_id = team_at_mql.user_id
            and enriched.mql_date = team_at_mql.date_day
    left join user_team_days as team_at_sql
        on enriched.owner_user_id = team_at_sql.user_id
            and enriched.sql_date = team_at_sql.date_day

)

select * from final
