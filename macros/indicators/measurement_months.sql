{#- The body of a `months` CTE for stock components: every month up to the as-of month with
    its start, end and measurement date (the month end, or the as-of date for the month in
    progress). Reads dim_date and the as-of date. -#}
{% macro measurement_months() -%}
    select distinct
        calendar.month_start_date,
        calendar.month_end_date,
        case
            when calendar.month_end_date > {{ as_of_date() }} then {{ as_of_date() }}
            else calendar.month_end_date
        end as measured_on
    from {{ ref('dim_date') }} as calendar
    where calendar.month_start_date <= {{ as_of_date() }}
{%- endmacro %}
