{#- Result indicators (结果指标) as one readable row per grain (rep, team, region, company,
    business line), entity and period (month, quarter, year): bookings and their split, quota
    attainment, and the four strategic indicators, with targets and status for the key ones. -#}
with

pivoted as (

    {{ pivot_indicator_values(
        ['bookings_amount', 'bookings_new_business_amount', 'bookings_renewal_amount', 'bookings_upsell_amount',
         'quota_attainment', 'new_opportunity_count', 'win_rate', 'deal_size', 'sales_cycle_days'],
        ['rep', 'team', 'region', 'company', 'business_line'],
        with_targets=['bookings_amount', 'new_opportunity_count', 'win_rate', 'deal_size', 'sales_cycle_days']) }}

),

final as (

    select * from pivoted

)

select
    final.*,
    {{ is_unknown_member('final.entity_id') }} as is_unknown_member
from final
