{{ config(materialized='table') }}

{#- The additive building blocks of the SaaS economics indicators, per business line and
    month (no owner: these indicators live at company and business-line grain). A customer is
    an account x business line. Trailing-twelve-month (ttm) components cover the month and the
    eleven before it and are stocks of that month (a quarter takes its last month's value). -#}
with

account_arr as (

    select * from {{ ref('fct_account_arr_monthly') }}

),

contracts as (

    select * from {{ ref('fct_contracts') }}

),

costs as (

    select * from {{ ref('fct_costs_monthly') }}

),

product_usage as (

    select * from {{ ref('fct_product_usage_monthly') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

months as (

    select distinct calendar.month_start_date
    from calendar
    cross join reporting_date
    where calendar.month_start_date <= reporting_date.as_of_date

),

business_lines as (

    select distinct business_line from account_arr
    union
    select distinct business_line from contracts
    union
    select distinct business_line from costs

),

line_months as (

    select
        business_lines.business_line,
        months.month_start_date
    from business_lines
    cross join months
    where business_lines.business_line is not null

),

arr_components as (

    select
        business_line,
        month_start_date,
        sum(arr_cny) as arr_amount,
        sum(case when is_customer then 1 else 0 end) as customer_count,
        sum(new_arr_cny) as arr_new_amount,
        sum(expansion_arr_cny) as arr_expansion_amount,
        sum(contraction_arr_cny) as arr_contraction_amount,
        sum(churned_arr_cny) as arr_churned_amount,
        sum(reactivation_arr_cny) as arr_reactivation_amount
    from account_arr
    group by 1, 2

),

-- customer lines with ARR twelve months before each month, and what they pay now
retention_base as (

    select
        earlier.business_line,
        {{ add_months('earlier.month_start_date', 12) }} as month_start_date,
        earlier.arr_cny as arr_then,
        coalesce(later.arr_cny, 0) as arr_now
    from account_arr as earlier
    left join account_arr as later
        on earlier.account_id = later.account_id
            and earlier.business_line = later.business_line
            and later.month_start_date = {{ add_months('earlier.month_start_date', 12) }}
    where earlier.arr_cny > 0

),

retention_components as (

    select
        business_line,
        month_start_date,
        sum(arr_then) as arr_12m_ago,
        sum(arr_now) as nrr_current_arr,
        sum(case when arr_now < arr_then then arr_now else arr_then end) as grr_current_arr
    from retention_base
    group by 1, 2

),

-- churned ARR over the trailing twelve months (a positive amount)
churn_components as (

    select
        line_months.business_line,
        line_months.month_start_date,
        -1 * sum(account_arr.churned_arr_cny) as churned_arr_ttm
    from line_months
    inner join account_arr
        on line_months.business_line = account_arr.business_line
            and line_months.month_start_date >= account_arr.month_start_date
            and account_arr.month_start_date > {{ add_months('line_months.month_start_date', -12) }}
    group by 1, 2

),

-- renewal: a subscription contract ending in the month (by the as-of date) is renewed when a
-- renewal contract of the same account and line starts within 30 days of its end date
ending_contracts as (

    select
        ending.contract_id,
        ending.business_line,
        {{ month_start('ending.end_date') }} as month_start_date,
        max(case when renewal.contract_id is not null then 1 else 0 end) as is_renewed
    from contracts as ending
    cross join reporting_date
    left join contracts as renewal
        on ending.account_id = renewal.account_id
            and ending.business_line = renewal.business_line
            and renewal.contract_type = 'renewal'
            and ending.contract_id != renewal.contract_id
            and renewal.start_date >= {{ add_days('ending.end_date', -30) }}
            and renewal.start_date <= {{ add_days('ending.end_date', 30) }}
            and reporting_date.as_of_date >= renewal.signed_date
    where ending.contract_type in ('new_business', 'renewal')
        and ending.recurring_amount_annual_cny > 0
        and ending.end_date <= reporting_date.as_of_date
    group by 1, 2, 3

),

renewal_components as (

    select
        business_line,
        month_start_date,
        count(*) as contracts_ending_count,
        sum(is_renewed) as contracts_renewed_count
    from ending_contracts
    group by 1, 2

),

-- first contract of each customer line: a new customer won that month
first_contracts as (

    select
        account_id,
        business_line,
        {{ month_start('min(signed_date)') }} as first_signed_month
    from contracts
    where account_id != '-1'
    group by 1, 2

),

contract_ttm_components as (

    select
        line_months.business_line,
        line_months.month_start_date,
        sum(contracts.one_time_amount_cny) as one_time_revenue_ttm
    from line_months
    cross join reporting_date
    inner join contracts
        on line_months.business_line = contracts.business_line
            and line_months.month_start_date >= contracts.signed_month
            and contracts.signed_month > {{ add_months('line_months.month_start_date', -12) }}
            and reporting_date.as_of_date >= contracts.signed_date
    group by 1, 2

),

new_customer_components as (

    select
        line_months.business_line,
        line_months.month_start_date,
        count(*) as new_customer_count_ttm
    from line_months
    inner join first_contracts
        on line_months.business_line = first_contracts.business_line
            and line_months.month_start_date >= first_contracts.first_signed_month
            and first_contracts.first_signed_month > {{ add_months('line_months.month_start_date', -12) }}
    group by 1, 2

),

cost_components as (

    select
        line_months.business_line,
        line_months.month_start_date,
        sum(case when costs.cost_type in ('marketing', 'sales') then costs.amount_cny else 0 end) as acquisition_cost_ttm,
        sum(case when costs.cost_type = 'cost_to_serve' then costs.amount_cny else 0 end) as cost_to_serve_ttm
    from line_months
    inner join costs
        on line_months.business_line = costs.business_line
            and line_months.month_start_date >= costs.cost_month
            and costs.cost_month > {{ add_months('line_months.month_start_date', -12) }}
    group by 1, 2

),

-- product usage is usage of the SaaS platform: the software line
usage_components as (

    select
        'software' as business_line,
        usage_month as month_start_date,
        sum(licensed_seats) as licensed_seats,
        sum(active_users) as active_users,
        sum(core_feature_users) as core_feature_users,
        sum(report_feature_users) as report_feature_users
    from product_usage
    group by 1, 2

),

{%- set economics_ctes = [
    ('arr_components', [('arr_amount', 'stock'), ('customer_count', 'stock'), ('arr_new_amount', 'flow'),
        ('arr_expansion_amount', 'flow'), ('arr_contraction_amount', 'flow'), ('arr_churned_amount', 'flow'),
        ('arr_reactivation_amount', 'flow')]),
    ('retention_components', [('arr_12m_ago', 'stock'), ('nrr_current_arr', 'stock'), ('grr_current_arr', 'stock')]),
    ('churn_components', [('churned_arr_ttm', 'stock')]),
    ('renewal_components', [('contracts_ending_count', 'flow'), ('contracts_renewed_count', 'flow')]),
    ('contract_ttm_components', [('one_time_revenue_ttm', 'stock')]),
    ('new_customer_components', [('new_customer_count_ttm', 'stock')]),
    ('cost_components', [('acquisition_cost_ttm', 'stock'), ('cost_to_serve_ttm', 'stock')]),
    ('usage_components', [('licensed_seats', 'stock'), ('active_users', 'stock'), ('core_feature_users', 'stock'),
        ('report_feature_users', 'stock')]),
] %}

unioned as (

    {%- for cte, components in economics_ctes %}
        {%- for code, aggregation in components %}
            select
                {{ sql_string(code) }} as component_code,
                {{ sql_string(aggregation) }} as aggregation,
                business_line,
                month_start_date,
                cast({{ code }} as decimal(24, 4)) as component_value
            from {{ cte }}
            where {{ code }} is not null
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        unioned.component_code,
        unioned.aggregation,
        'all' as grain_scope,
        cast(null as {{ dbt.type_string() }}) as user_id,
        cast(null as {{ dbt.type_string() }}) as team_id,
        cast(null as {{ dbt.type_string() }}) as region_id,
        unioned.business_line,
        unioned.month_start_date,
        unioned.component_value
    from unioned
    cross join reporting_date
    where unioned.month_start_date <= reporting_date.as_of_date

)

select * from final
