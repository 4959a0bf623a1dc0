{#- ARR per account and business line at the end of each month (the as-of date for the month
    in progress), with its movement against the previous month: new, expansion, contraction,
    churn, reactivation or flat. ARR = Σ recurring_amount_annual of contracts whose service
    period covers the measurement date. Rows exist from an account's first month with ARR
    on, as long as it has ARR this month or had it last month. -#}
with

contracts as (

    select * from {{ ref('fct_contracts') }}
    where recurring_amount_annual_cny > 0

),

calendar as (

    select distinct
        month_start_date,
        case when month_end_date > {{ as_of_date() }} then {{ as_of_date() }} else month_end_date end as measured_on
    from {{ ref('dim_date') }}
    where month_start_date <= {{ as_of_date() }}

),

account_lines as (

    select
        account_id,
        business_line,
        {{ month_start('min(start_date)') }} as first_month
    from contracts
    group by account_id, business_line

),

monthly as (

    select
        account_lines.account_id,
        account_lines.business_line,
        calendar.month_start_date,
        calendar.measured_on,
        cast(coalesce(sum(contracts.recurring_amount_annual_cny), 0) as decimal(18, 2)) as arr_cny,
        cast(count(contracts.contract_id) as bigint) as active_contracts
    from account_lines
    inner join calendar
        on account_lines.first_month <= calendar.month_start_date
    left join contracts
        on account_lines.account_id = contracts.account_id
            and account_lines.business_line = contracts.business_line
            and calendar.measured_on >= contracts.start_date
            and calendar.measured_on <= contracts.end_date
    group by
        account_lines.account_id,
        account_lines.business_line,
        calendar.month_start_date,
        calendar.measured_on

),

with_history as (

    select
        *,
        cast(coalesce(lag(arr_cny) over (
            partition by account_id, business_line order by month_start_date
        ), 0) as decimal(18, 2)) as previous_arr_cny,
        coalesce(max(case when arr_cny > 0 then 1 else 0 end) over (
            partition by account_id, business_line order by month_start_date
            rows between unbounded preceding and 1 preceding
        ), 0) = 1 as had_arr_before
    from monthly

),

classified as (

    select
        *,
        case
            when previous_arr_cny = 0 and arr_cny > 0 and not had_arr_before then 'new'
            when previous_arr_cny = 0 and arr_cny > 0 then 'reactivation'
            when previous_arr_cny > 0 and arr_cny = 0 then 'churn'
            when arr_cny > previous_arr_cny then 'expansion'
            when arr_cny < previous_arr_cny then 'contraction'
            else 'flat'
        end as arr_movement
    from with_history

),

final as (

    select
        account_id,
        business_line,
        month_start_date,
        measured_on,
        arr_cny,
        previous_arr_cny,
        cast(arr_cny - previous_arr_cny as decimal(18, 2)) as arr_change_cny,
        arr_movement,
        cast(case when arr_movement = 'new' then arr_cny else 0 end as decimal(18, 2)) as new_arr_cny,
        cast(case when arr_movement = 'reactivation' then arr_cny else 0 end as decimal(18, 2)) as reactivation_arr_cny,
        cast(case when arr_movement = 'expansion' then arr_cny - previous_arr_cny else 0 end as decimal(18, 2)) as expansion_arr_cny,
        cast(case when arr_movement = 'contraction' then arr_cny - previous_arr_cny else 0 end as decimal(18, 2)) as contraction_arr_cny,
        cast(case when arr_movement = 'churn' then -previous_arr_cny else 0 end as decimal(18, 2)) as churned_arr_cny,
        active_contracts,
        arr_cny > 0 as is_customer
    from classified
    where arr_cny > 0 or previous_arr_cny > 0

)

select * from final
