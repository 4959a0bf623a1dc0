{{ config(tags=['indicator_component']) }}

{#- Completed visits up to the as-of date, per owner, the team on the visit day and day: all,
    to key and large accounts, first visits of an account (its first completed visit ever,
    the unknown account '-1' excluded) and those with a positive outcome. The one model that
    aggregates is_completed_visit. -#}
with

completed_visits as (

    select
        activities.*,
        row_number() over (
            partition by activities.account_id
            order by activities.occurred_at, activities.activity_id
        ) as account_visit_number
    from {{ ref('fct_activities') }} as activities
    where activities.is_completed_visit
        and activities.occurred_date <= {{ as_of_date() }}

),

daily as (

    select
        owner_user_id as user_id,
        team_id,
        cast(null as {{ dbt.type_string() }}) as business_line,
        activity_date as component_date,
        count(*) as visit_count,
        sum(case when is_key_account then 1 else 0 end) as ka_visit_count,
        sum(case when is_large_account then 1 else 0 end) as large_account_visit_count,
        sum(case when account_visit_number = 1 and account_id != '-1' then 1 else 0 end) as first_visit_count,
        sum(case when account_visit_number = 1 and account_id != '-1' and outcome = 'positive' then 1 else 0 end)
            as first_visit_positive_count
    from completed_visits
    group by 1, 2, 3, 4

)

{{ unpivot_components('daily', [
    ('visit_count', 'flow'), ('ka_visit_count', 'flow'), ('large_account_visit_count', 'flow'),
    ('first_visit_count', 'flow'), ('first_visit_positive_count', 'flow')]) }}
