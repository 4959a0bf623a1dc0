{#- The open/resolved history of findings kept across refreshes (data-quality issues, alerts).

    Expects CTEs `as_of` (one row: as_of_date), `findings` (what this build found, one row
    per key) and `previous` (the table as the previous build left it; an empty relation with
    the same columns on the first build) in the calling model. Writes the CTEs `found_now`,
    `no_longer_found` and `finding_history` (their union), with the `attributes` of each row
    followed by `<first_seen_column>`, last_seen_as_of, is_open and resolved_as_of:

    - found now: open, last seen on this as-of date, first seen on the earlier date kept from
      the previous state (a finding that disappeared and came back reopens with it);
    - no longer found: closed, resolved on this as-of date if it was open, else its old date.

    The calling model rewrites its whole table from `finding_history` (one constant partition),
    the same on DuckDB and Spark. Dates are as-of dates, never the wall clock. -#}
{% macro finding_history(key, attributes, first_seen_column) %}
found_now as (

    select
        {%- for column in attributes %}
        findings.{{ column }},
        {%- endfor %}
        case
            when previous.{{ first_seen_column }} is null or previous.{{ first_seen_column }} > as_of.as_of_date
                then as_of.as_of_date
            else previous.{{ first_seen_column }}
        end as {{ first_seen_column }},
        as_of.as_of_date as last_seen_as_of,
        true as is_open,
        cast(null as date) as resolved_as_of
    from findings
    cross join as_of
    left join previous
        on findings.{{ key }} = previous.{{ key }}

),

no_longer_found as (

    select
        {%- for column in attributes %}
        previous.{{ column }},
        {%- endfor %}
        previous.{{ first_seen_column }},
        previous.last_seen_as_of,
        false as is_open,
        case
            when previous.is_open then as_of.as_of_date
            else previous.resolved_as_of
        end as resolved_as_of
    from previous
    cross join as_of
    left join findings
        on previous.{{ key }} = findings.{{ key }}
    where findings.{{ key }} is null

),

finding_history as (

    select * from found_now
    union all
    select * from no_longer_found

)
{% endmacro %}
