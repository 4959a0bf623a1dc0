{{ config(tags=['indicator_component']) }}

{#- Quotas of the whole reporting year (later months feed the quarter and year targets),
    dated on their month's first day: rep quotas serve the rep grain only (grain_scope rep),
    team quotas the team grain and every grain above it (team_up). -#}
with

quota_rows as (

    select
        quotas.*,
        concat('quota_', quotas.metric) as component_code
    from {{ ref('fct_quotas') }} as quotas
    where quotas.period_month < {{ add_months(year_start(as_of_date()), 12) }}

)

select
    component_code,
    'flow' as aggregation,
    'rep' as grain_scope,
    user_id,
    cast(null as {{ dbt.type_string() }}) as team_id,
    cast(null as {{ dbt.type_string() }}) as business_line,
    period_month as component_date,
    cast(sum(target_value) as decimal(24, 4)) as component_value
from quota_rows
where owner_type = 'rep'
group by 1, 2, 3, 4, 5, 6, 7

union all

select
    component_code,
    'flow' as aggregation,
    'team_up' as grain_scope,
    cast(null as {{ dbt.type_string() }}) as user_id,
    team_id,
    cast(null as {{ dbt.type_string() }}) as business_line,
    period_month as component_date,
    cast(sum(target_value) as decimal(24, 4)) as component_value
from quota_rows
where owner_type = 'team'
group by 1, 2, 3, 4, 5, 6, 7
