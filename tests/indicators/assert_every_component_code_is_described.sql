{#- ref_indicator_components describes every component code the engine produces, with its
    aggregation, and every component the catalog names: one row per code that breaks this. A
    described code the data holds no rows for is not an error (a company may have no leads yet, an
    adapted source may lack an entity), so only the engine's output is checked against the seed. -#}
with

produced as (

    select distinct
        component_code,
        aggregation
    from {{ ref('int_indicator_components') }}
    union
    select distinct
        component_code,
        aggregation
    from {{ ref('int_economics_components__monthly') }}

),

described as (

    select
        component_code,
        aggregation
    from {{ ref('ref_indicator_components') }}

),

catalog_components as (

    select {{ seed_text('numerator_component') }} as component_code from {{ ref('ref_indicator_catalog') }}
    union
    select {{ seed_text('denominator_component') }} as component_code from {{ ref('ref_indicator_catalog') }}

)

select
    produced.component_code,
    case
        when described.component_code is null then 'produced but not described'
        else 'aggregation differs'
    end as problem
from produced
left join described
    on produced.component_code = described.component_code
where described.component_code is null
    or produced.aggregation != described.aggregation

union all

select
    catalog_components.component_code,
    'named by the catalog but not described' as problem
from catalog_components
left join described
    on catalog_components.component_code = described.component_code
where catalog_components.component_code is not null
    and described.component_code is null
