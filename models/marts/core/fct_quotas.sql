{#- Monthly targets by owner (a rep or a team), month and metric. -#}
with

quotas as (

    select * from {{ ref('stg_crm__quotas') }}

),

users as (

    select user_id from {{ ref('dim_users') }}

),

teams as (

    select team_id from {{ ref('dim_teams') }}

),

final as (

    select
        {{ surrogate_key(['quotas.user_id', 'quotas.team_id', 'quotas.period_month', 'quotas.metric']) }} as quota_id,
        case when quotas.user_id is not null then 'rep' else 'team' end as owner_type,
        case when quotas.user_id is not null then coalesce(users.user_id, '-1') end as user_id,
        case when quotas.user_id is null then coalesce(teams.team_id, '-1') end as team_id,
        quotas.period_month,
        quotas.metric,
        quotas.target_value
    from quotas
    left join users
        on quotas.user_id = users.user_id
    left join teams
        on quotas.team_id = teams.team_id

)

select * from final
