{#- Marketing campaigns, plus the unknown member '-1' for leads without a known campaign. -#}
with

campaigns as (

    select * from {{ ref('stg_crm__campaigns') }}

),

known as (

    select
        campaign_id,
        campaign_name,
        channel,
        business_line,
        start_date,
        end_date,
        budget_amount_cny,
        false as is_unknown
    from campaigns

),

unknown_member as (

    select
        '-1' as campaign_id,
        '无/未知活动 None or unknown campaign' as campaign_name,
        'other' as channel,
        'unknown' as business_line,
        cast(null as date) as start_date,
        cast(null as date) as end_date,
        cast(null as decimal(18, 2)) as budget_amount_cny,
        true as is_unknown

),

final as (

    select * from known
    union all
    select * from unknown_member

)

select * from final
