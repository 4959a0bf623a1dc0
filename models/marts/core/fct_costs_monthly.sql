{#- Costs by month, business line and type (marketing, sales, cost to serve): the inputs of
    CAC and cost to serve. -#}
with

costs as (

    select * from {{ ref('stg_crm__costs') }}

),

final as (

    select
        cost_month,
        business_line,
        cost_type,
        amount_cny
    from costs

)

select * from final
