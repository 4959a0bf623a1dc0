{#- Incremental facts are rebuilt a partition (month of creation) at a time: every month that
    holds a changed, new or deleted row in the look-back window is replaced whole. DuckDB does
    it with delete+insert on the partition column, Spark with a dynamic partition overwrite;
    both give the same rows as a full refresh. -#}
{% macro partition_overwrite_strategy() -%}
    {{ return(adapter.dispatch('partition_overwrite_strategy', 'crm_indicators')()) }}
{%- endmacro %}
{% macro default__partition_overwrite_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}
{% macro spark__partition_overwrite_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}


{#- Months (partition keys) an incremental run must rebuild: the month of `partition_column`
    (a raw timestamp that does not change when the record is edited, e.g. created_at) of every
    raw row changed since the target's latest change minus the look-back window (var
    `incremental_lookback_days`). Reads the raw base table so deletions count as changes. -#}
{% macro changed_partition_months(base_relation, partition_column, change_column, target_change_column) -%}
    select distinct
        {{ partition_month(parse_timestamp(partition_column)) }} as partition_month
    from {{ base_relation }}
    where {{ parse_timestamp(change_column) }} > (
        select {{ add_days('max(' ~ target_change_column ~ ')', -1 * sql_integer(var('incremental_lookback_days', 3), 'incremental_lookback_days')) }}
        from {{ this }}
    )
{%- endmacro %}


{#- The partition key of a timestamp: its month, or 1900-01-01 when it is missing. -#}
{% macro partition_month(timestamp_expr) -%}
    coalesce({{ month_start('cast(' ~ timestamp_expr ~ ' as date)') }}, cast('1900-01-01' as date))
{%- endmacro %}
