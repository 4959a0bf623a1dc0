{#- Process indicators (过程指标) as one readable row per grain, entity and period: the funnel
    (MQL, SQL, conversions), the customer pool and its quality, and the open pipeline. -#}
with

pivoted as (

    {{ pivot_indicator_values(
        ['mql_count', 'sql_count', 'lead_to_opportunity_conversion', 'order_conversion', 'customer_pool_size',
         'ka_account_share', 'large_account_count', 'super_large_account_count', 'pipeline_amount',
         'weighted_forecast_amount'],
        ['rep', 'team', 'region', 'company', 'business_line']) }}

),

final as (

    select * from pivoted

)

select
    final.*,
    {{ is_unknown_member('final.entity_id') }} as is_unknown_member
from final
