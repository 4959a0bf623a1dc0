{#- The component models the indicator engine unions (int_indicator_components). Every model
    tagged `indicator_component` must be listed here: the data test
    assert_every_component_model_is_unioned fails on a tagged model missing from this list
    and on a listed model without the tag. -#}
{% macro indicator_component_models() -%}
    {{ return([
        'int_component__declared',
        'int_component__opportunities',
        'int_component__pipeline',
        'int_component__leads',
        'int_component__visits',
        'int_component__visit_plans',
        'int_component__customer_pool',
        'int_component__rep_thresholds',
        'int_component__quotas',
    ]) }}
{%- endmacro %}


{#- The union of the listed component models in the shared output contract. -#}
{% macro union_indicator_components() -%}
    {%- for model_name in indicator_component_models() %}
    select
        component_code,
        aggregation,
        grain_scope,
        user_id,
        team_id,
        business_line,
        component_date,
        component_value
    from {{ ref(model_name) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
