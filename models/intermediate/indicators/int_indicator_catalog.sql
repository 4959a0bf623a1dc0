-- depends_on: {{ ref('custom_indicators') }}
-- depends_on: {{ ref('ref_indicator_components') }}

{#- The indicator catalog the engine and the marts read: the shipped catalog
    (ref_indicator_catalog) and the custom indicators ops add in seeds/custom_indicators.csv
    (formula_kind 'custom'; their formula is checked and compiled by
    macros/indicators/custom_indicators.sql). A custom indicator sits in its parent's layer
    (process without a parent) and is owned by its parent's role, at every grain. A flow's
    target is pro-rated by working days while its period is in progress when it is a sum (or a
    ratio over a quota); a ratio keeps its full target. -#}
{%- set custom = custom_indicator_definitions() %}
with

shipped as (

    select
        indicator_code,
        indicator_name_zh,
        indicator_name_en,
        layer,
        {{ seed_text('parent_indicator_code') }} as parent_indicator_code,
        {{ seed_text('strategy_name_zh') }} as strategy_name_zh,
        {{ seed_text('strategy_name_en') }} as strategy_name_en,
        formula_zh,
        formula_en,
        unit,
        direction,
        aggregation,
        grains,
        owner_role,
        formula_kind,
        {{ seed_text('numerator_component') }} as numerator_component,
        {{ seed_text('denominator_component') }} as denominator_component,
        target_source,
        model_name,
        column_name,
        sort_order,
        false as is_custom,
        aggregation = 'flow'
        and (formula_kind = 'sum' or coalesce({{ seed_text('denominator_component') }}, '') like 'quota%')
            as is_target_prorated
    from {{ ref('ref_indicator_catalog') }}

),

{%- if custom | length > 0 %}

custom as (

    {%- for indicator in custom %}
    select
        {{ sql_string(indicator.code) }} as indicator_code,
        {{ sql_string(indicator.name_zh) }} as indicator_name_zh,
        {{ sql_string(indicator.name_en) }} as indicator_name_en,
        {{ sql_string(indicator.parent) if indicator.parent else 'cast(null as ' ~ dbt.type_string() ~ ')' }}
            as parent_indicator_code,
        {{ sql_string('自定义: ' ~ indicator.formula) }} as formula_zh,
        {{ sql_string('Custom: ' ~ indicator.formula) }} as formula_en,
        {{ sql_string(indicator.unit) }} as unit,
        {{ sql_string(indicator.direction) }} as direction,
        {{ sql_string(indicator.aggregation) }} as aggregation,
        {{ sql_string(indicator.target_source) }} as target_source,
        {{ indicator.sort_order }} as sort_order,
        {{ 'false' if indicator.is_ratio else 'true' }} as is_sum
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

custom_in_catalog as (

    select
        custom.indicator_code,
        custom.indicator_name_zh,
        custom.indicator_name_en,
        coalesce(parent.layer, 'process') as layer,
        custom.parent_indicator_code,
        cast(null as {{ dbt.type_string() }}) as strategy_name_zh,
        cast(null as {{ dbt.type_string() }}) as strategy_name_en,
        custom.formula_zh,
        custom.formula_en,
        custom.unit,
        custom.direction,
        custom.aggregation,
        'rep|team|region|company|business_line' as grains,
        coalesce(parent.owner_role, 'team_lead') as owner_role,
        'custom' as formula_kind,
        cast(null as {{ dbt.type_string() }}) as numerator_component,
        cast(null as {{ dbt.type_string() }}) as denominator_component,
        custom.target_source,
        'indicator_values' as model_name,
        custom.indicator_code as column_name,
        custom.sort_order,
        true as is_custom,
        custom.aggregation = 'flow' and custom.is_sum as is_target_prorated
    from custom
    left join shipped as parent
        on custom.parent_indicator_code = parent.indicator_code

),
{%- endif %}

final as (

    select * from shipped
    {%- if custom | length > 0 %}
    union all
    select * from custom_in_catalog
    {%- endif %}

)

select * from final
