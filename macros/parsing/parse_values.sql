{#- Text → typed value parsers used by staging. Landing columns arrive as text; a value that
    cannot be parsed becomes null on every engine (never an engine-dependent error), and the
    data-quality layer reports it. -#}

{#- Free text as exported, trimmed alike on both engines: a tab, the ideographic space (U+3000,
    from Chinese input methods) and the no-break space (U+00A0, from Excel and web copies) count
    as spaces; Spark's trim() removes only the ASCII space, DuckDB's more. Empty is null. -#}
{% macro clean_text(column) -%}
    nullif(trim(translate({{ column }}, '	　 ', '   ')), '')
{%- endmacro %}


{#- The landing parsing rule (docs/landing-contract.md, "How values are read"). The gate
    implements the same rule in src/crm_warehouse/gate/column_types.py with the same regular expressions;
    tests/python/gate/test_parse_rule.py feeds both the cases of the parse_rule__* unit tests.

    Every typed value is first normalised: tabs, no-break and full-width spaces become spaces,
    full-width digits and signs (０-９ ． ， － ＋ ： ／ ￥) become ASCII, surrounding spaces
    are trimmed, and an empty value is null. A present value that does not match the rule is
    null here and a `value_not_parsed` data-quality issue (int_dq__unparsed_values). The
    patterns reach SQL through sql_string, which escapes them for each engine's string literals.
    `normalised=true` says the argument is already landing_value() output (saves repeating
    the normalisation in large models). -#}

{%- macro landing_number_pattern() -%}
[+-]?(?:¥|rmb ?|cny ?)?(?:[0-9]{1,3}(?:,[0-9]{3})+(?:[.][0-9]+)?|[0-9]+(?:[.][0-9]+)?(?:e[+-]?[0-9]+)?)(?: ?元)?
{%- endmacro -%}

{%- macro landing_integer_pattern() -%}
[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:[.]0+)?
{%- endmacro -%}

{#- Groups: 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second, 7 fraction, 8 offset (Z, +08,
    +0800, +08:00). A bare date is midnight. -#}
{%- macro landing_timestamp_pattern() -%}
([1-9][0-9]{3})-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01])(?:[ T]([01]?[0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])([.][0-9]{1,9})?)?(?: ?([zZ]|[+-](?:0[0-9]|1[0-4]):?(?:[0-5][0-9])?))?)?
{%- endmacro -%}


{% macro landing_value(column) -%}
    nullif(trim(translate(
        replace(replace(replace({{ column }}, chr(9), ' '), '　', ' '), ' ', ' '),
        '０１２３４５６７８９．，－＋：／￥', '0123456789.,-+:/¥'
    )), '')
{%- endmacro %}


