{#- Which present landing values do not parse (rule value_not_parsed): every typed column of
    every entity, read with the landing parsing rule (macros/parsing/parse_values.sql) on the
    record version staging keeps (dedupe_latest, deleted records removed). A value that is
    present but parses to null becomes one finding naming the entity, the record, the column
    and the raw value, so no figure disappears without a trace.
    A table, not a view: the compiled SQL (every typed column of 15 entities) is longer than
    the Hive metastore of the Spark target stores as view text. -#}
{{ config(materialized='table') }}
{%- set entities = {
    'users': {'key': ['user_id'], 'order': 'updated_at', 'owner': 'user_id',
              'columns': {'hire_date': 'date', 'termination_date': 'date', 'is_active': 'boolean', 'updated_at': 'timestamp'}},
    'teams': {'key': ['team_id'], 'order': 'updated_at', 'owner': 'leader_user_id',
              'columns': {'updated_at': 'timestamp'}},
    'team_memberships': {'key': ['user_id', 'start_date'], 'owner': 'user_id',
                         'columns': {'start_date': 'date', 'end_date': 'date'}},
    'accounts': {'key': ['account_id'], 'order': 'updated_at', 'owner': 'owner_user_id', 'deletable': true,
                 'columns': {'is_deleted': 'boolean', 'employee_count': 'integer', 'is_key_account': 'boolean', 'created_at': 'timestamp', 'updated_at': 'timestamp'}},
    'account_owner_history': {'key': ['account_id', 'start_date'], 'owner': 'owner_user_id',
                              'columns': {'start_date': 'date', 'end_date': 'date'}},
    'contacts': {'key': ['contact_id'], 'order': 'updated_at', 'deletable': true,
                 'columns': {'is_deleted': 'boolean', 'is_decision_maker': 'boolean', 'created_at': 'timestamp', 'updated_at': 'timestamp'}},
    'campaigns': {'key': ['campaign_id'], 'order': 'updated_at',
                  'columns': {'start_date': 'date', 'end_date': 'date', 'budget_amount': 'decimal', 'updated_at': 'timestamp'}},
    'leads': {'key': ['lead_id'], 'order': 'updated_at', 'owner': 'owner_user_id', 'deletable': true,
              'columns': {'is_deleted': 'boolean', 'created_at': 'timestamp', 'mql_at': 'timestamp', 'sql_at': 'timestamp', 'converted_at': 'timestamp', 'updated_at': 'timestamp'}},
    'opportunities': {'key': ['opportunity_id'], 'order': 'updated_at', 'owner': 'owner_user_id', 'deletable': true,
                      'columns': {'is_deleted': 'boolean', 'amount': 'decimal', 'expected_close_date': 'date', 'created_at': 'timestamp', 'closed_at': 'timestamp', 'is_closed': 'boolean', 'is_won': 'boolean', 'updated_at': 'timestamp'}},
    'opportunity_stage_history': {'key': ['history_id'], 'order': 'recorded_at', 'owner': 'changed_by_user_id',
                                  'columns': {'changed_at': 'timestamp', 'recorded_at': 'timestamp', 'amount': 'decimal'}},
    'activities': {'key': ['activity_id'], 'order': 'updated_at', 'owner': 'owner_user_id', 'deletable': true,
                   'columns': {'is_deleted': 'boolean', 'planned_at': 'timestamp', 'occurred_at': 'timestamp', 'logged_at': 'timestamp', 'next_step_date': 'date', 'created_at': 'timestamp', 'updated_at': 'timestamp'}},
    'contracts': {'key': ['contract_id'], 'order': 'updated_at', 'owner': 'owner_user_id', 'deletable': true,
                  'columns': {'is_deleted': 'boolean', 'signed_date': 'date', 'start_date': 'date', 'end_date': 'date', 'total_amount': 'decimal', 'recurring_amount_annual': 'decimal', 'one_time_amount': 'decimal', 'recorded_at': 'timestamp', 'updated_at': 'timestamp'}},
    'quotas': {'key': ['user_id', 'team_id', 'period_month', 'metric'], 'owner': 'user_id',
               'columns': {'period_month': 'date', 'target_value': 'decimal'}},
    'product_usage': {'key': ['account_id', 'usage_month'],
                      'columns': {'usage_month': 'date', 'licensed_seats': 'integer', 'active_users': 'integer', 'core_feature_users': 'integer', 'report_feature_users': 'integer', 'logins': 'integer'}},
    'costs': {'key': ['cost_month', 'business_line', 'cost_type'],
              'columns': {'cost_month': 'date', 'amount': 'decimal'}},
} -%}
{%- set type_names = {
    'date': ('日期', 'a date'), 'timestamp': ('时间', 'a timestamp'), 'decimal': ('数字/金额', 'a number'),
    'integer': ('整数', 'a whole number'), 'boolean': ('是/否', 'a boolean'),
} -%}
with

{% for entity, spec in entities.items() %}
    {{ entity }}_kept as (

        {{ dedupe_latest(ref('base_crm__' ~ entity), spec['key'], spec.get('order')) }}

    ),

    {{ entity }}_live as (

        select * from {{ entity }}_kept
        {%- if spec.get('deletable') %}
            where not coalesce({{ parse_boolean('is_deleted') }}, false)
        {%- endif %}

    ),

    {{ entity }}_values as (

        {% for column, landing_type in spec['columns'].items() %}
            select
                {{ sql_string(entity) }} as entity,
                {% if spec['key'] | length == 1 -%}
                    trim({{ spec['key'][0] }})
                {%- else -%}
                    concat_ws('|', {% for k in spec['key'] %}coalesce(trim({{ k }}), ''){{ ", " if not loop.last }}{% endfor %})
                {%- endif %} as record_id,
                {{ sql_string(column) }} as column_name,
                {{ sql_string(landing_type) }} as landing_type,
                {% if spec.get('owner') -%}
                    {{ clean_text(spec['owner']) }}
                {%- else -%}
                    cast(null as {{ dbt.type_string() }})
                {%- endif %} as responsible_user_id,
                {% if spec.get('order') -%}
                    {{ spec['order'] }}
                {%- else -%}
                    cast(null as {{ dbt.type_string() }})
                {%- endif %} as record_changed_at,
                trim({{ column }}) as raw_value,
                {{ landing_value(column) }} as landing_value
            from {{ entity }}_live
            {% if not loop.last %}union all{% endif %}
        {% endfor %}

    ),
{% endfor %}

typed_values as (

    {% for entity in entities %}
        select * from {{ entity }}_values
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

unparsed as (

    select *
    from typed_values
    where landing_value is not null
        and case landing_type
            when 'timestamp' then {{ parse_timestamp('landing_value', normalised=true) }} is null
            when 'date' then {{ parse_date('landing_value', normalised=true) }} is null
            when 'decimal' then {{ parse_decimal('landing_value', normalised=true) }} is null
            when 'integer' then {{ parse_integer('landing_value', normalised=true) }} is null
            else {{ parse_boolean('landing_value', normalised=true) }} is null
        end

),

final as (

    select
        'value_not_parsed' as rule_code,
        entity,
        record_id,
        column_name,
        responsible_user_id,
        cast({{ parse_timestamp('record_changed_at') }} as date) as record_date,
        cast(null as double) as measured_value,
        concat(
            column_name, ' 的值「', raw_value, '」无法识别为',
            case landing_type
                {% for landing_type, names in type_names.items() -%}
                    when {{ sql_string(landing_type) }} then {{ sql_string(names[0]) }}
                {% endfor -%}
            end,
            '，已按空值处理；请按数据契约改正'
        ) as detail_zh,
        concat(
            column_name, ' value "', raw_value, '" is not ',
            case landing_type
                {% for landing_type, names in type_names.items() -%}
                    when {{ sql_string(landing_type) }} then {{ sql_string(names[1]) }}
                {% endfor -%}
            end,
            ' under the landing contract; read as empty until corrected'
        ) as detail_en
    from unparsed

)

select * from final
