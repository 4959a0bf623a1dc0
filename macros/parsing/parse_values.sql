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


{#- Irreversible pseudonym for personal data (email, phone): a salted SHA-256 of the
    normalised value. The salt comes from the environment, never from the repository. -#}
{% macro hash_pii(column) -%}
    {{ return(adapter.dispatch('hash_pii', 'crm_indicators')(column)) }}
{%- endmacro %}

{% macro default__hash_pii(column) -%}
    case when nullif(trim({{ column }}), '') is not null
        then sha256(concat('{{ env_var("CRM_PII_SALT", "") }}', lower(regexp_replace(trim({{ column }}), '\s', '', 'g'))))
    end
{%- endmacro %}

{% macro spark__hash_pii(column) -%}
    case when nullif(trim({{ column }}), '') is not null
        then sha2(concat('{{ env_var("CRM_PII_SALT", "") }}', lower(regexp_replace(trim({{ column }}), '\\s', ''))), 256)
    end
{%- endmacro %}


{#- Display masks for personal data that a person may need to recognise, never to use:
    a name keeps its first character (张**), a phone its last four digits (*******1234). -#}
{% macro mask_name(column) -%}
    case when nullif(trim({{ column }}), '') is not null
        then concat(substr(trim({{ column }}), 1, 1), '**') end
{%- endmacro %}

{% macro mask_phone(column) -%}
    case when nullif(trim({{ column }}), '') is not null
        then concat('*******', right(regexp_replace(trim({{ column }}), '[^0-9]', ''), 4)) end
{%- endmacro %}