{#- Dates and timestamps also read 2026/11/05 and 2026年11月5日 (the separators become '-'). -#}
{% macro landing_datetime_value(column, normalised=false) -%}
    translate({{ column if normalised else landing_value(column) }}, '/年月日', '---')
{%- endmacro %}


{#- True when `expr` matches `pattern` as a whole (the pattern is a constant of this file). -#}
{% macro regex_full_match(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'crm_indicators')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(expr, pattern) -%}
    regexp_full_match({{ expr }}, {{ sql_string(pattern) }})
{%- endmacro %}

{% macro spark__regex_full_match(expr, pattern) -%}
    ({{ expr }} rlike {{ sql_string('^(?:' ~ pattern ~ ')$') }})
{%- endmacro %}


{% macro regex_remove_all(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_remove_all', 'crm_indicators')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_remove_all(expr, pattern) -%}
    regexp_replace({{ expr }}, {{ sql_string(pattern) }}, '', 'g')
{%- endmacro %}

{% macro spark__regex_remove_all(expr, pattern) -%}
    regexp_replace({{ expr }}, {{ sql_string(pattern) }}, '')
{%- endmacro %}


{% macro parse_boolean(column, normalised=false) -%}
    {%- set value = column if normalised else landing_value(column) -%}
    case
        when lower({{ value }}) in ('true', 't', '1', 'yes', 'y', '是') then true
        when lower({{ value }}) in ('false', 'f', '0', 'no', 'n', '否') then false
    end
{%- endmacro %}


{#- Money and other decimals: thousands separators in groups of three (1,234.50), a leading
    ¥ / RMB / CNY or a trailing 元, scientific notation (1.2e3), rounded half away from zero to
    `scale` decimals; a value beyond the decimal's range is null (and reported). -#}
{% macro parse_decimal(column, precision=18, scale=2, normalised=false) -%}
    {%- set value = 'lower(' ~ (column if normalised else landing_value(column)) ~ ')' -%}
    case when {{ regex_full_match(value, landing_number_pattern()) }}
        then try_cast({{ regex_remove_all(value, '[^0-9e.+-]') }}
            as decimal({{ precision }}, {{ scale }}))
    end
{%- endmacro %}


{#- Whole numbers: thousands separators in groups of three, and Excel's trailing .0. -#}
{% macro parse_integer(column, normalised=false) -%}
    {%- set value = column if normalised else landing_value(column) -%}
    case when {{ regex_full_match(value, landing_integer_pattern()) }}
        then try_cast({{ regex_remove_all(value, '[.]0+$|,') }} as bigint)
    end
{%- endmacro %}


{#- A date column follows the timestamp rule (a time part, e.g. Excel's 2026/11/5 0:00, is
    allowed) and keeps the business-local calendar date. -#}
{% macro parse_date(column, normalised=false) -%}
    cast({{ parse_timestamp(column, normalised) }} as date)
{%- endmacro %}


{#- Business-local timestamp: YYYY-MM-DD (a bare date is midnight), then optionally a time
    H:MM[:SS[.fraction]] after a space or 'T', then optionally an offset (Z, +08, +0800,
    +08:00), which is converted to business local time. The matched parts are rebuilt into
    the canonical 'YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM]' text before the cast, so both engines
    cast the same text; an impossible calendar date (2026-02-30) is null. -#}
{% macro landing_timestamp_part(value, group) -%}
    regexp_extract({{ value }}, {{ sql_string('^' ~ landing_timestamp_pattern() ~ '$') }}, {{ group }})
{%- endmacro %}

{% macro landing_timestamp_canonical(value) -%}
    concat(
        {{ landing_timestamp_part(value, 1) }}, '-',
        lpad({{ landing_timestamp_part(value, 2) }}, 2, '0'), '-',
        lpad({{ landing_timestamp_part(value, 3) }}, 2, '0'), ' ',
        lpad(coalesce(nullif({{ landing_timestamp_part(value, 4) }}, ''), '0'), 2, '0'), ':',
        coalesce(nullif({{ landing_timestamp_part(value, 5) }}, ''), '00'), ':',
        coalesce(nullif({{ landing_timestamp_part(value, 6) }}, ''), '00'),
        substr({{ landing_timestamp_part(value, 7) }}, 1, 7)
    )
{%- endmacro %}

{% macro landing_timestamp_offset(value) -%}
    {%- set offset = "replace(" ~ landing_timestamp_part(value, 8) ~ ", ':', '')" -%}
    case
        when upper({{ offset }}) = 'Z' then '+00:00'
        when {{ offset }} != '' then concat(
            substr({{ offset }}, 1, 3), ':',
            case when length({{ offset }}) = 5 then substr({{ offset }}, 4, 2) else '00' end)
    end
{%- endmacro %}

{% macro parse_timestamp(column, normalised=false) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'crm_indicators')(column, normalised)) }}
{%- endmacro %}

{#- DuckDB: the parts are extracted once, as a struct, and rebuilt inside a lambda (keeps the
    SQL small where a model parses many columns). -#}
{% macro default__parse_timestamp(column, normalised=false) -%}
    {%- set canonical -%}
        concat(
            _ts['y'], '-', lpad(_ts['mo'], 2, '0'), '-', lpad(_ts['d'], 2, '0'), ' ',
            lpad(coalesce(nullif(_ts['h'], ''), '0'), 2, '0'), ':', coalesce(nullif(_ts['mi'], ''), '00'), ':',
            coalesce(nullif(_ts['s'], ''), '00'), substr(_ts['f'], 1, 7)
        )
    {%- endset -%}
    list_transform(
        [regexp_extract({{ landing_datetime_value(column, normalised) }}, {{ sql_string('^' ~ landing_timestamp_pattern() ~ '$') }},
            ['y', 'mo', 'd', 'h', 'mi', 's', 'f', 'o'])],
        lambda _ts: case
            when coalesce(_ts['y'], '') = '' then null
            when _ts['o'] = '' then try_cast({{ canonical }} as timestamp)
            else timezone({{ sql_string(var("business_timezone")) }}, try_cast(concat(
                {{ canonical }},
                case
                    when upper(_ts['o']) = 'Z' then '+00:00'
                    else concat(
                        substr(replace(_ts['o'], ':', ''), 1, 3), ':',
                        case when length(replace(_ts['o'], ':', '')) = 5 then substr(replace(_ts['o'], ':', ''), 4, 2) else '00' end)
                end) as timestamptz))
        end
    )[1]
{%- endmacro %}

{#- Spark's session time zone is the business time zone (profiles.yml), so a cast converts
    an offset to it and leaves an offset-less value as it is. -#}
{% macro spark__parse_timestamp(column, normalised=false) -%}
    {%- set value = landing_datetime_value(column, normalised) -%}
    case
        when {{ regex_full_match(value, landing_timestamp_pattern()) }}
            then try_cast(concat(
                {{ landing_timestamp_canonical(value) }},
                coalesce({{ landing_timestamp_offset(value) }}, '')) as timestamp)
    end
{%- endmacro %}


{#- Display mask for a name a person may need to recognise, never to use: the first
    character (张**). Phones get no mask: a partial number beside its hash lets the hash be
    reversed by trying the missing digits. Hashes: macros/utils/pii.sql. -#}
{% macro mask_name(column) -%}
    case when nullif(trim({{ column }}), '') is not null
        then concat(substr(trim({{ column }}), 1, 1), '**') end
{%- endmacro %}
