{#- The indicator tree (指标拆解) with values, for a dashboard to draw the breakdown: final goal
    bookings → the four strategic targets → the sub-strategies of "opportunity count +5%" with
    their process indicators → behavior indicators, each node with its company-level actual,
    target, strategic target and status for every period. Indicators outside the bookings tree
    are roots of their own small trees. -#}
with

catalog as (

    select
        indicator_code,
        {{ seed_text('parent_indicator_code') }} as parent_indicator_code,
        {{ seed_text('strategy_name_zh') }} as strategy_name_zh,
        {{ seed_text('strategy_name_en') }} as strategy_name_en,
        layer,
        indicator_name_zh,
        indicator_name_en,
        unit,
        direction,
        sort_order
    from {{ ref('int_indicator_catalog') }}

),

company_values as (

    select * from {{ ref('indicator_values') }}
    where grain = 'company'

),

nodes as (

    select
        node.indicator_code,
        node.parent_indicator_code,
        coalesce(level_3.indicator_code, level_2.indicator_code, level_1.indicator_code, node.indicator_code)
            as root_indicator_code,
        case
            when level_3.indicator_code is not null then 4
            when level_2.indicator_code is not null then 3
            when level_1.indicator_code is not null then 2
            else 1
        end as tree_level,
        concat_ws(
            ' > ',
            level_3.indicator_code, level_2.indicator_code, level_1.indicator_code, node.indicator_code
        ) as tree_path,
        node.sort_order,
        node.layer,
        node.indicator_name_zh,
        node.indicator_name_en,
        node.strategy_name_zh,
        node.strategy_name_en,
        node.unit,
        node.direction
    from catalog as node
    left join catalog as level_1
        on node.parent_indicator_code = level_1.indicator_code
    left join catalog as level_2
        on level_1.parent_indicator_code = level_2.indicator_code
    left join catalog as level_3
        on level_2.parent_indicator_code = level_3.indicator_code

),

final as (

    select
        nodes.indicator_code,
        nodes.parent_indicator_code,
        nodes.root_indicator_code,
        nodes.root_indicator_code = 'bookings_amount' as is_in_strategy_tree,
        nodes.tree_level,
        nodes.tree_path,
        nodes.sort_order,
        nodes.layer,
        nodes.indicator_name_zh,
        nodes.indicator_name_en,
        nodes.strategy_name_zh,
        nodes.strategy_name_en,
        nodes.unit,
        nodes.direction,
        company_values.period_type,
        company_values.period_start_date,
        company_values.period_end_date,
        company_values.is_period_in_progress,
        company_values.actual_value,
        company_values.target_value,
        company_values.target_value_to_date,
        company_values.strategic_target_value,
        company_values.attainment,
        company_values.attainment_to_date,
        company_values.status_code,
        company_values.status_name_zh,
        company_values.status_name_en,
        company_values.same_period_last_year_value,
        company_values.change_vs_last_year_ratio
    from nodes
    inner join company_values
        on nodes.indicator_code = company_values.indicator_code

)

select * from final
