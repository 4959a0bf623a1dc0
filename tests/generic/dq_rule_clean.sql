{#- The open data-quality issues of one rule (rows of fct_data_quality_issues). Configure it
    per rule with severity warn: `dbt build` then reports how many records break the rule
    without failing, because a rep's bad entry is a fact to surface, not a build error. -#}
{% test dq_rule_clean(model, rule_code) %}

select
    rule_code,
    entity,
    record_id,
    column_name,
    responsible_user_id,
    responsible_team_id,
    severity,
    detail_zh,
    detail_en,
    first_seen_as_of
from {{ model }}
where is_open
    and rule_code = '{{ rule_code }}'

{% endtest %}
