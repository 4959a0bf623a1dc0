{#- Behavior indicators (行为指标) as one readable row per grain, entity and period: visits
    against the monthly threshold and what is still missing, KA and large-account visits,
    plan completion, first-visit success, new accounts and follow-up speed on new leads. -#}
with

pivoted as (

    {{ pivot_indicator_values(
        ['visit_count', 'visit_gap', 'upcoming_planned_visits', 'visits_to_plan', 'reps_below_visit_threshold',
         'visit_bonus_cut_share', 'ka_visit_count', 'large_account_visit_count', 'visit_plan_completion_rate',
         'first_visit_success_rate', 'new_accounts_developed', 'lead_followup_hours'],
        ['rep', 'team', 'region', 'company', 'business_line'],
        with_targets=['visit_count', 'new_accounts_developed']) }}

),

final as (

    select * from pivoted

)

select
    final.*,
    {{ is_unknown_member('final.entity_id') }} as is_unknown_member
from final
