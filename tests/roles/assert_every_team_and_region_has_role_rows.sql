{#- Every real team has a team-board row and a month and a quarter contest row; every region
    of a real team, every business line and the company have the month's bookings on the
    director cockpit. -#}
with

teams as (

    select * from {{ ref('dim_teams') }}
    where not is_unknown

),

expected as (

    select
        'team_board' as check_name,
        team_id as entity_id,
        1 as expected_rows
    from teams
    union all
    select
        'team_contest' as check_name,
        team_id as entity_id,
        2 as expected_rows
    from teams
    union all
    select distinct
        'cockpit_region' as check_name,
        region_id as entity_id,
        1 as expected_rows
    from teams
    union all
    select distinct
        'cockpit_business_line' as check_name,
        business_line as entity_id,
        1 as expected_rows
    from teams
    union all
    select
        'cockpit_company' as check_name,
        'company' as entity_id,
        1 as expected_rows

),

actual as (

    select
        'team_board' as check_name,
        team_id as entity_id,
        count(*) as row_count
    from {{ ref('team_board') }}
    group by 1, 2
    union all
    select
        'team_contest' as check_name,
        team_id as entity_id,
        count(*) as row_count
    from {{ ref('team_contest') }}
    group by 1, 2
    union all
    select
        'cockpit_' || grain as check_name,
        entity_id,
        count(*) as row_count
    from {{ ref('director_cockpit_kpis') }}
    where indicator_code = 'bookings_amount'
        and period_type = 'month'
    group by 1, 2

)

select
    expected.check_name,
    expected.entity_id,
    expected.expected_rows,
    actual.row_count
from expected
left join actual
    on expected.check_name = actual.check_name
        and expected.entity_id = actual.entity_id
where actual.row_count is null
    or actual.row_count != expected.expected_rows
