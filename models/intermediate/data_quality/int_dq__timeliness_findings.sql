{#- Which records were entered too late, or left open past their date: activities logged more
    than 24 h / 72 h after they happened, stage changes recorded more than 48 h late, open
    opportunities past their expected close date, planned visits left open after their day,
    contracts recorded more than 7 days after signing. Thresholds come from ref_dq_rules. -#}
with

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

stage_history as (

    select * from {{ ref('stg_crm__opportunity_stage_history') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

rules as (

    select * from {{ ref('ref_dq_rules') }}

),

thresholds as (

    select
        {{ dq_threshold('activity_logged_late', 'seconds') }} as activity_late_seconds,
        {{ dq_threshold('activity_logged_very_late', 'seconds') }} as activity_very_late_seconds,
        {{ dq_threshold('stage_change_recorded_late', 'seconds') }} as stage_change_late_seconds,
        {{ dq_threshold('opportunity_past_close_date', 'days') }} as past_close_grace_days,
        {{ dq_threshold('visit_plan_overdue', 'days') }} as visit_plan_grace_days,
        {{ dq_threshold('contract_recorded_late', 'days') }} as contract_late_days
    from rules

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

activity_lags as (

    select
        activities.*,
        {{ epoch_seconds('activities.logged_at') }} - {{ epoch_seconds('activities.occurred_at') }} as logging_lag_seconds
    from activities
    where activities.activity_status = 'completed'

),

activities_logged_late as (

    select
        'activity_logged_late' as rule_code,
        'activities' as entity,
        activity_lags.activity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        activity_lags.owner_user_id as responsible_user_id,
        cast(activity_lags.occurred_at as date) as record_date,
        cast(activity_lags.logging_lag_seconds as double) / 3600.0 as measured_value,
        concat(
            '活动发生后 ', {{ dq_number_text('activity_lags.logging_lag_seconds / 3600.0') }},
            ' 小时才录入（要求 ', {{ dq_integer_text('thresholds.activity_late_seconds / 3600.0') }}, ' 小时内）'
        ) as detail_zh,
        concat(
            'logged ', {{ dq_number_text('activity_lags.logging_lag_seconds / 3600.0') }},
            ' h after it happened (limit ', {{ dq_integer_text('thresholds.activity_late_seconds / 3600.0') }}, ' h)'
        ) as detail_en
    from activity_lags
    cross join thresholds
    where activity_lags.logging_lag_seconds > thresholds.activity_late_seconds
        and activity_lags.logging_lag_seconds <= thresholds.activity_very_late_seconds

),

activities_logged_very_late as (

    select
        'activity_logged_very_late' as rule_code,
        'activities' as entity,
        activity_lags.activity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        activity_lags.owner_user_id as responsible_user_id,
        cast(activity_lags.occurred_at as date) as record_date,
        cast(activity_lags.logging_lag_seconds as double) / 3600.0 as measured_value,
        concat(
            '活动发生后 ', {{ dq_number_text('activity_lags.logging_lag_seconds / 3600.0') }},
            ' 小时才录入（超过 ', {{ dq_integer_text('thresholds.activity_very_late_seconds / 3600.0') }}, ' 小时）'
        ) as detail_zh,
        concat(
            'logged ', {{ dq_number_text('activity_lags.logging_lag_seconds / 3600.0') }},
            ' h after it happened (more than ', {{ dq_integer_text('thresholds.activity_very_late_seconds / 3600.0') }}, ' h)'
        ) as detail_en
    from activity_lags
    cross join thresholds
    where activity_lags.logging_lag_seconds > thresholds.activity_very_late_seconds

),

stage_change_lags as (

    select
        stage_history.*,
        {{ epoch_seconds('stage_history.recorded_at') }} - {{ epoch_seconds('stage_history.changed_at') }} as recording_lag_seconds
    from stage_history

),

stage_changes_recorded_late as (

    select
        'stage_change_recorded_late' as rule_code,
        'opportunity_stage_history' as entity,
        stage_change_lags.history_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        stage_change_lags.changed_by_user_id as responsible_user_id,
        cast(stage_change_lags.changed_at as date) as record_date,
        cast(stage_change_lags.recording_lag_seconds as double) / 3600.0 as measured_value,
        concat(
            '阶段变更 ', coalesce(stage_change_lags.to_stage_code, '?'), ' 在发生后 ',
            {{ dq_number_text('stage_change_lags.recording_lag_seconds / 3600.0') }},
            ' 小时才录入（要求 ', {{ dq_integer_text('thresholds.stage_change_late_seconds / 3600.0') }}, ' 小时内）'
        ) as detail_zh,
        concat(
            'stage change to ', coalesce(stage_change_lags.to_stage_code, '?'), ' recorded ',
            {{ dq_number_text('stage_change_lags.recording_lag_seconds / 3600.0') }},
            ' h after it happened (limit ', {{ dq_integer_text('thresholds.stage_change_late_seconds / 3600.0') }}, ' h)'
        ) as detail_en
    from stage_change_lags
    cross join thresholds
    where stage_change_lags.recording_lag_seconds > thresholds.stage_change_late_seconds

),

opportunities_past_close_date as (

    select
        'opportunity_past_close_date' as rule_code,
        'opportunities' as entity,
        opportunities.opportunity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        opportunities.owner_user_id as responsible_user_id,
        cast(opportunities.created_at as date) as record_date,
        cast({{ days_between('opportunities.expected_close_date', 'as_of.as_of_date') }} as double) as measured_value,
        concat(
            '商机仍未关闭，预计成交日 ', cast(opportunities.expected_close_date as {{ dbt.type_string() }}),
            ' 已过 ', {{ dq_integer_text(days_between('opportunities.expected_close_date', 'as_of.as_of_date')) }}, ' 天'
        ) as detail_zh,
        concat(
            'still open ', {{ dq_integer_text(days_between('opportunities.expected_close_date', 'as_of.as_of_date')) }},
            ' days after its expected close date ', cast(opportunities.expected_close_date as {{ dbt.type_string() }})
        ) as detail_en
    from opportunities
    cross join thresholds
    cross join as_of
    where not coalesce(opportunities.is_closed, false)
        and {{ days_between('opportunities.expected_close_date', 'as_of.as_of_date') }} > thresholds.past_close_grace_days

),

visit_plans_overdue as (

    select
        'visit_plan_overdue' as rule_code,
        'activities' as entity,
        activities.activity_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        activities.owner_user_id as responsible_user_id,
        cast(activities.planned_at as date) as record_date,
        cast({{ days_between('activities.planned_at', 'as_of.as_of_date') }} as double) as measured_value,
        concat(
            '计划于 ', cast(cast(activities.planned_at as date) as {{ dbt.type_string() }}),
            ' 的拜访仍为计划状态，已逾期 ', {{ dq_integer_text(days_between('activities.planned_at', 'as_of.as_of_date')) }},
            ' 天（应标记完成或填写未完成原因）'
        ) as detail_zh,
        concat(
            'visit planned for ', cast(cast(activities.planned_at as date) as {{ dbt.type_string() }}),
            ' still shows planned ', {{ dq_integer_text(days_between('activities.planned_at', 'as_of.as_of_date')) }},
            ' days later (mark it completed or give the reason it did not happen)'
        ) as detail_en
    from activities
    cross join thresholds
    cross join as_of
    where activities.activity_type = 'visit'
        and activities.activity_status = 'planned'
        and {{ days_between('activities.planned_at', 'as_of.as_of_date') }} > thresholds.visit_plan_grace_days

),

contracts_recorded_late as (

    select
        'contract_recorded_late' as rule_code,
        'contracts' as entity,
        contracts.contract_id as record_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        contracts.owner_user_id as responsible_user_id,
        contracts.signed_date as record_date,
        cast({{ days_between('contracts.signed_date', 'contracts.recorded_at') }} as double) as measured_value,
        concat(
            '合同签订 ', {{ dq_integer_text(days_between('contracts.signed_date', 'contracts.recorded_at')) }},
            ' 天后才录入（要求 ', {{ dq_integer_text('thresholds.contract_late_days') }}, ' 天内）'
        ) as detail_zh,
        concat(
            'recorded ', {{ dq_integer_text(days_between('contracts.signed_date', 'contracts.recorded_at')) }},
            ' days after signing (limit ', {{ dq_integer_text('thresholds.contract_late_days') }}, ' days)'
        ) as detail_en
    from contracts
    cross join thresholds
    where {{ days_between('contracts.signed_date', 'contracts.recorded_at') }} > thresholds.contract_late_days

),

final as (

    select * from activities_logged_late
    union all
    select * from activities_logged_very_late
    union all
    select * from stage_changes_recorded_late
    union all
    select * from opportunities_past_close_date
    union all
    select * from visit_plans_overdue
    union all
    select * from contracts_recorded_late

)

select * from final
