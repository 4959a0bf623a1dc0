{#- Sales teams with their region and business line, plus the unknown member '-1'. -#}
with

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

known as (

    select
        team_id,
        team_name,
        business_line,
        region_id,
        region_name,
        leader_user_id,
        false as is_unknown
    from teams

),

unknown_member as (

    select
        '-1' as team_id,
        '未知团队 Unknown team' as team_name,
        'unknown' as business_line,
        '-1' as region_id,
        '未知区域 Unknown region' as region_name,
        cast(null as {{ dbt.type_string() }}) as leader_user_id,
        true as is_unknown

),

final as (

    select * from known
    union all
    select * from unknown_member

)

select * from final
