{#- The issue history is coherent: open issues were seen on the build's as-of date and have no
    resolution date; resolved ones have one, on or after the last date they were seen (on it:
    fixed and re-run the same day); nothing is seen before it was first seen, and no date lies
    after the build's as-of date. -#}
with

issues as (

    select * from {{ ref('fct_data_quality_issues') }}

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

incoherent as (

    select
        issues.finding_id,
        issues.is_open,
        issues.first_seen_as_of,
        issues.last_seen_as_of,
        issues.resolved_as_of
    from issues
    cross join as_of
    where issues.last_seen_as_of < issues.first_seen_as_of
        or (issues.is_open and (issues.resolved_as_of is not null or issues.last_seen_as_of != as_of.as_of_date))
        or (not issues.is_open and (issues.resolved_as_of is null or issues.resolved_as_of < issues.last_seen_as_of))
        or issues.last_seen_as_of > as_of.as_of_date
        or issues.resolved_as_of > as_of.as_of_date

)

select * from incoherent
