{#- What did we just win? The won-deal feed (订单播报): one row per contract signed up to the
    as-of date, newest first (feed_sequence 1 = latest; by signing date, then entry time),
    with who (owner and the team they sat in on the signing date), which account, what
    (business line and contract type), how much and when, and the broadcast message, e.g.
    恭喜 张伟（华东软件一组）签约 上海云帆教育集团 软件新签 ¥120,000. -#}
with

contracts as (

    select * from {{ ref('fct_contracts') }}

),

users as (

    select * from {{ ref('dim_users') }}

),

teams as (

    select * from {{ ref('dim_teams') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

signed as (

    select
        contracts.contract_id,
        contracts.opportunity_id,
        contracts.signed_date,
        contracts.recorded_at,
        contracts.owner_user_id as user_id,
        coalesce(users.user_name, '未知人员') as user_name,
        contracts.team_id_at_signed as team_id,
        coalesce(teams.team_name, '未知团队') as team_name,
        teams.region_id,
        contracts.account_id,
        coalesce(accounts.account_name, '未知客户') as account_name,
        contracts.business_line,
        case contracts.business_line when 'software' then '软件' when 'content' then '内容' else '其他' end
            as business_line_name_zh,
        case contracts.business_line when 'software' then 'Software' when 'content' then 'Content' else 'Other' end
            as business_line_name_en,
        contracts.contract_type,
        case contracts.contract_type when 'new_business' then '新签' when 'renewal' then '续约' when 'upsell' then '增购'
            else '签约'
        end as contract_type_name_zh,
        case contracts.contract_type when 'new_business' then 'new business' when 'renewal' then 'renewal'
            when 'upsell' then 'upsell' else 'contract'
        end as contract_type_name_en,
        coalesce(contracts.total_amount_cny, 0) as total_amount_cny,
        reporting_date.as_of_date
    from contracts
    cross join reporting_date
    left join users
        on contracts.owner_user_id = users.user_id
    left join teams
        on contracts.team_id_at_signed = teams.team_id
    left join accounts
        on contracts.account_id = accounts.account_id
    where contracts.signed_date <= reporting_date.as_of_date

),

final as (

    select
        cast(row_number() over (order by signed_date desc, recorded_at desc, contract_id desc) as int) as feed_sequence,
        contract_id,
        opportunity_id,
        signed_date,
        recorded_at,
        cast({{ days_between('signed_date', 'as_of_date') }} as int) as days_ago,
        {{ month_start('signed_date') }} = {{ month_start('as_of_date') }} as is_in_as_of_month,
        user_id,
        user_name,
        team_id,
        team_name,
        region_id,
        account_id,
        account_name,
        business_line,
        business_line_name_zh,
        contract_type,
        contract_type_name_zh,
        cast(total_amount_cny as decimal(18, 2)) as total_amount_cny,
        '恭喜 ' || user_name || '（' || team_name || '）签约 ' || account_name || ' '
        || business_line_name_zh || contract_type_name_zh || ' ¥' || {{ format_thousands('total_amount_cny') }}
            as message_zh,
        'Congratulations ' || user_name || ' (' || team_name || ') on signing ' || account_name || ': '
        || business_line_name_en || ' ' || contract_type_name_en || ', CNY ' || {{ format_thousands('total_amount_cny') }}
            as message_en
    from signed

)

select
    final.*,
    {{ is_unknown_member('final.user_id') }} or {{ is_unknown_member('final.team_id') }} as is_unknown_member
from final
