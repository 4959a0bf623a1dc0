{#- The open/resolved history of findings kept across refreshes (data-quality issues, alerts).

    Expects CTEs `as_of` (one row: as_of_date), `findings` (what this build found, one row
    per key) and `previous` (the table as the previous build left it; an empty relation with
    the same columns on the first build) in the calling model. Writes the CTEs `found_now`,
    `no_longer_found` and `finding_history` (their union), with the `attributes` of each row
    followed by `<first_seen_column>`, last_seen_as_of, is_open and resolved_as_of:

    - found now: open, last seen on this as-of date, first seen on the earlier date kept from
      the previous state (a finding that disappeared and came back reopens with it);
    - no longer found: closed, resolved on this as-of date if it was open, else its old date.
      A re-run on the same as-of date after a fix resolves it on the date it was last seen
      (resolved_as_of = last_seen_as_of is coherent: fixed the same day).

    The as-of date can move back (a mistyped 2062 timestamp moved it forward, the fix moves it
    back): the previous state is read as of the new date. A finding first seen after it is
    dropped unless found again (it was only ever seen in a future that did not happen); last
    seen and resolution dates after it become the new as-of date. So `fix the file and rerun`
    works the same day, the next day, and after a wrong as-of date.

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
        case
            when previous.last_seen_as_of > as_of.as_of_date then as_of.as_of_date
            else previous.last_seen_as_of
        end as last_seen_as_of,
        false as is_open,
        case
            when previous.is_open or previous.resolved_as_of > as_of.as_of_date then as_of.as_of_date
            else previous.resolved_as_of
        end as resolved_as_of
    from previous
    cross join as_of
    left join findings
        on previous.{{ key }} = findings.{{ key }}
    where findings.{{ key }} is null
        and previous.{{ first_seen_column }} <= as_of.as_of_date

),

finding_history as (

    select * from found_now
    union all
    select * from no_longer_found

)
{% endmacro %}
