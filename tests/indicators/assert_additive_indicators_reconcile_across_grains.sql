{#- For every additive indicator (a plain sum reported at rep, team, region and company grain)
    and every month: the reps add up to the company, so do the teams, the regions and the
    business lines. Returns the months and grains that do not reconcile. -#}
with

catalog as (

    select indicator_code from {{ ref('ref_indicator_catalog') }}
    where formula_kind = 'sum'
        and grains like '%rep%' and grains like '%team%' and grains like '%region%'
        and grains like '%company%' and grains like '%business_line%'

),

monthly as (

    select indicator_values.*
    from {{ ref('indicator_values') }} as indicator_values
    inner join catalog
        on indicator_values.indicator_code = catalog.indicator_code
    where indicator_values.period_type = 'month'

),

totals as (

    select
        indicator_code,
        period_start_date,
        sum(case when grain = 'rep' then actual_value else 0 end) as rep_total,
        sum(case when grain = 'team' then actual_value else 0 end) as team_total,
        sum(case when grain = 'region' then actual_value else 0 end) as region_total,
        sum(case when grain = 'business_line' then actual_value else 0 end) as business_line_total,
        sum(case when grain = 'company' then actual_value else 0 end) as company_total
    from monthly
    group by indicator_code, period_start_date

)

select *
from totals
where abs(rep_total - company_total) > 0.001
    or abs(team_total - company_total) > 0.001
    or abs(region_total - company_total) > 0.001
    or abs(business_line_total - company_total) > 0.001
