{#- Which accounts should I visit next? For each active rep below the monthly visit threshold,
    one row per account worth a visit, ranked: their key accounts not visited this month, the
    accounts of their stalled deals, and their accounts with an active contract ending within
    the renewal window (ref_business_thresholds.visit_suggestion_renewal_days). Reasons are
    named from ref_ui_labels (visit_reason.<code>). Account names as the workbench shows them
    (company names from dim_accounts; no contact data). -#}
with

workbench as (

    select * from {{ ref('rep_workbench') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

activities as (

    select * from {{ ref('fct_activities') }}

),

stalled as (

    select * from {{ ref('rep_workbench_stalled_opportunities') }}

),

contracts as (

    select * from {{ ref('fct_contracts') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

ui_labels as (

    select * from {{ ref('ref_ui_labels') }}

),

thresholds as (

    select * from {{ ref('ref_business_thresholds') }}

),

reporting_date as (

    select {{ as_of_date() }} as as_of_date

),

renewal_window as (

    select cast(max(threshold_value) as int) as renewal_days
    from thresholds
    where threshold_code = 'visit_suggestion_renewal_days'

),

reps_below_threshold as (

    select
        user_id,
        team_id,
        month_start_date,
        visits_mtd,
        monthly_visit_threshold,
        visits_to_plan
    from workbench
    where visits_mtd < monthly_visit_threshold

),

visited_this_month as (

    select distinct activities.account_id
    from activities
    inner join reps_below_threshold
        on activities.activity_month = reps_below_threshold.month_start_date
    where activities.is_completed_visit

),

ka_not_visited as (

    select
        reps_below_threshold.user_id,
        accounts.account_id
    from accounts
    inner join reps_below_threshold
        on accounts.current_owner_user_id = reps_below_threshold.user_id
    left join visited_this_month
        on accounts.account_id = visited_this_month.account_id
    where accounts.is_key_account
        and not accounts.is_unknown
        and not accounts.is_in_public_pool
        and visited_this_month.account_id is null

),

stalled_accounts as (

    select
        stalled.user_id,
        stalled.account_id,
        count(stalled.opportunity_id) as stalled_deals,
        sum(stalled.amount_cny) as stalled_amount_cny,
        max(stalled.days_in_stage) as max_days_in_stage
    from stalled
    inner join reps_below_threshold
        on stalled.user_id = reps_below_threshold.user_id
    where stalled.account_id is not null
    group by stalled.user_id, stalled.account_id

),

renewals_due as (

    select
        accounts.current_owner_user_id as user_id,
        contracts.account_id,
        min(contracts.end_date) as renewal_end_date
    from contracts
    inner join accounts
        on contracts.account_id = accounts.account_id
    inner join reps_below_threshold
        on accounts.current_owner_user_id = reps_below_threshold.user_id
    cross join reporting_date
    cross join renewal_window
    where contracts.contract_status = 'active'
        and contracts.end_date >= reporting_date.as_of_date
        and {{ days_between('reporting_date.as_of_date', 'contracts.end_date') }} <= renewal_window.renewal_days
    group by accounts.current_owner_user_id, contracts.account_id

),

candidates as (

    select
        user_id,
        account_id
    from ka_not_visited
    union
    select
        user_id,
        account_id
    from stalled_accounts
    union
    select
        user_id,
        account_id
    from renewals_due

),

next_working_day as (

    select min(calendar.date_day) as suggested_visit_date
    from calendar
    cross join reporting_date
    where calendar.is_working_day
        and calendar.date_day > reporting_date.as_of_date

),

flagged as (

    select
        candidates.user_id,
        candidates.account_id,
        accounts.account_name,
        coalesce(accounts.is_key_account, false) as is_key_account,
        ka_not_visited.account_id is not null as is_ka_not_visited,
        stalled_accounts.account_id is not null as has_stalled_deal,
        renewals_due.account_id is not null as has_renewal_due,
        coalesce(stalled_accounts.stalled_deals, 0) as stalled_deals,
        stalled_accounts.stalled_amount_cny,
        renewals_due.renewal_end_date
    from candidates
    left join accounts
        on candidates.account_id = accounts.account_id
    left join ka_not_visited
        on candidates.user_id = ka_not_visited.user_id
            and candidates.account_id = ka_not_visited.account_id
    left join stalled_accounts
        on candidates.user_id = stalled_accounts.user_id
            and candidates.account_id = stalled_accounts.account_id
    left join renewals_due
        on candidates.user_id = renewals_due.user_id
            and candidates.account_id = renewals_due.account_id

),

scored as (

    select
        flagged.*,
        (case when flagged.has_renewal_due then 1 else 0 end)
        + (case when flagged.has_stalled_deal then 1 else 0 end)
        + (case when flagged.is_ka_not_visited then 1 else 0 end) as reason_count,
        case
            when flagged.has_renewal_due then 'renewal_due'
            when flagged.has_stalled_deal then 'stalled_deal'
            else 'ka_not_visited'
        end as primary_reason_code
    from flagged

),

final as (

    select
        scored.user_id,
        reps_below_threshold.team_id,
        row_number() over (
            partition by scored.user_id
            order by
                scored.reason_count desc,
                scored.renewal_end_date asc nulls last,
                scored.stalled_amount_cny desc nulls last,
                scored.account_id asc
        ) as visit_rank,
        scored.account_id,
        coalesce(scored.account_name, '未知客户 Unknown account') as account_name,
        scored.is_key_account,
        scored.primary_reason_code,
        primary_label.label_zh as primary_reason_name_zh,
        primary_label.label_en as primary_reason_name_en,
        concat_ws(
            '；',
            case when scored.has_renewal_due then renewal_label.label_zh end,
            case when scored.has_stalled_deal then stalled_label.label_zh end,
            case when scored.is_ka_not_visited then ka_label.label_zh end
        ) as reasons_zh,
        concat_ws(
            '; ',
            case when scored.has_renewal_due then renewal_label.label_en end,
            case when scored.has_stalled_deal then stalled_label.label_en end,
            case when scored.is_ka_not_visited then ka_label.label_en end
        ) as reasons_en,
        scored.reason_count,
        scored.is_ka_not_visited,
        scored.has_stalled_deal,
        scored.has_renewal_due,
        scored.stalled_deals,
        scored.stalled_amount_cny,
        scored.renewal_end_date,
        reps_below_threshold.visits_mtd,
        reps_below_threshold.monthly_visit_threshold,
        reps_below_threshold.visits_to_plan,
        next_working_day.suggested_visit_date,
        reporting_date.as_of_date
    from scored
    inner join reps_below_threshold
        on scored.user_id = reps_below_threshold.user_id
    cross join next_working_day
    cross join reporting_date
    left join ui_labels as primary_label
        on primary_label.label_key = concat('visit_reason.', scored.primary_reason_code)
    left join ui_labels as renewal_label
        on renewal_label.label_key = 'visit_reason.renewal_due'
    left join ui_labels as stalled_label
        on stalled_label.label_key = 'visit_reason.stalled_deal'
    left join ui_labels as ka_label
        on ka_label.label_key = 'visit_reason.ka_not_visited'

)

select * from final
