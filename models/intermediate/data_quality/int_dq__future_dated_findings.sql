{#- Records changed after the export date (rule record_dated_after_export): a change timestamp
    (updated_at, or the entry time: created_at, recorded_at for contracts) later than the end of
    the newest date in the export file names can only be a typo (a year 2062 for 2026) or a
    wrong clock. The as-of date ignores such values
    (int_as_of_date); this lists them so they get fixed. No finding when no export file name
    carries a date. -#}
{%- set entities = [
    ('opportunities', 'opportunity_id', 'created_at'),
    ('activities', 'activity_id', 'created_at'),
    ('leads', 'lead_id', 'created_at'),
    ('contracts', 'contract_id', 'recorded_at'),
] -%}
with

bounds as (

    select export_date from {{ ref('int_as_of_date') }}
    where export_date is not null

),

changes as (

    {% for entity, key, entered_at in entities -%}
        select
            {{ sql_string(entity) }} as entity,
            {{ key }} as record_id,
            owner_user_id,
            updated_at,
            {{ sql_string(entered_at) }} as entered_column,
            {{ entered_at }} as entered_at
        from {{ ref('stg_crm__' ~ entity) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

dated_after as (

    select
        changes.*,
        bounds.export_date,
        case
            when changes.updated_at >= {{ add_days('bounds.export_date', 1) }} then 'updated_at'
            else changes.entered_column
        end as column_name,
        case
            when changes.updated_at >= {{ add_days('bounds.export_date', 1) }} then changes.updated_at
            else changes.entered_at
        end as dated_at
    from changes
    cross join bounds
    where changes.updated_at >= {{ add_days('bounds.export_date', 1) }}
        or changes.entered_at >= {{ add_days('bounds.export_date', 1) }}

),

final as (

    select
        'record_dated_after_export' as rule_code,
        entity,
        record_id,
        column_name,
        owner_user_id as responsible_user_id,
        export_date as record_date,
        cast({{ days_between('export_date', 'cast(dated_at as date)') }} as double) as measured_value,
        concat(
            column_name, ' 为 ', cast(cast(dated_at as date) as {{ dbt.type_string() }}),
            '，晚于导出日期 ', cast(export_date as {{ dbt.type_string() }})
        ) as detail_zh,
        concat(
            column_name, ' is ', cast(cast(dated_at as date) as {{ dbt.type_string() }}),
            ', after the export date ', cast(export_date as {{ dbt.type_string() }})
        ) as detail_en
    from dated_after

)

select * from final
