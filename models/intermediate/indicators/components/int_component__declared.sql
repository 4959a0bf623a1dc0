{{ config(tags=['indicator_component']) }}
-- depends_on: {{ ref('ref_indicator_components') }}
{%- for fact in declarative_component_facts() %}
-- depends_on: {{ ref(fact) }}
{%- endfor %}
-- depends_on: {{ ref('dim_accounts') }}
-- depends_on: {{ ref('int_as_of_date') }}

{#- The declarative components: every row of ref_indicator_components with a source_fact,
    generated from its fact, measure, date, credited user and team, and filters (macros/
    indicators/custom_indicators.sql checks each part before it reaches this SQL). Events up to
    the as-of date, per credited user, their team on the event date, business line and day; a
    count distinct counts distinct values within that day and user (periods sum the days). -#}
{%- set components = declarative_component_definitions() %}
{%- set measures = {'count': 'count(*)', 'sum': 'sum(coalesce(facts.{c}, 0))',
    'count_distinct': 'count(distinct facts.{c})'} %}
with

{%- for component in components %}

declared__{{ component.code }} as (

    select
        {{ sql_string(component.code) }} as component_code,
        'flow' as aggregation,
        'all' as grain_scope,
        facts.{{ component.user_column }} as user_id,
        facts.{{ component.team_column }} as team_id,
        {% if component.business_line_column -%}
        facts.{{ component.business_line_column }}
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as business_line,
        facts.{{ component.date_column }} as component_date,
        cast({{ measures[component.measure].replace('{c}', component.measure_column) }} as decimal(24, 4))
            as component_value
    from {{ ref(component.fact) }} as facts
    {%- if component.joins_accounts %}
    left join {{ ref('dim_accounts') }} as accounts
        on facts.{{ component.account_key }} = accounts.account_id
    {%- endif %}
    where facts.{{ component.date_column }} <= {{ as_of_date() }}
        {%- for condition in component.conditions %}
        and {{ condition }}
        {%- endfor %}
    group by 1, 2, 3, 4, 5, 6, 7

),
{%- endfor %}

final as (

    {%- for component in components %}
    select * from declared__{{ component.code }}
    union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as component_code,
        cast(null as {{ dbt.type_string() }}) as aggregation,
        cast(null as {{ dbt.type_string() }}) as grain_scope,
        cast(null as {{ dbt.type_string() }}) as user_id,
        cast(null as {{ dbt.type_string() }}) as team_id,
        cast(null as {{ dbt.type_string() }}) as business_line,
        cast(null as date) as component_date,
        cast(null as decimal(24, 4)) as component_value
    from (select 1 as no_row) as empty_table
    where 1 = 0

)

select * from final
