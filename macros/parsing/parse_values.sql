{#- Text → typed value parsers used by staging. Landing columns arrive as text; a value that
    cannot be parsed becomes null on every engine (never an engine-dependent error), and the
    data-quality layer reports it. -#}

{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}


{% macro parse_boolean(column) -%}
    case
        when lower(trim({{ column }})) in ('true', 't', '1', 'yes', 'y', '是') then true
        when lower(trim({{ column }})) in ('false', 'f', '0', 'no', 'n', '否') then false
    end
{%- endmacro %}


{% macro parse_date(column) -%}
    try_cast(nullif(trim({{ column }}), '') as date)
{%- endmacro %}


{% macro parse_decimal(column, precision=18, scale=2) -%}
    try_cast(nullif(trim({{ column }}), '') as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}


{% macro parse_integer(column) -%}
    try_cast(nullif(trim({{ column }}), '') as bigint)
{%- endmacro %}


{#- ISO 8601 business-local timestamp. Without an offset the value is read as business local
    time; with an offset it is converted to business local time. -#}
{% macro parse_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'crm_indicators')(column)) }}
{%- endmacro %}

{% macro default__parse_timestamp(column) -%}
    case
        when regexp_matches(trim({{ column }}), '([+-][0-9]{2}:?[0-9]{2}|Z)$')
            then timezone({{ sql_string(var("business_timezone")) }}, try_cast(trim({{ column }}) as timestamptz))
        else try_cast(nullif(trim({{ column }}), '') as timestamp)
    end
{%- endmacro %}

{#- Spark's session time zone is the business time zone (profiles.yml), so a cast converts
    offsets to it and leaves offset-less values as they are. -#}
{% macro spark__parse_timestamp(column) -%}
    try_cast(nullif(trim({{ column }}), '') as timestamp)
{%- endmacro %}


{#- Display mask for a name a person may need to recognise, never to use: the first
    character (张**). Phones get no mask: a partial number beside its hash lets the hash be
    reversed by trying the missing digits. Hashes: macros/utils/pii.sql. -#}
{% macro mask_name(column) -%}
    case when nullif(trim({{ column }}), '') is not null
        then concat(substr(trim({{ column }}), 1, 1), '**') end
{%- endmacro %}
