{{ config(tags=['indicator_component']) }}

{#- MQL and SQL, credited to the owner's team on the MQL and on the SQL day. The conversions
    are cohorts: an MQL counts toward its MQL day whenever it reaches SQL, an SQL toward its
    SQL day whenever its opportunity (linked from either side: an export may fill only
    leads.converted_opportunity_id or opportunities.lead_id) becomes a new-business contract,
    both up to the as-of date, so a numerator never counts a lead its denominator does not hold. -#}
with

leads as (

    select * from {{ ref('fct_leads') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

lead_opportunity_links as (

    select
        lead_id,
        converted_opportunity_id as opportunity_id
    from leads
    where converted_opportunity_id is not null
    union
    select
        lead_id,
        opportunity_id
    from {{ ref('fct_opportunities') }}
    where lead_id is not null

),

contracted_leads as (

    select distinct lead_opportunity_links.lead_id
    from lead_opportunity_links
    inner join {{ ref('fct_contracts') }} as contracts
        on lead_opportunity_links.opportunity_id = contracts.opportunity_id
    cross join reporting_date
    where contracts.contract_type = 'new_business'
        and contracts.signed_date <= reporting_date.as_of_date

),

mql as (

    select
        leads.owner_user_id as user_id,
        leads.team_id_at_mql as team_id,
        leads.business_line,
        leads.mql_date as component_date,
        count(*) as mql_count,
        sum(case when leads.is_sql and leads.sql_date <= reporting_date.as_of_date then 1 else 0 end)
            as mql_reached_sql_count
    from leads
    cross join reporting_date
    where leads.is_mql and leads.mql_date <= reporting_date.as_of_date
    group by 1, 2, 3, 4

),

sql_leads as (

    select
        leads.owner_user_id as user_id,
        leads.team_id_at_sql as team_id,
        leads.business_line,
        leads.sql_date as component_date,
        count(*) as sql_count,
        sum(case when leads.hours_mql_to_sql >= 0 then leads.hours_mql_to_sql end) as mql_to_sql_hours_sum,
        sum(case when leads.hours_mql_to_sql >= 0 then 1 else 0 end) as mql_to_sql_lead_count,
        sum(case when contracted_leads.lead_id is not null then 1 else 0 end) as sql_contracted_count
    from leads
    left join contracted_leads
        on leads.lead_id = contracted_leads.lead_id
    cross join reporting_date
    where leads.is_sql and leads.sql_date <= reporting_date.as_of_date
    group by 1, 2, 3, 4

)

{{ unpivot_components('mql', [('mql_count', 'flow'), ('mql_reached_sql_count', 'flow')]) }}
union all
{{ unpivot_components('sql_leads', [
    ('sql_count', 'flow'), ('mql_to_sql_hours_sum', 'flow'), ('mql_to_sql_lead_count', 'flow'),
    ('sql_contracted_count', 'flow')]) }}
