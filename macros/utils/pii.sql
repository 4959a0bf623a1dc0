{#- Irreversible pseudonym for personal data (email, phone): a salted SHA-256 of the
    normalised value (spaces removed, lower case). The salt is never written into SQL text:
    - DuckDB reads the session variable `crm_pii_salt`, set by the profile's plugin
      (dbt_plugins/crm_pii_salt.py) from DBT_ENV_SECRET_CRM_PII_SALT with a bound parameter;
    - Spark substitutes `${env:DBT_ENV_SECRET_CRM_PII_SALT}` when it parses the statement
      (spark.sql.variable.substitute, on by default), from the driver's environment.
    Without a salt the SQL stops with an error. Unit tests set the var `pii_test_salt` (letters,
    digits and dashes only), which replaces the lookup by that fixed, non-secret literal. -#}
{% macro hash_pii(column) -%}
    {{ return(adapter.dispatch('hash_pii', 'crm_indicators')(column)) }}
{%- endmacro %}

{% macro default__hash_pii(column) -%}
    case when nullif(trim({{ column }}), '') is not null
        then sha256(concat({{ pii_salt() }}, lower(regexp_replace(trim({{ column }}), '\s', '', 'g'))))
    end
{%- endmacro %}

{% macro spark__hash_pii(column) -%}
    case when nullif(trim({{ column }}), '') is not null
        then sha2(concat({{ pii_salt() }}, lower(regexp_replace(trim({{ column }}), '\\s', ''))), 256)
    end
{%- endmacro %}


{#- SQL expression of the salt (see hash_pii). -#}
{% macro pii_salt() -%}
    {%- set test_salt = var('pii_test_salt', none) -%}
    {%- if test_salt is not none -%}
        {%- if not modules.re.fullmatch('[A-Za-z0-9-]{1,64}', test_salt | string) -%}
            {{ exceptions.raise_compiler_error("var pii_test_salt may hold only letters, digits and dashes (测试用盐值格式无效)") }}
        {%- endif -%}
        {{ sql_string(test_salt) }}
    {%- else -%}
        {{ return(adapter.dispatch('pii_salt', 'crm_indicators')()) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__pii_salt() -%}
    coalesce(
        getvariable('crm_pii_salt'),
        error('CRM_PII_SALT is not set: personal data cannot be hashed (未设置个人数据盐值 CRM_PII_SALT)')
    )
{%- endmacro %}

{% macro spark__pii_salt() -%}
    case
        when '${env:DBT_ENV_SECRET_CRM_PII_SALT}' in ('', '$' || '{env:DBT_ENV_SECRET_CRM_PII_SALT}')
            then raise_error('CRM_PII_SALT is not set: personal data cannot be hashed (未设置个人数据盐值 CRM_PII_SALT)')
        else '${env:DBT_ENV_SECRET_CRM_PII_SALT}'
    end
{%- endmacro %}
