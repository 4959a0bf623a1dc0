{#- Every finding belongs to a rule of the catalog (ref_dq_rules), and to the category the
    catalog gives that rule; every catalog rule is checked by one of the category models. -#}
with

findings as (

    select distinct
        rule_code,
        category,
        checked_category
    from {{ ref('int_dq__findings') }}

),

rules as (

    select rule_code from {{ ref('ref_dq_rules') }}

),

uncatalogued_or_miscategorised as (

    select
        findings.rule_code,
        'finding without a catalog rule, or in another category than the catalog says' as problem
    from findings
    left join rules
        on findings.rule_code = rules.rule_code
    where rules.rule_code is null
        or findings.category != findings.checked_category

)

select * from uncatalogued_or_miscategorised
