{#- Which parsed amounts lie outside their plausible range (rule amount_out_of_range; ranges
    from the seed ref_plausible_amounts): above max_value, or at or above zero and below
    min_value (negative amounts are the negative_amount rule's). The facts hold these amounts
    back (macro plausible_amount) until they are fixed. -#}
{%- set checks = [
    ('opportunities', 'amount', 'amount_cny', 'opportunity_id', 'owner_user_id', 'cast(created_at as date)', '商机金额', 'opportunity amount'),
    ('opportunity_stage_history', 'amount', 'amount_cny', 'history_id', 'changed_by_user_id', 'cast(changed_at as date)', '阶段变更记录的金额', 'amount recorded with the stage change'),
    ('contracts', 'total_amount', 'total_amount_cny', 'contract_id', 'owner_user_id', 'signed_date', '合同总金额', 'contract total amount'),
    ('contracts', 'recurring_amount_annual', 'recurring_amount_annual_cny', 'contract_id', 'owner_user_id', 'signed_date', '合同年经常性金额', 'annual recurring contract amount'),
    ('contracts', 'one_time_amount', 'one_time_amount_cny', 'contract_id', 'owner_user_id', 'signed_date', '合同一次性金额', 'one-time contract amount'),
    ('campaigns', 'budget_amount', 'budget_amount_cny', 'campaign_id', none, 'start_date', '市场活动预算', 'campaign budget'),
    ('costs', 'amount', 'amount_cny', "concat_ws('|', cast(cost_month as " ~ dbt.type_string() ~ "), business_line, cost_type)", none, 'cost_month', '成本金额', 'cost amount'),
] -%}
with

ranges as (

    select * from {{ ref('ref_plausible_amounts') }}

),

{% for entity in ['opportunities', 'opportunity_stage_history', 'contracts', 'campaigns', 'costs'] %}
    {{ entity }} as (

        select * from {{ ref('stg_crm__' ~ entity) }}

    ),

{% endfor %}
findings as (
    {% for entity, column, staged, record_id, owner, record_date, name_zh, name_en in checks %}
        select
            'amount_out_of_range' as rule_code,
            {{ sql_string(entity) }} as entity,
            {{ record_id }} as record_id,
            {{ sql_string(column) }} as column_name,
            {% if owner %}{{ entity }}.{{ owner }}{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as responsible_user_id,
            {{ record_date }} as record_date,
            cast({{ entity }}.{{ staged }} as double) as measured_value,
            concat(
                '{{ name_zh }} ', cast({{ entity }}.{{ staged }} as {{ dbt.type_string() }}),
                ' 超出合理范围 ', cast(ranges.min_value as {{ dbt.type_string() }}), '–', cast(ranges.max_value as {{ dbt.type_string() }}),
                '（参考数据 ref_plausible_amounts），修正前不计入指标'
            ) as detail_zh,
            concat(
                '{{ name_en }} ', cast({{ entity }}.{{ staged }} as {{ dbt.type_string() }}),
                ' is outside the plausible range ', cast(ranges.min_value as {{ dbt.type_string() }}), '–', cast(ranges.max_value as {{ dbt.type_string() }}),
                ' (reference data ref_plausible_amounts); kept out of the indicators until fixed'
            ) as detail_en
        from {{ entity }}
        inner join ranges
            on ranges.entity = {{ sql_string(entity) }}
                and ranges.column_name = {{ sql_string(column) }}
        where {{ entity }}.{{ staged }} >= 0
            and ({{ entity }}.{{ staged }} < ranges.min_value or {{ entity }}.{{ staged }} > ranges.max_value)
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from findings
