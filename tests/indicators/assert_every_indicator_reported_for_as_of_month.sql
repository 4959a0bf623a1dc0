{#- Every catalog indicator has a non-zero value in the month holding the as-of date or the month
    before (usage is reported after the month ends): adding a catalog row without its
    components (or with a misspelt component code), or a custom indicator over components the
    data holds nothing of, is caught here. A warning, not an error:
    a small or young data set can legitimately have no renewals or churn yet, and that must
    not stop the nightly build. -#}
{{ config(severity='warn') }}
with

reported as (

    select distinct indicator_code
    from {{ ref('indicator_values') }}
    where period_type = 'month'
        and period_start_date >= {{ add_months(month_start(as_of_date()), -1) }}
        and (numerator_value <> 0 or denominator_value <> 0 or actual_value <> 0)

)

select catalog.indicator_code
from {{ ref('int_indicator_catalog') }} as catalog
left join reported
    on catalog.indicator_code = reported.indicator_code
where reported.indicator_code is null
    and catalog.formula_kind <> 'derived'
