{#- The reporting date of the build, one row:
    - var `as_of_date` when given (checked by as_of_date_var(): YYYY-MM-DD, a real date);
    - otherwise the last date a record was changed in the CRM data, but never later than the
      export date: the newest date written in the names of the export files the rows come from
      (landing contract: `YYYY-MM-DD_full.csv`, `YYYY-MM-DD_delta.csv`). One mistyped timestamp
      (an activity "updated" in 2062) therefore cannot move the warehouse into the future; such
      records are reported by the data-quality rule `record_dated_after_export`. When no file
      name carries a date the data alone decides. Never the wall clock. -#}
{%- set var_date = as_of_date_var() -%}
{%- set entities = ['opportunities', 'activities', 'leads', 'contracts'] -%}
with

change_dates as (

    {% for entity in entities -%}
        select max(updated_at) as last_change_at from {{ ref('stg_crm__' ~ entity) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

source_files as (

    {% for entity in entities -%}
        select distinct _source_file from {{ ref('stg_crm__' ~ entity) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

-- the newest real date written in an export file name
export_dates as (

    select max({{ export_file_date('_source_file') }}) as export_date
    from source_files

),

last_change as (

    select cast(max(last_change_at) as date) as last_change_date
    from change_dates

),

-- one row in every case (both inputs are single aggregate rows)
final as (

    select
        {% if var_date is not none -%}
            cast({{ sql_string(var_date) }} as date)
        {%- else -%}
            case
                when export_dates.export_date is not null and last_change.last_change_date > export_dates.export_date
                    then export_dates.export_date
                else last_change.last_change_date
            end
        {%- endif %} as as_of_date,
        export_dates.export_date,
        last_change.last_change_date
    from last_change
    cross join export_dates

)

select * from final
