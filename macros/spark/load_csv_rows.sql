{#- Seeds on Spark. dbt-spark's session connection substitutes seed values into the INSERT
    text as '<value>' without escaping (a quote in a seed breaks the statement or changes it,
    and an empty cell arrives as the text 'None'). This override, found before dbt-spark's own
    spark__load_csv_rows, writes every value through sql_string(), numbers and booleans as
    checked literals and empty cells as null. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {% set batch_size = get_batch_size() %}
    {% set column_override = model['config'].get('column_types', {}) %}
    {% set statements = [] %}
    {% for chunk in agate_table.rows | batch(batch_size) %}
        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ seed_value_literal(row[loop.index0]) }} as {{ type }})
                    {%- if not loop.last %},{% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {%- endfor %}
        {% endset %}
        {% do adapter.add_query(sql, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}{% do statements.append(sql) %}{% endif %}
    {% endfor %}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}


{% macro seed_value_literal(value) -%}
    {%- if value is none -%}null
    {%- elif value is sameas true -%}true
    {%- elif value is sameas false -%}false
    {%- elif value is number and modules.re.fullmatch('-?[0-9]+(?:[.][0-9]+)?(?:[eE][+-]?[0-9]+)?', value | string) -%}{{ value }}
    {%- else -%}{{ sql_string(value) }}
    {%- endif -%}
{%- endmacro %}
