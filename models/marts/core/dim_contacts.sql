{#- Contacts with personal data masked (name initial) or hashed (phone, email; no partial phone),
    plus the unknown member '-1'. -#}
with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

known as (

    select
        contact_id,
        account_id,
        contact_name_masked,
        title,
        phone_hash,
        email_hash,
        coalesce(is_decision_maker, false) as is_decision_maker,
        false as is_unknown
    from contacts

),

unknown_member as (

    select
        '-1' as contact_id,
        '-1' as account_id,
        cast(null as {{ dbt.type_string() }}) as contact_name_masked,
        cast(null as {{ dbt.type_string() }}) as title,
        cast(null as {{ dbt.type_string() }}) as phone_hash,
        cast(null as {{ dbt.type_string() }}) as email_hash,
        false as is_decision_maker,
        true as is_unknown

),

final as (

    select * from known
    union all
    select * from unknown_member

)

select * from final
