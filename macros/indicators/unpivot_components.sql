{#- Turn one wide CTE (one column per component, already summed per owner, team, business
    line and component date) into rows of the shared component contract. `components` is a
    list of (component_code, aggregation) pairs; the column of the CTE is named like the
    component. Rows whose value is null are skipped, so a component without events has no row. -#}
{% macro unpivot_components(cte, components, grain_scope="'all'") -%}
    {%- for code, aggregation in components %}
    select
        {{ sql_string(code) }} as component_code,
        {{ sql_string(aggregation) }} as aggregation,
        {{ grain_scope }} as grain_scope,
        user_id,
        team_id,
        business_line,
        component_date,
        cast({{ code }} as decimal(24, 4)) as component_value
    from {{ cte }}
    where {{ code }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
