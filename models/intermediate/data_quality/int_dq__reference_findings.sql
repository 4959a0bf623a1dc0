{#- Which coded values are not written as the reference list writes them: an account's
    industry, province or city, and the business line of opportunities, contracts and leads,
    checked against seed ref_dq_reference_values (one row per domain and valid code) and its
    aliases (ref_dq_reference_aliases). The value is read as exported (the latest live version
    of the record in the raw base table, before staging trims or lower-cases it), so trailing
    spaces, full-width letters and a different case count. Each finding carries a suggestion:
    the code whose spelling, English name or alias has the same comparison key (macro
    dq_reference_key: half-width, lower case, no spaces, no trailing 省/市); failing that, for
    a complete list, the code at the smallest edit distance (ties: the first code in order).
    For a list that is not complete (cities) a value with no key match is not a finding.
    measured_value is the edit distance between the keys (0 for a spelling or alias match).
    Rules: industry_not_in_reference, region_not_in_reference (column_name province or city),
    business_line_variant.
    A table, not a view: its Spark SQL (the normalisation expanded per column) is longer than
    the Hive metastore of the Spark target stores as view text. -#}
{{ config(materialized='table') }}
{%- set line_entities = [
    {'entity': 'opportunities', 'key': 'opportunity_id', 'date': 'created_at'},
    {'entity': 'contracts', 'key': 'contract_id', 'date': 'signed_date'},
    {'entity': 'leads', 'key': 'lead_id', 'date': 'created_at'},
] %}

with

base_accounts as (

    select * from {{ ref('base_crm__accounts') }}

),

base_opportunities as (

    select * from {{ ref('base_crm__opportunities') }}

),

base_contracts as (

    select * from {{ ref('base_crm__contracts') }}

),

base_leads as (

    select * from {{ ref('base_crm__leads') }}

),

accounts_latest as (

    {{ dedupe_latest('base_accounts', ['account_id'], 'updated_at') }}

),

opportunities_latest as (

    {{ dedupe_latest('base_opportunities', ['opportunity_id'], 'updated_at') }}

),

contracts_latest as (

    {{ dedupe_latest('base_contracts', ['contract_id'], 'updated_at') }}

),

leads_latest as (

    {{ dedupe_latest('base_leads', ['lead_id'], 'updated_at') }}

),

reference_values as (

    select * from {{ ref('ref_dq_reference_values') }}

),

reference_aliases as (

    select * from {{ ref('ref_dq_reference_aliases') }}

),

{# Every spelling that identifies a code: the code itself, its Chinese full name, its
    English name and its aliases. #}
spellings as (

    select
        domain,
        code,
        code as spelling
    from reference_values
    union all
    select
        domain,
        code,
        name_zh as spelling
    from reference_values
    where name_zh is not null
    union all
    select
        domain,
        code,
        name_en as spelling
    from reference_values
    where name_en is not null
    union all
    select
        domain,
        code,
        alias as spelling
    from reference_aliases

),

spelling_keys as (

    select distinct
        spellings.domain,
        spellings.code,
        reference_values.name_zh,
        {{ dq_reference_key('spellings.spelling') }} as spelling_key
    from spellings
    inner join reference_values
        on spellings.domain = reference_values.domain
            and spellings.code = reference_values.code

),

domains as (

    select
        domain,
        max(case when is_complete_list then 1 else 0 end) as is_complete_list
    from reference_values
    group by domain

),

account_values as (

    {% for column in ['industry', 'province', 'city'] %}
        select
            'accounts' as entity,
            {{ clean_text('account_id') }} as record_id,
            {{ sql_string(column) }} as column_name,
            {{ sql_string(column) }} as domain,
            {{ clean_text('owner_user_id') }} as responsible_user_id,
            cast({{ parse_timestamp('created_at') }} as date) as record_date,
            {{ column }} as observed_value
        from accounts_latest
        where not coalesce({{ parse_boolean('is_deleted') }}, false)
            and {{ clean_text(column) }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

line_values as (

    {% for e in line_entities %}
        select
            {{ sql_string(e.entity) }} as entity,
            {{ clean_text(e.key) }} as record_id,
            'business_line' as column_name,
            'business_line' as domain,
            {{ clean_text('owner_user_id') }} as responsible_user_id,
            cast({{ parse_timestamp(e.date) }} as date) as record_date,
            business_line as observed_value
        from {{ e.entity }}_latest
        where not coalesce({{ parse_boolean('is_deleted') }}, false)
            and {{ clean_text('business_line') }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

observed as (

    select * from account_values
    union all
    select * from line_values

),

nonconforming as (

    select
        observed.*,
        {{ dq_reference_key('observed.observed_value') }} as observed_key
    from observed
    left join reference_values
        on observed.domain = reference_values.domain
            and observed.observed_value = reference_values.code
    where reference_values.code is null

),

candidates as (

    select
        nonconforming.entity,
        nonconforming.record_id,
        nonconforming.column_name,
        spelling_keys.code,
        spelling_keys.name_zh,
        {{ dq_edit_distance('nonconforming.observed_key', 'spelling_keys.spelling_key') }} as edit_distance
    from nonconforming
    inner join spelling_keys
        on nonconforming.domain = spelling_keys.domain

),

nearest as (

    select
        entity,
        record_id,
        column_name,
        code,
        name_zh,
        edit_distance,
        row_number() over (
            partition by entity, record_id, column_name
            order by edit_distance asc, code asc
        ) as candidate_rank
    from candidates

),

suggested as (

    select
        nonconforming.*,
        nearest.code as suggested_code,
        nearest.edit_distance
    from nonconforming
    inner join domains
        on nonconforming.domain = domains.domain
    left join nearest
        on nonconforming.entity = nearest.entity
            and nonconforming.record_id = nearest.record_id
            and nonconforming.column_name = nearest.column_name
            and nearest.candidate_rank = 1
    where domains.is_complete_list = 1
        or nearest.edit_distance = 0

),

final as (

    select
        case column_name
            when 'industry' then 'industry_not_in_reference'
            when 'business_line' then 'business_line_variant'
            else 'region_not_in_reference'
        end as rule_code,
        entity,
        record_id,
        column_name,
        responsible_user_id,
        record_date,
        cast(edit_distance as double) as measured_value,
        concat(
            case column_name
                when 'industry' then '行业'
                when 'province' then '省份'
                when 'city' then '城市'
                else '业务线'
            end,
            '写作「', observed_value, '」，不在标准清单中；',
            case
                when edit_distance = 0 then concat('应为「', suggested_code, '」')
                else concat('最接近的标准值是「', suggested_code, '」')
            end
        ) as detail_zh,
        concat(
            column_name, ' is written "', observed_value, '", which is not in the reference list; ',
            case
                when edit_distance = 0 then concat('it means "', suggested_code, '"')
                else concat('the nearest valid value is "', suggested_code, '"')
            end
        ) as detail_en
    from suggested

)

select * from final
