{#- SaaS economics (经营指标) for the company and per business line, by month, quarter and
    year: ARR and its movements, renewal rate, NRR, GRR, churn, LTV, CAC, cost to serve,
    revenue efficiency, productivity per rep and product usage. -#}
with

pivoted as (

    {{ pivot_indicator_values(
        ['arr_amount', 'arr_new_amount', 'arr_expansion_amount', 'arr_contraction_amount', 'arr_churned_amount',
         'arr_reactivation_amount', 'customer_count', 'renewal_rate', 'net_revenue_retention',
         'gross_revenue_retention', 'churn_rate', 'arr_per_customer', 'one_time_revenue_per_customer',
         'customer_lifetime_value', 'customer_acquisition_cost', 'cost_to_serve_per_customer', 'revenue_efficiency',
         'productivity_per_rep', 'active_usage_rate', 'sticky_usage_rate'],
        ['company', 'business_line']) }}

),

final as (

    select * from pivoted

)

select * from final
