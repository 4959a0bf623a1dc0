{#- CRM users (reps, team leads, directors…) with their current team, plus the unknown member
    '-1'. The team on any past date is in int_user_team_days / the facts' team columns. -#}
with

users as (

    select * from {{ ref('stg_crm__users') }}

),

user_team_days as (

    select * from {{ ref('int_user_team_days') }}

),

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

latest_team as (

    select
        user_id,
        team_id
    from (
        select
            user_team_days.user_id,
            user_team_days.team_id,
            row_number() over (partition by user_team_days.user_id order by user_team_days.date_day desc) as recency_rank
        from user_team_days
        where user_team_days.date_day <= {{ as_of_date() }}
    ) as ranked
    where recency_rank = 1

),

known as (

    select
        users.user_id,
        users.user_name,
        users.role,
        users.role = 'rep' as is_rep,
        users.manager_user_id,
        users.hire_date,
        users.termination_date,
        coalesce(users.is_active, false)
        and (users.termination_date is null or users.termination_date >= {{ as_of_date() }}) as is_active,
        coalesce(latest_team.team_id, '-1') as current_team_id,
        teams.team_name as current_team_name,
        teams.business_line as current_business_line,
        teams.region_id as current_region_id,
        teams.region_name as current_region_name,
        false as is_unknown
    from users
    left join latest_team
        on users.user_id = latest_team.user_id
    left join teams
        on latest_team.team_id = teams.team_id

),

unknown_member as (

    select
        '-1' as user_id,
        '未知人员 Unknown user' as user_name,
        'unknown' as role,
        false as is_rep,
        cast(null as {{ dbt.type_string() }}) as manager_user_id,
        cast(null as date) as hire_date,
        cast(null as date) as termination_date,
        false as is_active,
        '-1' as current_team_id,
        cast(null as {{ dbt.type_string() }}) as current_team_name,
        cast(null as {{ dbt.type_string() }}) as current_business_line,
        cast(null as {{ dbt.type_string() }}) as current_region_id,
        cast(null as {{ dbt.type_string() }}) as current_region_name,
        true as is_unknown

),

final as (

    select * from known
    union all
    select * from unknown_member

)

select * from final
