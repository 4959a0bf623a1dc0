{%- set foreign_keys = [
    {'entity': 'activities', 'key': 'activity_id', 'owner': 'activities.owner_user_id', 'date': 'coalesce(activities.occurred_at, activities.planned_at, activities.created_at)',
     'columns': [('owner_user_id', 'users'), ('account_id', 'accounts'), ('opportunity_id', 'opportunities'), ('contact_id', 'contacts')]},
    {'entity': 'opportunities', 'key': 'opportunity_id', 'owner': 'opportunities.owner_user_id', 'date': 'opportunities.created_at',
     'columns': [('owner_user_id', 'users'), ('account_id', 'accounts')]},
    {'entity': 'contracts', 'key': 'contract_id', 'owner': 'contracts.owner_user_id', 'date': 'contracts.signed_date',
     'columns': [('opportunity_id', 'opportunities'), ('account_id', 'accounts'), ('owner_user_id', 'users')]},
    {'entity': 'leads', 'key': 'lead_id', 'owner': 'leads.owner_user_id', 'date': 'leads.created_at',
     'columns': [('owner_user_id', 'users'), ('account_id', 'accounts'), ('campaign_id', 'campaigns')]},
    {'entity': 'contacts', 'key': 'contact_id', 'owner': 'cast(null as ' ~ dbt.type_string() ~ ')', 'date': 'contacts.created_at',
     'columns': [('account_id', 'accounts')]},
] -%}
{%- set orphan_checks = [] -%}
{%- for fk in foreign_keys -%}
    {%- for column, target in fk.columns -%}
        {%- do orphan_checks.append({'entity': fk.entity, 'key': fk.key, 'owner': fk.owner, 'date': fk.date,
                                     'column': column, 'target': target}) -%}
    {%- endfor -%}
{%- endfor %}

