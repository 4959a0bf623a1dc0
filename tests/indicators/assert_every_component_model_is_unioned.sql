{#- Every model tagged indicator_component is unioned by int_indicator_components (listed by
    the macro indicator_component_models), and every listed model carries the tag: one row
    per model that breaks this. -#}
{%- set listed = indicator_component_models() -%}
{%- set tagged = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and 'indicator_component' in node.tags -%}
            {%- do tagged.append(node.name) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}
{%- set problems = [] -%}
{%- for name in tagged if name not in listed -%}
    {%- do problems.append((name, 'tagged indicator_component but not unioned')) -%}
{%- endfor -%}
{%- for name in listed if execute and name not in tagged -%}
    {%- do problems.append((name, 'unioned but not tagged indicator_component')) -%}
{%- endfor -%}
{%- for name, problem in problems %}
select {{ sql_string(name) }} as model_name, {{ sql_string(problem) }} as problem
union all
{%- endfor %}
select
    cast(null as {{ dbt.type_string() }}) as model_name,
    cast(null as {{ dbt.type_string() }}) as problem
where 1 = 0
