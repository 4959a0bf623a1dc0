{#- Body of a base model: every raw landing row of one entity, all columns as text (including
    columns the contract does not know), with the export file it came from. Kept as a table so
    the raw history stays queryable for audit in the private full build (the refresh keeps
    staging out of the serving file BI opens). -#}
{% macro landing_base(entity) -%}
    select
        *,
        {{ file_basename('filename') }} as _source_file
    from {{ source('crm', entity) }}
{%- endmacro %}


{% macro file_basename(column) -%}
    {{ return(adapter.dispatch('file_basename', 'crm_indicators')(column)) }}
{%- endmacro %}

{% macro default__file_basename(column) -%}
    regexp_extract({{ column }}, '[^/]+$')
{%- endmacro %}

{#- Spark reports files as %-encoded URLs (file:/…/a%20b.csv). -#}
{% macro spark__file_basename(column) -%}
    reflect('java.net.URLDecoder', 'decode', regexp_extract({{ column }}, '[^/]+$', 0), 'UTF-8')
{%- endmacro %}
