{{ config(materialized='table') }}

{#- MetricFlow's time spine: one row per calendar day of dim_date (the day grain). -#}
with

calendar as (

    select * from {{ ref('dim_date') }}

),

final as (

    select cast(date_day as date) as date_day
    from calendar

)

select * from final
