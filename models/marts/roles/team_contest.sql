{#- Which team is winning the contest (业绩PK)? One row per team and period (month and quarter
    to date of the as-of date): bookings credited to the team (the owner's team on the
    signing date), the team's quota for the period, attainment, and the rank against the
    other teams of the same business line by attainment (standard competition ranking, ties
    share a rank), with the gap to the leader. -#}
with

teams as (

    select * from {{ ref('dim_teams') }}

),

contracts as (

    select * from {{ ref('fct_contracts') }}

),

quotas as (

    select * from {{ ref('fct_quotas') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

periods as (

    select
        'month' as period_type,
        {{ month_start('as_of_date') }} as period_start_date,
        {{ add_days(add_months(month_start('as_of_date'), 1), -1) }} as period_last_date,
        as_of_date
    from reporting_date
    union all
    select
        'quarter' as period_type,
        {{ quarter_start('as_of_date') }} as period_start_date,
        {{ add_days(add_months(quarter_start('as_of_date'), 3), -1) }} as period_last_date,
        as_of_date
    from reporting_date

),

team_periods as (

    select
        teams.team_id,
        teams.team_name,
        teams.business_line,
        teams.region_id,
        teams.region_name,
        periods.*
    from teams
    cross join periods
    where not teams.is_unknown

),

team_bookings as (

    select
        team_periods.team_id,
        team_periods.period_type,
        sum(contracts.total_amount_cny) as bookings_cny,
        count(*) as contracts_signed
    from team_periods
    inner join contracts
        on team_periods.team_id = contracts.team_id_at_signed
            and contracts.signed_date between team_periods.period_start_date and team_periods.as_of_date
    group by 1, 2

),

team_quotas as (

    select
        team_periods.team_id,
        team_periods.period_type,
        sum(quotas.target_value) as quota_cny
    from team_periods
    inner join quotas
        on team_periods.team_id = quotas.team_id
            and quotas.owner_type = 'team'
            and quotas.metric = 'bookings_amount'
            and quotas.period_month between team_periods.period_start_date and team_periods.period_last_date
    group by 1, 2

),

scored as (

    select
        team_periods.*,
        cast(coalesce(team_bookings.bookings_cny, 0) as decimal(18, 2)) as bookings_cny,
        cast(coalesce(team_bookings.contracts_signed, 0) as int) as contracts_signed,
        cast(team_quotas.quota_cny as decimal(18, 2)) as quota_cny,
        {{ safe_divide('coalesce(team_bookings.bookings_cny, 0)', 'team_quotas.quota_cny') }} as attainment
    from team_periods
    left join team_bookings
        on team_periods.team_id = team_bookings.team_id
            and team_periods.period_type = team_bookings.period_type
    left join team_quotas
        on team_periods.team_id = team_quotas.team_id
            and team_periods.period_type = team_quotas.period_type

),

ranked as (

    select
        scored.*,
        case
            when scored.attainment is not null
                then rank() over (
                        partition by scored.period_type, scored.business_line
                        order by scored.attainment desc nulls last
                    )
        end as contest_rank,
        count(*) over (partition by scored.period_type, scored.business_line) as teams_in_contest,
        max(scored.attainment) over (partition by scored.period_type, scored.business_line) as leader_attainment
    from scored

),

final as (

    select
        team_id,
        team_name,
        business_line,
        region_id,
        region_name,
        period_type,
        period_start_date,
        as_of_date as period_end_date,
        bookings_cny,
        contracts_signed,
        quota_cny,
        cast(quota_cny - bookings_cny as decimal(18, 2)) as gap_to_quota_cny,
        cast(attainment as double) as attainment,
        cast(contest_rank as int) as contest_rank,
        cast(teams_in_contest as int) as teams_in_contest,
        cast(leader_attainment - attainment as double) as attainment_gap_to_leader
    from ranked

)

select * from final
