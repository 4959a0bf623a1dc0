{#- Print the indicator list of docs/indicators.md from the catalog seed (markdown):
    dbt run-operation print_indicator_catalog_docs --quiet > docs/_indicator_list.md
    Needs the seed loaded (dbt seed -s ref_indicator_catalog). -#}
{% macro print_indicator_catalog_docs() %}
    {%- set query -%}
        select
            layer, indicator_code, indicator_name_zh, indicator_name_en, coalesce(parent_indicator_code, '') as parent_code,
            formula_en, unit, direction, aggregation, grains, owner_role, target_source, model_name, column_name
        from {{ ref('ref_indicator_catalog') }}
        order by case layer when 'result' then 1 when 'process' then 2 else 3 end, sort_order
    {%- endset -%}
    {%- set rows = run_query(query) -%}
    {%- set lines = [] -%}
    {%- for layer in ['result', 'process', 'behavior'] -%}
        {%- do lines.append('') -%}
        {%- do lines.append('### ' ~ {'result': 'Result indicators (结果指标)', 'process': 'Process indicators (过程指标)', 'behavior': 'Behavior indicators (行为指标)'}[layer]) -%}
        {%- do lines.append('') -%}
        {%- do lines.append('| code | 中文 | English | parent | formula | unit | direction | aggregation | grains | owner | target source | model.column |') -%}
        {%- do lines.append('|---|---|---|---|---|---|---|---|---|---|---|---|') -%}
        {%- for row in rows if row['layer'] == layer -%}
            {%- do lines.append('| `' ~ row['indicator_code'] ~ '` | ' ~ row['indicator_name_zh'] ~ ' | ' ~ row['indicator_name_en']
                ~ ' | ' ~ row['parent_code'] ~ ' | ' ~ row['formula_en'] ~ ' | ' ~ row['unit'] ~ ' | ' ~ row['direction']
                ~ ' | ' ~ row['aggregation'] ~ ' | ' ~ row['grains'] ~ ' | ' ~ row['owner_role'] ~ ' | ' ~ row['target_source']
                ~ ' | `' ~ row['model_name'] ~ '.' ~ row['column_name'] ~ '` |') -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ print(lines | join('\n')) }}
{% endmacro %}
