{{ config(tags=['indicator_component']) }}
-- noqa: disable=LT02
-- (the CTEs are generated per seed row; the rendered SQL is indented, its template cannot be)
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
{%- set null_text = 'cast(null as ' ~ dbt.type_string() ~ ')' %}
with

{%- for component in components %}
{%- set business_line = declared_column(component.business_line_column, 'business_line')
    if component.business_line_column else null_text ~ ' as business_line' %}
{%- set value = measures[component.measure].replace('{c}', component.measure_column) %}
{%- set conditions = [''] + component.conditions %}

declared__{{ component.code }} as (

    select
        {{ sql_string(component.code) }} as component_code,
        'flow' as aggregation,
        'all' as grain_scope,
        {{ declared_column(component.user_column, 'user_id') }},
        {{ declared_column(component.team_column, 'team_id') }},
        {{ business_line }},
        {{ declared_column(component.date_column, 'component_date') }},
        cast({{ value }} as decimal(24, 4)) as component_value
    from {{ ref(component.fact) }} as facts
    {%- if component.joins_accounts %}
    left join {{ ref('dim_accounts') }} as accounts
        on facts.{{ component.account_key }} = accounts.account_id
    {%- endif %}
    where facts.{{ component.date_column }} <= {{ as_of_date() }}{{ conditions | join('\n        and ') }}
    group by 1, 2, 3, 4, 5, 6, 7

),
{%- endfor %}

final as (

    {%- for component in components %}
    select * from declared__{{ component.code }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- if components | length == 0 %}
    select
        {{ null_text }} as component_code,
        {{ null_text }} as aggregation,
        {{ null_text }} as grain_scope,
        {{ null_text }} as user_id,
        {{ null_text }} as team_id,
        {{ null_text }} as business_line,
        cast(null as date) as component_date,
        cast(null as decimal(24, 4)) as component_value
    from (select 1 as no_row) as empty_table
    where 1 = 0
    {%- endif %}

)

select * from final
