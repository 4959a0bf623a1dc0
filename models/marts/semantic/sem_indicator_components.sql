{{ config(materialized='table') }}

{#- The additive indicator components (sales and SaaS economics) that the semantic layer's
    measures sum: every row that serves every grain. Quota rows are left out (their grain
    scope differs by grain: rep quotas serve the rep grain, team quotas every grain above).
    The daily sales components are summed per month. -#}
with

sales_components as (

    select * from {{ ref('int_indicator_components') }}

),

economics_components as (

    select * from {{ ref('int_economics_components__monthly') }}

),

unioned as (

    select
        component_code,
        aggregation,
        user_id,
        team_id,
        region_id,
        business_line,
        month_start_date,
        component_value
    from sales_components
    where grain_scope = 'all'

    union all

    select
        component_code,
        aggregation,
        user_id,
        team_id,
        region_id,
        business_line,
        month_start_date,
        component_value
    from economics_components
    where grain_scope = 'all'

),

final as (

    select
        component_code,
        aggregation,
        user_id,
        team_id,
        region_id,
        business_line,
        month_start_date,
        cast(sum(component_value) as double) as component_value
    from unioned
    group by 1, 2, 3, 4, 5, 6, 7

)

select
    final.*,
    {{ is_unknown_member('final.user_id') }} or {{ is_unknown_member('final.team_id') }} as is_unknown_member
from final
