{#- What kind of seller is each rep, and where are they strongest? (智能分析) One row per
    active rep and finding: every archetype of ref_diagnosis_rules whose conditions all hold
    on the rep's peer percentiles (rep_diagnosis_profile), with the evidence numbers behind
    it, e.g. 开拓困难 Prospecting difficulty: new accounts and first-visit success in the
    bottom quarter, renewal rate in the top half; and the industry and the ownership type
    where the rep's win rate exceeds the business line's win rate there the most (over the
    strength window, at least the minimum closed opportunities, only when above peers). -#}
with

profile as (

    select * from {{ ref('rep_diagnosis_profile') }}

),

diagnosis_rules as (

    select * from {{ ref('ref_diagnosis_rules') }}

),

reps as (

    select * from {{ ref('int_rep_measures_as_of') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

-- display names of the ownership type codes (one label seed for pages and marts)
ownership_labels as (

    select
        substr(label_key, length('ownership_type.') + 1) as ownership_type,
        label_zh,
        label_en
    from {{ ref('ref_ui_labels') }}
    where label_key like 'ownership_type.%'

),

conditions as (

    select * from diagnosis_rules
    where rule_kind = 'condition'

),

condition_counts as (

    select
        archetype_code,
        count(*) as condition_count
    from conditions
    group by 1

),

settings as (

    select
        cast(max(case when rule_code = 'setting_strength_window_days' then cutoff_value end) as int)
            as strength_window_days,
        cast(max(case when rule_code = 'setting_strength_min_closed' then cutoff_value end) as int)
            as strength_min_closed
    from diagnosis_rules
    where rule_kind = 'setting'

),

condition_checks as (

    select
        profile.user_id,
        conditions.archetype_code,
        conditions.archetype_name_zh,
        conditions.archetype_name_en,
        conditions.rule_code,
        condition_counts.condition_count,
        case
            when profile.peer_percentile is null then 0
            when conditions.comparison = 'at_most' and profile.peer_percentile <= conditions.cutoff_value then 1
            when conditions.comparison = 'at_least' and profile.peer_percentile >= conditions.cutoff_value then 1
            else 0
        end as is_met,
        conditions.description_zh || '（' || profile.metric_name_zh || ' '
        || case profile.unit
            when 'ratio' then {{ format_percent('profile.metric_value') }}
            when 'cny' then '¥' || coalesce({{ format_thousands('profile.metric_value') }}, '-')
            when 'days' then {{ format_one_decimal('profile.metric_value') }} || ' 天'
            when 'count' then {{ format_integer('profile.metric_value') }}
            else {{ format_one_decimal('profile.metric_value') }}
        end
        || '，百分位 ' || {{ format_percent('profile.peer_percentile') }} || '）' as evidence_zh,
        conditions.description_en || ' (' || profile.metric_name_en || ' '
        || case profile.unit
            when 'ratio' then {{ format_percent('profile.metric_value') }}
            when 'cny' then 'CNY ' || coalesce({{ format_thousands('profile.metric_value') }}, '-')
            when 'days' then {{ format_one_decimal('profile.metric_value') }} || ' days'
            when 'count' then {{ format_integer('profile.metric_value') }}
            else {{ format_one_decimal('profile.metric_value') }}
        end
        || ', percentile ' || {{ format_percent('profile.peer_percentile') }} || ')' as evidence_en
    from profile
    inner join conditions
        on profile.metric_code = conditions.metric_code
    inner join condition_counts
        on conditions.archetype_code = condition_counts.archetype_code

),

archetypes as (

    select
        user_id,
        'archetype' as finding_type,
        archetype_code as finding_code,
        archetype_name_zh as label_zh,
        archetype_name_en as label_en,
        {{ ordered_string_agg('evidence_zh', 'rule_code', '；') }} as evidence_zh,
        {{ ordered_string_agg('evidence_en', 'rule_code', '; ') }} as evidence_en,
        cast(null as double) as strength_lift
    from condition_checks
    group by 1, 2, 3, 4, 5
    -- every condition of the archetype must be met (a missing metric counts as not met)
    having sum(is_met) = max(condition_count)

),

strength_window as (

    select
        as_of.as_of_date,
        {{ add_days('as_of.as_of_date', '1 - settings.strength_window_days') }} as window_start_date,
        settings.strength_min_closed
    from (select {{ as_of_date() }} as as_of_date) as as_of
    cross join settings

),

-- each account once per dimension the strengths are looked for in
account_dimensions as (

    select
        account_id,
        'industry' as dimension_code,
        industry as dimension_value
    from accounts
    union all
    select
        account_id,
        'ownership_type' as dimension_code,
        ownership_type as dimension_value
    from accounts

),

closed_by_dimension as (

    select
        opportunities.owner_user_id as user_id,
        dimensions.dimension_code,
        dimensions.dimension_value,
        sum(case when opportunities.is_won then 1 else 0 end) as won_count,
        count(*) as closed_count
    from opportunities
    cross join strength_window
    inner join accounts
        on opportunities.account_id = accounts.account_id
    inner join account_dimensions as dimensions
        on opportunities.account_id = dimensions.account_id
    where opportunities.is_closed
        and not accounts.is_unknown
        and opportunities.closed_date between strength_window.window_start_date and strength_window.as_of_date
    group by 1, 2, 3

),

rep_dimension_rates as (

    select
        reps.user_id,
        reps.business_line,
        closed_by_dimension.dimension_code,
        closed_by_dimension.dimension_value,
        closed_by_dimension.won_count,
        closed_by_dimension.closed_count,
        cast(closed_by_dimension.won_count as double) / closed_by_dimension.closed_count as rep_win_rate,
        sum(closed_by_dimension.won_count) over (
            partition by reps.business_line, closed_by_dimension.dimension_code, closed_by_dimension.dimension_value
        ) as peer_won_count,
        sum(closed_by_dimension.closed_count) over (
            partition by reps.business_line, closed_by_dimension.dimension_code, closed_by_dimension.dimension_value
        ) as peer_closed_count
    from closed_by_dimension
    inner join reps
        on closed_by_dimension.user_id = reps.user_id

),

strength_candidates as (

    select
        rep_dimension_rates.*,
        rep_dimension_rates.rep_win_rate
        - cast(rep_dimension_rates.peer_won_count as double) / rep_dimension_rates.peer_closed_count as strength_lift,
        cast(rep_dimension_rates.peer_won_count as double) / rep_dimension_rates.peer_closed_count as peer_win_rate
    from rep_dimension_rates
    cross join strength_window
    where rep_dimension_rates.closed_count >= strength_window.strength_min_closed
        and rep_dimension_rates.dimension_value != '未知 Unknown'

),

best_strengths as (

    select
        strength_candidates.*,
        row_number() over (
            partition by strength_candidates.user_id, strength_candidates.dimension_code
            order by
                strength_candidates.strength_lift desc, strength_candidates.closed_count desc,
                strength_candidates.dimension_value asc
        ) as strength_rank
    from strength_candidates
    where strength_candidates.strength_lift > 0

),

strengths as (

    select
        best_strengths.user_id,
        'strength' as finding_type,
        best_strengths.dimension_code as finding_code,
        case best_strengths.dimension_code when 'industry' then '擅长行业：' else '擅长企业性质：' end
        || coalesce(ownership_labels.label_zh, best_strengths.dimension_value) as label_zh,
        case best_strengths.dimension_code when 'industry' then 'Strongest industry: ' else 'Strongest ownership type: ' end
        || coalesce(ownership_labels.label_en, best_strengths.dimension_value) as label_en,
        '商机赢率 ' || {{ format_percent('best_strengths.rep_win_rate') }} || '（'
        || {{ format_integer('best_strengths.won_count') }} || '/'
        || {{ format_integer('best_strengths.closed_count') }} || '），同业务线 '
        || {{ format_percent('best_strengths.peer_win_rate') }} as evidence_zh,
        'Win rate ' || {{ format_percent('best_strengths.rep_win_rate') }} || ' ('
        || {{ format_integer('best_strengths.won_count') }} || ' of '
        || {{ format_integer('best_strengths.closed_count') }} || ') against '
        || {{ format_percent('best_strengths.peer_win_rate') }}
        || ' for the business line' as evidence_en,
        best_strengths.strength_lift
    from best_strengths
    left join ownership_labels
        on best_strengths.dimension_code = 'ownership_type'
            and best_strengths.dimension_value = ownership_labels.ownership_type
    where best_strengths.strength_rank = 1

),

findings as (

    select * from archetypes
    union all
    select * from strengths

),

final as (

    select
        findings.user_id,
        reps.user_name,
        reps.team_id,
        reps.business_line,
        reps.as_of_date,
        cast(findings.finding_type as {{ dbt.type_string() }}) as finding_type,
        cast(findings.finding_code as {{ dbt.type_string() }}) as finding_code,
        cast(findings.label_zh as {{ dbt.type_string() }}) as label_zh,
        cast(findings.label_en as {{ dbt.type_string() }}) as label_en,
        cast(findings.evidence_zh as {{ dbt.type_string() }}) as evidence_zh,
        cast(findings.evidence_en as {{ dbt.type_string() }}) as evidence_en,
        cast(findings.strength_lift as double) as strength_lift
    from findings
    inner join reps
        on findings.user_id = reps.user_id

)

select * from final
