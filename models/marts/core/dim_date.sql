{#- One row per calendar day from the first month of the data to the end of the year after
    the as-of date, with month/quarter/year attributes, Chinese and English labels and the
    working-day flag (weekday rule corrected by the public holiday calendar). -#}
with

bounds as (

    select
        {{ year_start('min(created_at)') }} as first_day,
        {{ add_days(add_months(year_start(as_of_date()), 24), -1) }} as last_day
    from {{ ref('stg_crm__opportunities') }}

),

spine as (

    {{ date_spine("(select first_day from bounds)", "(select last_day from bounds)") }}

),

holidays as (

    select * from {{ ref('ref_cn_public_holidays') }}

),

days as (

    select
        spine.date_day,
        {{ month_start('spine.date_day') }} as month_start_date,
        last_day(spine.date_day) as month_end_date,
        {{ quarter_start('spine.date_day') }} as quarter_start_date,
        {{ year_start('spine.date_day') }} as year_start_date,
        cast(year(spine.date_day) as int) as calendar_year,
        cast(quarter(spine.date_day) as int) as calendar_quarter,
        cast(month(spine.date_day) as int) as calendar_month,
        cast(dayofmonth(spine.date_day) as int) as day_of_month,
        cast({{ iso_day_of_week('spine.date_day') }} as int) as iso_day_of_week,
        holidays.day_kind,
        holidays.holiday_name_zh,
        holidays.holiday_name_en
    from spine
    left join holidays
        on spine.date_day = holidays.calendar_date

),

final as (

    select
        date_day,
        month_start_date,
        month_end_date,
        quarter_start_date,
        year_start_date,
        calendar_year,
        calendar_quarter,
        calendar_month,
        day_of_month,
        iso_day_of_week,
        iso_day_of_week >= 6 as is_weekend,
        case
            when day_kind = 'holiday' then false
            when day_kind = 'makeup_workday' then true
            else iso_day_of_week <= 5
        end as is_working_day,
        holiday_name_zh,
        holiday_name_en,
        concat(cast(calendar_year as {{ dbt.type_string() }}), '年', cast(calendar_month as {{ dbt.type_string() }}), '月') as month_label_zh,
        concat(cast(calendar_year as {{ dbt.type_string() }}), '-', lpad(cast(calendar_month as {{ dbt.type_string() }}), 2, '0')) as month_label_en,
        concat(cast(calendar_year as {{ dbt.type_string() }}), '年第', cast(calendar_quarter as {{ dbt.type_string() }}), '季度') as quarter_label_zh,
        concat(cast(calendar_year as {{ dbt.type_string() }}), ' Q', cast(calendar_quarter as {{ dbt.type_string() }})) as quarter_label_en,
        concat(cast(calendar_year as {{ dbt.type_string() }}), '年') as year_label_zh,
        cast(calendar_year as {{ dbt.type_string() }}) as year_label_en
    from days

)

select * from final
