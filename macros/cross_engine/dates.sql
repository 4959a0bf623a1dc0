{#- Date arithmetic that differs between DuckDB and Spark. Models call these, never the
    engine's own spelling. -#}

{% macro month_start(column) -%}
    {{ return(adapter.dispatch('month_start', 'crm_indicators')(column)) }}
{%- endmacro %}
{% macro default__month_start(column) -%}
    cast(date_trunc('month', {{ column }}) as date)
{%- endmacro %}
{% macro spark__month_start(column) -%}
    trunc({{ column }}, 'MM')
{%- endmacro %}


{% macro quarter_start(column) -%}
    {{ return(adapter.dispatch('quarter_start', 'crm_indicators')(column)) }}
{%- endmacro %}
{% macro default__quarter_start(column) -%}
    cast(date_trunc('quarter', {{ column }}) as date)
{%- endmacro %}
{% macro spark__quarter_start(column) -%}
    trunc({{ column }}, 'QUARTER')
{%- endmacro %}


{% macro year_start(column) -%}
    {{ return(adapter.dispatch('year_start', 'crm_indicators')(column)) }}
{%- endmacro %}
{% macro default__year_start(column) -%}
    cast(date_trunc('year', {{ column }}) as date)
{%- endmacro %}
{% macro spark__year_start(column) -%}
    trunc({{ column }}, 'YEAR')
{%- endmacro %}


{#- Whole days from start_date to end_date (end − start), on dates. -#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between', 'crm_indicators')(start_date, end_date)) }}
{%- endmacro %}
{% macro default__days_between(start_date, end_date) -%}
    cast(date_diff('day', cast({{ start_date }} as date), cast({{ end_date }} as date)) as int)
{%- endmacro %}
{% macro spark__days_between(start_date, end_date) -%}
    datediff(cast({{ end_date }} as date), cast({{ start_date }} as date))
{%- endmacro %}


{#- Fractional hours from start_ts to end_ts. -#}
{% macro hours_between(start_ts, end_ts) -%}
    cast(({{ epoch_seconds(end_ts) }} - {{ epoch_seconds(start_ts) }}) as double) / 3600.0
{%- endmacro %}

{% macro epoch_seconds(ts) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'crm_indicators')(ts)) }}
{%- endmacro %}
{% macro default__epoch_seconds(ts) -%}
    epoch({{ ts }})
{%- endmacro %}
{% macro spark__epoch_seconds(ts) -%}
    unix_timestamp({{ ts }})
{%- endmacro %}


{% macro add_days(date_expr, days) -%}
    {{ return(adapter.dispatch('add_days', 'crm_indicators')(date_expr, days)) }}
{%- endmacro %}
{% macro default__add_days(date_expr, days) -%}
    cast(cast({{ date_expr }} as date) + to_days(cast({{ days }} as integer)) as date)
{%- endmacro %}
{% macro spark__add_days(date_expr, days) -%}
    date_add(cast({{ date_expr }} as date), cast({{ days }} as int))
{%- endmacro %}


{% macro add_months(date_expr, months) -%}
    {{ return(adapter.dispatch('add_months', 'crm_indicators')(date_expr, months)) }}
{%- endmacro %}
{% macro default__add_months(date_expr, months) -%}
    cast(cast({{ date_expr }} as date) + to_months(cast({{ months }} as integer)) as date)
{%- endmacro %}
{% macro spark__add_months(date_expr, months) -%}
    add_months(cast({{ date_expr }} as date), cast({{ months }} as int))
{%- endmacro %}


{% macro add_minutes(ts_expr, minutes) -%}
    {{ return(adapter.dispatch('add_minutes', 'crm_indicators')(ts_expr, minutes)) }}
{%- endmacro %}
{% macro default__add_minutes(ts_expr, minutes) -%}
    ({{ ts_expr }} + to_minutes(cast({{ minutes }} as bigint)))
{%- endmacro %}
{% macro spark__add_minutes(ts_expr, minutes) -%}
    timestamp_seconds(unix_timestamp({{ ts_expr }}) + cast({{ minutes }} as bigint) * 60)
{%- endmacro %}


{#- One row per day from start_date to end_date inclusive, column `date_day`. -#}
{% macro date_spine(start_date, end_date) -%}
    {{ return(adapter.dispatch('date_spine', 'crm_indicators')(start_date, end_date)) }}
{%- endmacro %}
{% macro default__date_spine(start_date, end_date) -%}
    select cast(generate_series as date) as date_day
    from generate_series(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval 1 day)
{%- endmacro %}
{% macro spark__date_spine(start_date, end_date) -%}
    select explode(sequence(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day)) as date_day
{%- endmacro %}


{#- Day of week, 1 = Monday … 7 = Sunday (ISO). -#}
{% macro iso_day_of_week(date_expr) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'crm_indicators')(date_expr)) }}
{%- endmacro %}
{% macro default__iso_day_of_week(date_expr) -%}
    isodow({{ date_expr }})
{%- endmacro %}
{% macro spark__iso_day_of_week(date_expr) -%}
    (dayofweek({{ date_expr }}) + 5) % 7 + 1
{%- endmacro %}