{#- Which records contradict other records: contracts without a won opportunity, won/closed
    flags that disagree with the stage, duplicate accounts (same name up to spaces, brackets,
    dots and hyphens), duplicate activities, a rep's visits at two different accounts less
    than 30 minutes apart, and references to records that do not exist (a deleted record
    still exists: its id is read from the raw base table). -#}
with

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

stages as (

    select * from {{ ref('ref_opportunity_stages') }}

),

rules as (

    select * from {{ ref('ref_dq_rules') }}

),

existing_users as (

    select distinct {{ clean_text('user_id') }} as record_id
    from {{ ref('base_crm__users') }}
    where {{ clean_text('user_id') }} is not null

),

existing_accounts as (

    select distinct {{ clean_text('account_id') }} as record_id
    from {{ ref('base_crm__accounts') }}
    where {{ clean_text('account_id') }} is not null

),

existing_opportunities as (

    select distinct {{ clean_text('opportunity_id') }} as record_id
    from {{ ref('base_crm__opportunities') }}
    where {{ clean_text('opportunity_id') }} is not null

),

existing_contacts as (

    select distinct {{ clean_text('contact_id') }} as record_id
    from {{ ref('base_crm__contacts') }}
    where {{ clean_text('contact_id') }} is not null

),

existing_campaigns as (

    select distinct {{ clean_text('campaign_id') }} as record_id
    from {{ ref('base_crm__campaigns') }}
    where {{ clean_text('campaign_id') }} is not null

),

thresholds as (

    select
        {{ dq_threshold('overlapping_visits', 'seconds') }} as overlap_seconds
    from rules

),

not_won_opportunities as (

    select opportunity_id
    from opportunities
    where not coalesce(is_won, false)

),

contracts_without_won_opportunity as (

    select
        'contract_without_won_opportunity' as rule_code,
        'contracts' as entity,
        contracts.contract_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        contracts.owner_user_id as responsible_user_id,
        contracts.signed_date as record_date,
        cast(null as double) as measured_value,
        case
            when contracts.opportunity_id is null then '合同没有关联商机'
            else concat('合同关联的商机 ', contracts.opportunity_id, ' 不是赢单')
        end as detail_zh,
        case
            when contracts.opportunity_id is null then 'contract is not linked to an opportunity'
            else concat('contract is linked to opportunity ', contracts.opportunity_id, ', which is not won')
        end as detail_en
    from contracts
    left join not_won_opportunities
        on contracts.opportunity_id = not_won_opportunities.opportunity_id
    where contracts.opportunity_id is null
        or not_won_opportunities.opportunity_id is not null

),

opportunity_flags as (

    select
        opportunities.*,
        coalesce(opportunities.is_won, false) as is_won_flag,
        coalesce(opportunities.is_closed, false) as is_closed_flag,
        coalesce(stages.is_won, false) as is_won_stage,
        coalesce(stages.is_closed, false) as is_closed_stage
    from opportunities
    left join stages
        on opportunities.stage_code = stages.stage_code

),

won_flag_stage_mismatches as (

    select
        'won_flag_stage_mismatch' as rule_code,
        'opportunities' as entity,
        opportunity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        owner_user_id as responsible_user_id,
        cast(created_at as date) as record_date,
        cast(null as double) as measured_value,
        concat(
            '阶段为 ', coalesce(stage_code, '空'),
            '，但已关闭=', case when is_closed_flag then '是' else '否' end,
            '、赢单=', case when is_won_flag then '是' else '否' end
        ) as detail_zh,
        concat(
            'stage is ', coalesce(stage_code, 'empty'),
            ' but is_closed=', case when is_closed_flag then 'true' else 'false' end,
            ', is_won=', case when is_won_flag then 'true' else 'false' end
        ) as detail_en
    from opportunity_flags
    where is_won_flag != is_won_stage
        or is_closed_flag != is_closed_stage

),

account_names as (

    select
        account_id,
        account_name,
        owner_user_id,
        created_at,
        row_number() over (
            partition by {{ dq_normalised_name('account_name') }}
            order by created_at asc nulls last, account_id asc
        ) as name_rank,
        first_value(account_id) over (
            partition by {{ dq_normalised_name('account_name') }}
            order by created_at asc nulls last, account_id asc
        ) as first_account_id
    from accounts

),

duplicate_accounts as (

    select
        'duplicate_account' as rule_code,
        'accounts' as entity,
        account_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        owner_user_id as responsible_user_id,
        cast(created_at as date) as record_date,
        cast(null as double) as measured_value,
        concat('客户名称「', coalesce(account_name, ''), '」与更早创建的客户 ', first_account_id, ' 重复') as detail_zh,
        concat('account name "', coalesce(account_name, ''), '" duplicates the earlier account ', first_account_id) as detail_en
    from account_names
    where name_rank > 1

),

completed_activities as (

    select *
    from activities
    where activity_status = 'completed'

),

activity_copies as (

    select
        activity_id,
        owner_user_id,
        occurred_at,
        row_number() over (
            partition by owner_user_id, account_id, activity_type, occurred_at
            order by created_at asc nulls last, activity_id asc
        ) as copy_rank,
        first_value(activity_id) over (
            partition by owner_user_id, account_id, activity_type, occurred_at
            order by created_at asc nulls last, activity_id asc
        ) as first_activity_id
    from completed_activities

),

duplicate_activities as (

    select
        'duplicate_activity' as rule_code,
        'activities' as entity,
        activity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        owner_user_id as responsible_user_id,
        cast(occurred_at as date) as record_date,
        cast(null as double) as measured_value,
        concat('与活动 ', first_activity_id, ' 重复（同一人、客户、类型和时间）') as detail_zh,
        concat('duplicates activity ', first_activity_id, ' (same owner, account, type and time)') as detail_en
    from activity_copies
    where copy_rank > 1

),

completed_visits as (

    select
        activity_id,
        coalesce(owner_user_id, '') as owner_key,
        owner_user_id,
        coalesce(account_id, '') as account_key,
        occurred_at,
        {{ epoch_seconds('occurred_at') }} as occurred_epoch
    from completed_activities
    where activity_type = 'visit'
        and occurred_at is not null

),

{# A visit overlaps when an earlier visit of the same rep (earlier time, or same time and a
    smaller id) at a different account lies less than the threshold before it. #}
overlapping_pairs as (

    select
        later_visit.activity_id,
        later_visit.owner_user_id,
        later_visit.occurred_at,
        earlier_visit.activity_id as earlier_activity_id,
        later_visit.occurred_epoch - earlier_visit.occurred_epoch as gap_seconds
    from completed_visits as later_visit
    inner join completed_visits as earlier_visit
        on later_visit.owner_key = earlier_visit.owner_key
    cross join thresholds
    where later_visit.account_key != earlier_visit.account_key
        and later_visit.occurred_epoch - earlier_visit.occurred_epoch < thresholds.overlap_seconds
        and (
            later_visit.occurred_epoch > earlier_visit.occurred_epoch
            or (
                later_visit.occurred_epoch = earlier_visit.occurred_epoch
                and later_visit.activity_id > earlier_visit.activity_id
            )
        )

),

overlapping_visit_firsts as (

    select
        activity_id,
        owner_user_id,
        occurred_at,
        earlier_activity_id,
        gap_seconds,
        row_number() over (partition by activity_id order by gap_seconds asc, earlier_activity_id asc) as pair_rank
    from overlapping_pairs

),

overlapping_visits as (

    select
        'overlapping_visits' as rule_code,
        'activities' as entity,
        activity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        owner_user_id as responsible_user_id,
        cast(occurred_at as date) as record_date,
        cast(gap_seconds as double) / 60.0 as measured_value,
        concat(
            '面访与另一客户的面访 ', earlier_activity_id, ' 只相隔 ',
            {{ dq_number_text('gap_seconds / 60.0') }}, ' 分钟'
        ) as detail_zh,
        concat(
            'visit only ', {{ dq_number_text('gap_seconds / 60.0') }},
            ' minutes after visit ', earlier_activity_id, ' at another account'
        ) as detail_en
    from overlapping_visit_firsts
    where pair_rank = 1

),

{# One finding per (record, referencing column) whose id is missing from the target. #}
orphan_references as (

    {% for ref_check in orphan_checks %}
        select
            'orphan_reference' as rule_code,
            {{ sql_string(ref_check.entity) }} as entity,
            {{ ref_check.entity }}.{{ ref_check.key }} as record_id,
            {{ sql_string(ref_check.column) }} as column_name,
            {{ ref_check.owner }} as responsible_user_id,
            cast({{ ref_check.date }} as date) as record_date,
            cast(null as double) as measured_value,
            concat('{{ ref_check.column }} 引用的 {{ ref_check.target }} 记录 ', {{ ref_check.entity }}.{{ ref_check.column }}, ' 不存在') as detail_zh,
            concat('{{ ref_check.column }} refers to {{ ref_check.target }} record ', {{ ref_check.entity }}.{{ ref_check.column }}, ', which does not exist') as detail_en
        from {{ ref_check.entity }}
        left join existing_{{ ref_check.target }}
            on {{ ref_check.entity }}.{{ ref_check.column }} = existing_{{ ref_check.target }}.record_id
        where {{ ref_check.entity }}.{{ ref_check.column }} is not null
            and existing_{{ ref_check.target }}.record_id is null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select * from contracts_without_won_opportunity
    union all
    select * from won_flag_stage_mismatches
    union all
    select * from duplicate_accounts
    union all
    select * from duplicate_activities
    union all
    select * from overlapping_visits
    union all
    select * from orphan_references

)

select * from final
