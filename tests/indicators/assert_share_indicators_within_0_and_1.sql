{#- Every share indicator of the catalog (formula_kind = share: conversions, win rate, renewal
    rate, capped retention, completion and success rates) lies between 0 and 1 at every
    grain, entity and period, and its numerator never exceeds its denominator. A conversion
    above 100% means the numerator counts rows its denominator does not hold. Returns the
    offending rows. -#}
with

shares as (

    select indicator_code from {{ ref('ref_indicator_catalog') }}
    where formula_kind = 'share'

)

select
    indicator_values.indicator_code,
    indicator_values.grain,
    indicator_values.entity_id,
    indicator_values.period_type,
    indicator_values.period_start_date,
    indicator_values.numerator_value,
    indicator_values.denominator_value,
    indicator_values.actual_value
from {{ ref('indicator_values') }} as indicator_values
inner join shares
    on indicator_values.indicator_code = shares.indicator_code
where indicator_values.actual_value > 1 + 1e-9
    or indicator_values.actual_value < 0
    or indicator_values.numerator_value > indicator_values.denominator_value + 1e-9
