{#- Helpers of the data-quality layer (models/intermediate/data_quality). -#}

{#- A rule's threshold from the rule catalog (seed ref_dq_rules), converted to `unit`
    (seconds, minutes, hours or days). Used inside an aggregate over the catalog, e.g.
    `select {{ dq_threshold('activity_logged_late', 'seconds') }} as late_seconds from rules`. -#}
{% macro dq_threshold(rule_code, unit) -%}
    {%- set seconds = {'seconds': 1, 'minutes': 60, 'hours': 3600, 'days': 86400} -%}
    max(case when rule_code = {{ sql_string(rule_code) }} then
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


{#- Weighted open issues per 100 records entered: 100 × Σ score_weight ÷ records entered
    (null when nothing was entered). Weights are score_weight in ref_dq_rules (warn 1,
    critical 3). -#}
{% macro dq_issue_rate(weighted_open_issues, records_entered) -%}
    cast(case
        when {{ records_entered }} > 0
            then 100.0 * cast({{ weighted_open_issues }} as double) / {{ records_entered }}
    end as double)
{%- endmacro %}


{#- The data-quality score (0–100, one decimal) of a rep or team:
    100 × (1 − min(1, weighted issues per 100 records ÷ zero_rate)), where zero_rate is the
    rate at which the score reaches 0 (ref_business_thresholds.dq_score_zero_issue_rate, 10:
    each weighted issue per 100 records costs 10 points); 0 when issues are open but nothing
    was entered, null when neither. -#}
{% macro dq_score(weighted_open_issues, records_entered, zero_rate) -%}
    cast(case
        when {{ records_entered }} > 0
            then round(100.0 * (1.0 - least(1.0,
                {{ dq_issue_rate(weighted_open_issues, records_entered) }} / {{ zero_rate }}
            )), 1)
        when {{ weighted_open_issues }} > 0 then 0.0
    end as double)
{%- endmacro %}


{#- A value of ref_business_thresholds, inside an aggregate over the seed, e.g.
    `select {{ dq_business_threshold('dq_score_zero_issue_rate') }} as zero_rate from thresholds`. -#}
{% macro dq_business_threshold(threshold_code) -%}
    max(case when threshold_code = {{ sql_string(threshold_code) }} then cast(threshold_value as double) end)
{%- endmacro %}


{#- A coded value reduced for comparison with a reference list (seed ref_dq_reference_values
    and its aliases): full-width digits and letters to half-width, the ideographic and the
    no-break space to a space, lower case, every space removed, then a trailing 省, 市,
    "province" or "city" dropped — so that 「广东省」, 「Guangdong」 and 「ＧＵＡＮＧＤＯＮＧ 」 and
    「制造 业」 all compare by the same key. Written with translate/replace/regexp_replace on a
    pattern without backslashes, so it reads the same on DuckDB and Spark. -#}
{% macro dq_reference_key(expr) -%}
    regexp_replace(
        replace(lower(translate(coalesce({{ expr }}, ''), '０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ　 ', '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz  ')), ' ', ''),
        '(省|市|province|city)$', ''
    )
{%- endmacro %}


{#- Edit distance (insertions, deletions, substitutions of characters) between two strings:
    levenshtein on DuckDB and on Spark (both count characters, not bytes). -#}
{% macro dq_edit_distance(left, right) -%}
    {{ return(adapter.dispatch('dq_edit_distance', 'crm_indicators')(left, right)) }}
{%- endmacro %}

{% macro default__dq_edit_distance(left, right) -%}
    levenshtein({{ left }}, {{ right }})
{%- endmacro %}

{% macro spark__dq_edit_distance(left, right) -%}
    levenshtein({{ left }}, {{ right }})
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
        coalesce(max(case when entity = {{ sql_string(entity) }} and column_name = {{ sql_string(column) }} then min_value end), 0) as {{ entity }}__{{ column }}__min,
        coalesce(max(case when entity = {{ sql_string(entity) }} and column_name = {{ sql_string(column) }} then max_value end), 9999999999999999.99) as {{ entity }}__{{ column }}__max{{ "," if not loop.last }}
        {% endfor %}
    from {{ ref('ref_plausible_amounts') }}
{%- endmacro %}
