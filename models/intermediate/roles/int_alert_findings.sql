{{ config(materialized='table') }}

{#- Which people need to act on the as-of date? One row per alert rule that fires on a rep, with
    the person who must act, the measured value against the threshold and a message in Chinese
    and English. Rep rules judge the rep's own measures. Record rules (opportunity, account,
    contract) judge each record, then raise ONE summary per rep and rule — the number of
    records, the most urgent of them in the message, the most urgent one as record_id — when
    the rep has at least min_records_per_rep of them, so a rep with 30 neglected accounts reads
    one alert, not 30. Thresholds come from ref_alert_rules (or ref_business_thresholds where the
    rule names one). fct_alerts keeps these findings across refreshes; the workbench and team
    board flags read them. -#}
with

rules as (

    select * from {{ ref('ref_alert_rules') }}

),

business_thresholds as (

    select * from {{ ref('ref_business_thresholds') }}

),

reps as (

    select * from {{ ref('int_rep_measures_as_of') }}

),

open_opportunities as (

    select * from {{ ref('int_opportunities_stall_checked') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

activities as (

    select * from {{ ref('fct_activities') }}

),

contracts as (

    select * from {{ ref('fct_contracts') }}

),

usage as (

    select * from {{ ref('fct_product_usage_monthly') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

rule_thresholds as (

    select
        rules.rule_code,
        rules.rule_name_zh,
        rules.rule_name_en,
        rules.entity_type,
        rules.severity,
        rules.action_role,
        cast(coalesce(rules.threshold_value, business_thresholds.threshold_value) as double) as threshold_value,
        cast(business_thresholds.threshold_value as double) as business_threshold_value,
        cast(rules.secondary_threshold_value as double) as secondary_threshold_value,
        cast(rules.change_threshold_value as double) as change_threshold_value,
        rules.lookback_days,
        coalesce(rules.min_records_per_rep, 1) as min_records_per_rep,
        coalesce(rules.records_listed, 3) as records_listed
    from rules
    left join business_thresholds
        on rules.business_threshold_code = business_thresholds.threshold_code

),

-- rep rules: one candidate row per rep and rule, fired below

visit_pace_behind as (

    select
        'visit_pace_behind' as rule_code,
        reps.user_id as record_id,
        reps.user_name as record_name,
        reps.user_id as subject_user_id,
        cast(reps.visits_mtd as double) as measured_value,
        cast(reps.visit_pace_target * rule_thresholds.threshold_value as double) as rule_threshold,
        '本月已完成面访 ' || {{ format_integer('reps.visits_mtd') }} || ' 次，按进度应达 '
        || {{ format_one_decimal('reps.visit_pace_target * rule_thresholds.threshold_value') }}
        || ' 次（月度达标线 ' || {{ format_integer('reps.monthly_visit_threshold') }} || ' 次），已计划待完成 '
        || {{ format_integer('reps.planned_visits_ahead') }} || ' 次，还需新增计划 '
        || {{ format_integer('reps.visits_to_plan') }} || ' 次面访' as message_zh,
        'Completed visits this month: ' || {{ format_integer('reps.visits_mtd') }} || ', pace requires '
        || {{ format_one_decimal('reps.visit_pace_target * rule_thresholds.threshold_value') }}
        || ' (monthly threshold ' || {{ format_integer('reps.monthly_visit_threshold') }} || '); planned ahead '
        || {{ format_integer('reps.planned_visits_ahead') }} || ', still to plan '
        || {{ format_integer('reps.visits_to_plan') }} as message_en
    from reps
    inner join rule_thresholds
        on rule_thresholds.rule_code = 'visit_pace_behind'
    where reps.visits_mtd < reps.visit_pace_target * rule_thresholds.threshold_value

),

quota_pace_behind as (

    select
        'quota_pace_behind' as rule_code,
        reps.user_id as record_id,
        reps.user_name as record_name,
        reps.user_id as subject_user_id,
        cast(reps.bookings_mtd_cny + coalesce(reps.weighted_forecast_month_cny, 0) as double) as measured_value,
        cast(reps.quota_month_cny * reps.working_day_share * rule_thresholds.threshold_value as double) as rule_threshold,
        '本月签约 ¥' || {{ format_thousands('reps.bookings_mtd_cny') }} || '，月度目标 ¥'
        || {{ format_thousands('reps.quota_month_cny') }} || '，按工作日进度至少应达 ¥'
        || {{ format_thousands('reps.quota_month_cny * reps.working_day_share * rule_thresholds.threshold_value') }}
        || '，本月加权预测 ¥' || {{ format_thousands('reps.weighted_forecast_month_cny') }}
        || '，两者合计仍不足' as message_zh,
        'Bookings this month CNY ' || {{ format_thousands('reps.bookings_mtd_cny') }} || ' against a quota of CNY '
        || {{ format_thousands('reps.quota_month_cny') }} || '; pace requires at least CNY '
        || {{ format_thousands('reps.quota_month_cny * reps.working_day_share * rule_thresholds.threshold_value') }}
        || '; even with the weighted forecast of CNY ' || {{ format_thousands('reps.weighted_forecast_month_cny') }}
        || ' the month falls short' as message_en
    from reps
    inner join rule_thresholds
        on rule_thresholds.rule_code = 'quota_pace_behind'
    where reps.quota_month_cny > 0
        and reps.bookings_mtd_cny + coalesce(reps.weighted_forecast_month_cny, 0)
        < reps.quota_month_cny * reps.working_day_share * rule_thresholds.threshold_value

),

pipeline_coverage_low as (

    select
        'pipeline_coverage_low' as rule_code,
        reps.user_id as record_id,
        reps.user_name as record_name,
        reps.user_id as subject_user_id,
        cast(reps.pipeline_coverage as double) as measured_value,
        rule_thresholds.threshold_value as rule_threshold,
        '季度末前预计成交的商机 ¥' || {{ format_thousands('reps.pipeline_to_quarter_end_cny') }}
        || '，仅覆盖剩余季度目标 ¥' || {{ format_thousands('reps.remaining_quarter_quota_cny') }} || ' 的 '
        || {{ format_one_decimal('reps.pipeline_coverage') }} || ' 倍（预警线 '
        || {{ format_one_decimal('rule_thresholds.threshold_value') }} || ' 倍，覆盖目标 '
        || {{ format_one_decimal('rule_thresholds.business_threshold_value') }} || ' 倍），请补充商机' as message_zh,
        'Pipeline closing by quarter end CNY ' || {{ format_thousands('reps.pipeline_to_quarter_end_cny') }}
        || ' covers the remaining quarter quota of CNY ' || {{ format_thousands('reps.remaining_quarter_quota_cny') }}
        || ' only ' || {{ format_one_decimal('reps.pipeline_coverage') }} || 'x (alert below '
        || {{ format_one_decimal('rule_thresholds.threshold_value') }} || 'x, coverage target '
        || {{ format_one_decimal('rule_thresholds.business_threshold_value') }} || 'x): build pipeline' as message_en
    from reps
    inner join rule_thresholds
        on rule_thresholds.rule_code = 'pipeline_coverage_low'
    where reps.remaining_quarter_quota_cny > 0
        and reps.pipeline_to_quarter_end_cny < rule_thresholds.threshold_value * reps.remaining_quarter_quota_cny

),

many_open_dq_issues as (

    select
        'many_open_dq_issues' as rule_code,
        reps.user_id as record_id,
        reps.user_name as record_name,
        reps.user_id as subject_user_id,
        cast(reps.open_dq_issues as double) as measured_value,
        rule_thresholds.threshold_value as rule_threshold,
        '名下有 ' || {{ format_integer('reps.open_dq_issues') }} || ' 个未解决的数据质量问题（其中严重 '
        || {{ format_integer('reps.critical_open_dq_issues') }} || ' 个），阈值 '
        || {{ format_integer('rule_thresholds.threshold_value') }} || ' 个，请在工作台逐条修正' as message_zh,
        {{ format_integer('reps.open_dq_issues') }} || ' open data-quality issues ('
        || {{ format_integer('reps.critical_open_dq_issues') }} || ' critical), threshold '
        || {{ format_integer('rule_thresholds.threshold_value') }} || ': fix them from the workbench list' as message_en
    from reps
    inner join rule_thresholds
        on rule_thresholds.rule_code = 'many_open_dq_issues'
    where reps.open_dq_issues >= rule_thresholds.threshold_value

),

win_rate_below_team as (

    select
        'win_rate_below_team' as rule_code,
        reps.user_id as record_id,
        reps.user_name as record_name,
        reps.user_id as subject_user_id,
        reps.win_rate_in_window as measured_value,
        cast(reps.team_win_rate_in_window * rule_thresholds.threshold_value as double) as rule_threshold,
        '近 ' || {{ format_integer('rule_thresholds.lookback_days') }} || ' 天商机赢率 '
        || {{ format_percent('reps.win_rate_in_window') }} || '（赢 ' || {{ format_integer('reps.won_in_window') }}
        || ' / 输 ' || {{ format_integer('reps.lost_in_window') }} || '），团队 '
        || {{ format_percent('reps.team_win_rate_in_window') }} as message_zh,
        'Win rate over the last ' || {{ format_integer('rule_thresholds.lookback_days') }} || ' days '
        || {{ format_percent('reps.win_rate_in_window') }} || ' (won ' || {{ format_integer('reps.won_in_window') }}
        || ', lost ' || {{ format_integer('reps.lost_in_window') }} || ') against the team '
        || {{ format_percent('reps.team_win_rate_in_window') }} as message_en
    from reps
    inner join rule_thresholds
        on rule_thresholds.rule_code = 'win_rate_below_team'
    where reps.won_in_window + reps.lost_in_window >= rule_thresholds.secondary_threshold_value
        and reps.win_rate_in_window < reps.team_win_rate_in_window * rule_thresholds.threshold_value

),

slow_lead_followup as (

    select
        'slow_lead_followup' as rule_code,
        reps.user_id as record_id,
        reps.user_name as record_name,
        reps.user_id as subject_user_id,
        reps.avg_hours_mql_to_sql as measured_value,
        rule_thresholds.threshold_value as rule_threshold,
        '近 ' || {{ format_integer('rule_thresholds.lookback_days') }} || ' 天 '
        || {{ format_integer('reps.leads_followed_up') }} || ' 条线索从MQL到SQL平均用时 '
        || {{ format_one_decimal('reps.avg_hours_mql_to_sql') }} || ' 小时（阈值 '
        || {{ format_integer('rule_thresholds.threshold_value') }} || ' 小时）' as message_zh,
        {{ format_integer('reps.leads_followed_up') }} || ' leads accepted in the last '
        || {{ format_integer('rule_thresholds.lookback_days') }} || ' days took '
        || {{ format_one_decimal('reps.avg_hours_mql_to_sql') }} || ' hours from MQL to SQL on average (threshold '
        || {{ format_integer('rule_thresholds.threshold_value') }} || ')' as message_en
    from reps
    inner join rule_thresholds
        on rule_thresholds.rule_code = 'slow_lead_followup'
    where reps.leads_followed_up >= rule_thresholds.secondary_threshold_value
        and reps.avg_hours_mql_to_sql > rule_thresholds.threshold_value

),

missing_next_steps as (

    select
        'missing_next_steps' as rule_code,
        reps.user_id as record_id,
        reps.user_name as record_name,
        reps.user_id as subject_user_id,
        reps.share_visits_without_next_step as measured_value,
        rule_thresholds.threshold_value as rule_threshold,
        '近 ' || {{ format_integer('rule_thresholds.lookback_days') }} || ' 天完成的 '
        || {{ format_integer('reps.completed_visits_in_window') }} || ' 次面访中 '
        || {{ format_integer('reps.visits_without_next_step') }} || ' 次没有下一步计划（'
        || {{ format_percent('reps.share_visits_without_next_step') }} || '，阈值 '
        || {{ format_percent('rule_thresholds.threshold_value') }} || '）' as message_zh,
        {{ format_integer('reps.visits_without_next_step') }} || ' of '
        || {{ format_integer('reps.completed_visits_in_window') }} || ' visits in the last '
        || {{ format_integer('rule_thresholds.lookback_days') }} || ' days have no next step ('
        || {{ format_percent('reps.share_visits_without_next_step') }} || ', threshold '
        || {{ format_percent('rule_thresholds.threshold_value') }} || ')' as message_en
    from reps
    inner join rule_thresholds
        on rule_thresholds.rule_code = 'missing_next_steps'
    where reps.completed_visits_in_window >= rule_thresholds.secondary_threshold_value
        and reps.share_visits_without_next_step > rule_thresholds.threshold_value

),

-- record rules

stalled_large_deal as (

    select
        'stalled_large_deal' as rule_code,
        open_opportunities.opportunity_id as record_id,
        open_opportunities.account_name as record_name,
        open_opportunities.owner_user_id as subject_user_id,
        cast(
            case
                when open_opportunities.is_stalled_in_stage then open_opportunities.days_in_stage
                else open_opportunities.days_past_expected_close
            end as double
        ) as measured_value,
        cast(
            case
                when open_opportunities.is_stalled_in_stage then open_opportunities.stall_after_days
                else 0
            end as double
        ) as rule_threshold,
        case when open_opportunities.is_super_large_account then '超大客户 ' else '大客户 ' end
        || open_opportunities.account_name || ' 的商机（' || open_opportunities.stage_name_zh || '，¥'
        || {{ format_thousands('coalesce(open_opportunities.amount_cny, 0)') }} || '）'
        || case
            when open_opportunities.is_stalled_in_stage
                then '已在当前阶段停留 ' || {{ format_integer('open_opportunities.days_in_stage') }}
                    || ' 天（标准 ' || {{ format_integer('open_opportunities.stall_after_days') }} || ' 天）'
            else ''
        end
        || case
            when open_opportunities.is_past_expected_close
                then '，已超过预计成交日 ' || {{ format_integer('open_opportunities.days_past_expected_close') }} || ' 天'
            else ''
        end as message_zh,
        case when open_opportunities.is_super_large_account then 'Super-large' else 'Large' end
        || ' account ' || open_opportunities.account_name || ': opportunity in ' || open_opportunities.stage_name_en
        || ' (CNY ' || {{ format_thousands('coalesce(open_opportunities.amount_cny, 0)') }} || ')'
        || case
            when open_opportunities.is_stalled_in_stage
                then ' has stayed ' || {{ format_integer('open_opportunities.days_in_stage') }}
                    || ' days in the stage (norm ' || {{ format_integer('open_opportunities.stall_after_days') }} || ')'
            else ''
        end
        || case
            when open_opportunities.is_past_expected_close
                then ' and is ' || {{ format_integer('open_opportunities.days_past_expected_close') }}
                    || ' days past its expected close date'
            else ''
        end as message_en,
        -- most urgent first: the longest over its stage norm or past its close date
        cast(
            case
                when open_opportunities.is_stalled_in_stage
                    then open_opportunities.days_in_stage - open_opportunities.stall_after_days
                else open_opportunities.days_past_expected_close
            end as double
        ) as urgency
    from open_opportunities
    inner join rule_thresholds
        on rule_thresholds.rule_code = 'stalled_large_deal'
    where open_opportunities.is_stalled
        and (open_opportunities.is_large_account or open_opportunities.is_super_large_account)

),

owner_visits as (

    select
        activities.owner_user_id,
        activities.account_id,
        max(activities.occurred_date) as last_visit_date
    from activities
    cross join reporting_date
    where activities.is_completed_visit
        and activities.occurred_date <= reporting_date.as_of_date
        -- the unknown member '-1' stands for many missing accounts and owners: it matches nothing
        and activities.account_id != '-1'
        and activities.owner_user_id != '-1'
    group by 1, 2

),

ka_not_visited as (

    select
        'ka_not_visited' as rule_code,
        accounts.account_id as record_id,
        accounts.account_name as record_name,
        accounts.current_owner_user_id as subject_user_id,
        cast({{ days_between('owner_visits.last_visit_date', 'reporting_date.as_of_date') }} as double) as measured_value,
        rule_thresholds.threshold_value as rule_threshold,
        'KA客户 ' || accounts.account_name
        || case
            when owner_visits.last_visit_date is null then ' 从未被负责人面访'
            else ' 已 ' || {{ format_integer(days_between('owner_visits.last_visit_date', 'reporting_date.as_of_date')) }}
                || ' 天未面访（上次 ' || cast(owner_visits.last_visit_date as {{ dbt.type_string() }}) || '）'
        end
        || '，请安排拜访' as message_zh,
        'KA account ' || accounts.account_name
        || case
            when owner_visits.last_visit_date is null then ' has never been visited by its owner'
            else ' not visited for ' || {{ format_integer(days_between('owner_visits.last_visit_date', 'reporting_date.as_of_date')) }}
                || ' days (last ' || cast(owner_visits.last_visit_date as {{ dbt.type_string() }}) || ')'
        end
        || ': plan a visit' as message_en,
        -- most urgent first: never visited, then the longest since the last visit
        cast(
            coalesce({{ days_between('owner_visits.last_visit_date', 'reporting_date.as_of_date') }}, 100000) as double
        ) as urgency
    from accounts
    cross join reporting_date
    inner join rule_thresholds
        on rule_thresholds.rule_code = 'ka_not_visited'
    left join owner_visits
        on accounts.account_id = owner_visits.account_id
            and accounts.current_owner_user_id = owner_visits.owner_user_id
    where accounts.is_key_account
        and not accounts.is_in_public_pool
        and not accounts.is_unknown
        and (
            owner_visits.last_visit_date is null
            or {{ days_between('owner_visits.last_visit_date', 'reporting_date.as_of_date') }} > rule_thresholds.threshold_value
        )

),

renewal_candidates as (

    select
        ending.contract_id,
        ending.account_id,
        ending.business_line,
        ending.owner_user_id,
        ending.end_date,
        {{ days_between('reporting_date.as_of_date', 'ending.end_date') }} as days_to_end,
        max(case when renewal.contract_id is not null then 1 else 0 end) as is_renewed
    from contracts as ending
    cross join reporting_date
    inner join rule_thresholds
        on rule_thresholds.rule_code = 'renewal_usage_falling'
    left join contracts as renewal
        on ending.account_id = renewal.account_id
            and ending.business_line = renewal.business_line
            and renewal.contract_type = 'renewal'
            and ending.contract_id != renewal.contract_id
            and renewal.start_date >= {{ add_days('ending.end_date', -30) }}
            and reporting_date.as_of_date >= renewal.signed_date
    where ending.recurring_amount_annual_cny > 0
        -- a contract of an unknown account ('-1', a data-quality issue of its own) has no usage
        -- and no renewal of its own: the '-1' rows of other contracts and usage are other accounts'
        and ending.account_id != '-1'
        -- an upsell ends with the subscription it extends and is renewed with it: one alert
        and ending.contract_type != 'upsell'
        and ending.contract_status = 'active'
        and ending.end_date >= reporting_date.as_of_date
        and {{ days_between('reporting_date.as_of_date', 'ending.end_date') }} <= rule_thresholds.threshold_value
    group by 1, 2, 3, 4, 5, 6

),

latest_usage_months as (

    select
        usage.account_id,
        max(usage.usage_month) as latest_usage_month
    from usage
    cross join reporting_date
    where usage.usage_month <= reporting_date.as_of_date
        and usage.active_usage_rate is not null
        and usage.account_id != '-1'
    group by 1

),

usage_change as (

    select
        latest_usage_months.account_id,
        latest_usage_months.latest_usage_month,
        latest.active_usage_rate as latest_active_usage_rate,
        earlier.usage_month as earlier_usage_month,
        earlier.active_usage_rate as earlier_active_usage_rate,
        -- relative change: -0.4 = the rate fell by 40% of its earlier value
        {{ safe_divide('latest.active_usage_rate - earlier.active_usage_rate', 'earlier.active_usage_rate') }}
            as relative_change
    from latest_usage_months
    inner join rule_thresholds
        on rule_thresholds.rule_code = 'renewal_usage_falling'
    inner join usage as latest
        on latest_usage_months.account_id = latest.account_id
            and latest_usage_months.latest_usage_month = latest.usage_month
    inner join usage as earlier
        on latest_usage_months.account_id = earlier.account_id
            and earlier.usage_month = {{ add_months('latest_usage_months.latest_usage_month', '-1 * rule_thresholds.secondary_threshold_value') }}

),

renewal_usage_falling as (

    select
        'renewal_usage_falling' as rule_code,
        renewal_candidates.contract_id as record_id,
        accounts.account_name as record_name,
        coalesce(owner_reps.user_id, renewal_candidates.owner_user_id) as subject_user_id,
        cast(usage_change.relative_change as double) as measured_value,
        cast(rule_thresholds.change_threshold_value as double) as rule_threshold,
        '客户 ' || accounts.account_name || ' 的合同将于 ' || cast(renewal_candidates.end_date as {{ dbt.type_string() }})
        || ' 到期（还有 ' || {{ format_integer('renewal_candidates.days_to_end') }} || ' 天）尚未续约，核心功能活跃率从 '
        || {{ format_percent('usage_change.earlier_active_usage_rate') }} || ' 降至 '
        || {{ format_percent('usage_change.latest_active_usage_rate') }} || '（相对下降 '
        || {{ format_percent('-1 * usage_change.relative_change') }} || '），请尽快回访' as message_zh,
        'Contract of ' || accounts.account_name || ' ends on ' || cast(renewal_candidates.end_date as {{ dbt.type_string() }})
        || ' (in ' || {{ format_integer('renewal_candidates.days_to_end') }} || ' days) without a renewal; active usage fell from '
        || {{ format_percent('usage_change.earlier_active_usage_rate') }} || ' to '
        || {{ format_percent('usage_change.latest_active_usage_rate') }} || ' ('
        || {{ format_percent('-1 * usage_change.relative_change') }} || ' lower): call the customer' as message_en,
        -- most urgent first: the steepest fall
        cast(-1 * usage_change.relative_change as double) as urgency
    from renewal_candidates
    inner join rule_thresholds
        on rule_thresholds.rule_code = 'renewal_usage_falling'
    inner join usage_change
        on renewal_candidates.account_id = usage_change.account_id
    inner join accounts
        on renewal_candidates.account_id = accounts.account_id
    -- the account's current owner acts when an active rep, else the contract's owner
    left join reps as owner_reps
        on accounts.current_owner_user_id = owner_reps.user_id
    where renewal_candidates.is_renewed = 0
        and usage_change.relative_change <= rule_thresholds.change_threshold_value

),

rep_findings as (

    select * from visit_pace_behind
    union all
    select * from quota_pace_behind
    union all
    select * from pipeline_coverage_low
    union all
    select * from many_open_dq_issues
    union all
    select * from win_rate_below_team
    union all
    select * from slow_lead_followup
    union all
    select * from missing_next_steps

),

record_findings as (

    select * from stalled_large_deal
    union all
    select * from ka_not_visited
    union all
    select * from renewal_usage_falling

),

-- one summary per rep and record rule: the count, the most urgent record and the most urgent few
-- named in the message; raised from min_records_per_rep records on
ranked_records as (

    select
        record_findings.*,
        row_number() over (
            partition by record_findings.rule_code, record_findings.subject_user_id
            order by record_findings.urgency desc, record_findings.record_id asc
        ) as urgency_rank,
        count(*) over (partition by record_findings.rule_code, record_findings.subject_user_id) as record_count
    from record_findings

),

record_summaries as (

    select
        ranked_records.rule_code,
        ranked_records.subject_user_id,
        ranked_records.record_count,
        max(case when ranked_records.urgency_rank = 1 then ranked_records.record_id end) as record_id,
        max(case when ranked_records.urgency_rank = 1 then ranked_records.record_name end) as record_name,
        max(case when ranked_records.urgency_rank = 1 then ranked_records.measured_value end) as measured_value,
        max(case when ranked_records.urgency_rank = 1 then ranked_records.rule_threshold end) as rule_threshold,
        max(case when ranked_records.urgency_rank = 1 then ranked_records.message_zh end) as single_message_zh,
        max(case when ranked_records.urgency_rank = 1 then ranked_records.message_en end) as single_message_en,
        {{ ordered_string_agg(
            "case when ranked_records.urgency_rank <= rule_thresholds.records_listed then ranked_records.message_zh end",
            'ranked_records.urgency_rank', '；') }} as listed_messages_zh,
        {{ ordered_string_agg(
            "case when ranked_records.urgency_rank <= rule_thresholds.records_listed then ranked_records.message_en end",
            'ranked_records.urgency_rank', '; ') }} as listed_messages_en,
        max(rule_thresholds.records_listed) as records_listed
    from ranked_records
    inner join rule_thresholds
        on ranked_records.rule_code = rule_thresholds.rule_code
    where ranked_records.record_count >= rule_thresholds.min_records_per_rep
    group by 1, 2, 3

),

unioned as (

    select
        rule_code,
        record_id,
        record_name,
        subject_user_id,
        measured_value,
        rule_threshold,
        message_zh,
        message_en,
        record_id as alert_subject_id,
        1 as record_count
    from rep_findings
    union all
    select
        record_summaries.rule_code,
        record_summaries.record_id,
        record_summaries.record_name,
        record_summaries.subject_user_id,
        record_summaries.measured_value,
        record_summaries.rule_threshold,
        case
            when record_summaries.record_count = 1 then record_summaries.single_message_zh
            else '共 ' || {{ format_integer('record_summaries.record_count') }} || ' 项，最需处理的 '
                || {{ format_integer('least(record_summaries.record_count, record_summaries.records_listed)') }}
                || ' 项：' || record_summaries.listed_messages_zh
                || case
                    when record_summaries.record_count > record_summaries.records_listed
                        then '；其余 ' || {{ format_integer('record_summaries.record_count - record_summaries.records_listed') }}
                            || ' 项未列出'
                    else ''
                end
        end as message_zh,
        case
            when record_summaries.record_count = 1 then record_summaries.single_message_en
            else {{ format_integer('record_summaries.record_count') }} || ' records; the '
                || {{ format_integer('least(record_summaries.record_count, record_summaries.records_listed)') }}
                || ' most urgent: ' || record_summaries.listed_messages_en
                || case
                    when record_summaries.record_count > record_summaries.records_listed
                        then '; ' || {{ format_integer('record_summaries.record_count - record_summaries.records_listed') }}
                            || ' more not listed'
                    else ''
                end
        end as message_en,
        -- a summary is about the rep: it keeps its id while its records change
        record_summaries.subject_user_id as alert_subject_id,
        record_summaries.record_count
    from record_summaries

),

-- every alert is about an active rep, whose team lead and director act on team-lead and
-- director rules
with_people as (

    select
        unioned.*,
        rule_thresholds.rule_name_zh,
        rule_thresholds.rule_name_en,
        rule_thresholds.entity_type,
        rule_thresholds.severity,
        rule_thresholds.action_role,
        reps.team_id,
        reps.region_id,
        case rule_thresholds.action_role
            when 'team_lead' then reps.team_leader_user_id
            when 'director' then reps.director_user_id
            else unioned.subject_user_id
        end as action_user_id
    from unioned
    inner join rule_thresholds
        on unioned.rule_code = rule_thresholds.rule_code
    inner join reps
        on unioned.subject_user_id = reps.user_id

),

final as (

    select
        {{ surrogate_key(['rule_code', 'entity_type', 'alert_subject_id']) }} as alert_id,
        cast(rule_code as {{ dbt.type_string() }}) as rule_code,
        cast(rule_name_zh as {{ dbt.type_string() }}) as rule_name_zh,
        cast(rule_name_en as {{ dbt.type_string() }}) as rule_name_en,
        cast(severity as {{ dbt.type_string() }}) as severity,
        cast(action_role as {{ dbt.type_string() }}) as action_role,
        cast(action_user_id as {{ dbt.type_string() }}) as action_user_id,
        cast(entity_type as {{ dbt.type_string() }}) as entity_type,
        cast(record_id as {{ dbt.type_string() }}) as record_id,
        cast(record_name as {{ dbt.type_string() }}) as record_name,
        cast(subject_user_id as {{ dbt.type_string() }}) as subject_user_id,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(region_id as {{ dbt.type_string() }}) as region_id,
        cast(measured_value as double) as measured_value,
        cast(rule_threshold as double) as threshold_value,
        cast(message_zh as {{ dbt.type_string() }}) as message_zh,
        cast(message_en as {{ dbt.type_string() }}) as message_en,
        cast(record_count as int) as record_count
    from with_people

)

select * from final
