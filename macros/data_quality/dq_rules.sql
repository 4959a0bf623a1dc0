{#- Helpers of the data-quality layer (models/intermediate/data_quality). -#}

{#- A rule's threshold from the rule catalog (seed ref_dq_rules), converted to `unit`
    (seconds, minutes, hours or days). Used inside an aggregate over the catalog, e.g.
    `select {{ dq_threshold('activity_logged_late', 'seconds') }} as late_seconds from rules`. -#}
{% macro dq_threshold(rule_code, unit) -%}
    {%- set seconds = {'seconds': 1, 'minutes': 60, 'hours': 3600, 'days': 86400} -%}
    max(case when rule_code = '{{ rule_code }}' then
        cast(threshold_value as double)
        * case threshold_unit
            when 'minutes' then 60 when 'hours' then 3600 when 'days' then 86400 else 1
        end
        / {{ seconds[unit] }}
    end)
{%- endmacro %}


{#- A number as display text with one decimal (30.5), the same on every engine. -#}
{% macro dq_number_text(expr) -%}
    cast(cast(round({{ expr }}, 1) as decimal(18, 1)) as {{ dbt.type_string() }})
{%- endmacro %}


{#- A whole number as display text. -#}
{% macro dq_integer_text(expr) -%}
    cast(cast({{ expr }} as bigint) as {{ dbt.type_string() }})
{%- endmacro %}


{#- An account name reduced for duplicate detection: lower case, without white space (also the
    full-width space), ASCII or full-width parentheses, middle dots, full stops and hyphens, so that
    「华为技术（深圳）」 and 「华为 技术(深圳)」 compare equal. -#}
{% macro dq_normalised_name(column) -%}
    {{ return(adapter.dispatch('dq_normalised_name', 'crm_indicators')(column)) }}
{%- endmacro %}

{% macro default__dq_normalised_name(column) -%}
    regexp_replace(lower(coalesce({{ column }}, '')), '[\s　()（）·.\-]', '', 'g')
{%- endmacro %}

{#- Spark string literals unescape backslashes, hence the doubled ones; replaces every match. -#}
{% macro spark__dq_normalised_name(column) -%}
    regexp_replace(lower(coalesce({{ column }}, '')), '[\\s　()（）·.\\-]', '')
{%- endmacro %}


{#- The data-quality score (0–100, one decimal) of a rep or team for a month:
    100 × (1 − min(1, weighted open issues ÷ records entered)); 0 when issues are open but
    nothing was entered, null when neither. Weights are score_weight in ref_dq_rules. -#}
{% macro dq_score(weighted_open_issues, records_entered) -%}
    cast(case
        when {{ records_entered }} > 0
            then round(100.0 * (1.0 - least(1.0, cast({{ weighted_open_issues }} as double) / {{ records_entered }})), 1)
        when {{ weighted_open_issues }} > 0 then 0.0
    end as double)
{%- endmacro %}


{#- An amount with the plausible range of its landing column (seed ref_plausible_amounts) applied:
    the amount itself when it is negative (negative_amount reports those) or within the range,
    null when it is out of range. `ranges` is a relation with the seed's rows. -#}
{% macro plausible_amount(amount, ranges_alias, entity, column) -%}
    case
        when {{ amount }} is null then null
        when {{ amount }} < 0 then {{ amount }}
        when {{ amount }} >= {{ ranges_alias }}.{{ entity }}__{{ column }}__min
            and {{ amount }} <= {{ ranges_alias }}.{{ entity }}__{{ column }}__max then {{ amount }}
    end
{%- endmacro %}


{#- One row with the bounds of the given (entity, column) pairs as columns
    <entity>__<column>__min / __max, from the seed ref_plausible_amounts; an amount column the
    seed does not list has no bound. -#}
{% macro plausible_amount_bounds(pairs) -%}
    select
        {% for entity, column in pairs -%}
        coalesce(max(case when entity = '{{ entity }}' and column_name = '{{ column }}' then min_value end), 0) as {{ entity }}__{{ column }}__min,
        coalesce(max(case when entity = '{{ entity }}' and column_name = '{{ column }}' then max_value end), 9999999999999999.99) as {{ entity }}__{{ column }}__max{{ "," if not loop.last }}
        {% endfor %}
    from {{ ref('ref_plausible_amounts') }}
{%- endmacro %}
