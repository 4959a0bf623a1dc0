with

source as (

    select * from {{ ref('base_crm__contacts') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['contact_id'], 'updated_at') }}

),

renamed as (

    select
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('account_id') }} as account_id,
        {{ mask_name('contact_name') }} as contact_name_masked,
        {{ clean_text('title') }} as title,
        {{ hash_pii('phone') }} as phone_hash,
        {{ hash_pii('email') }} as email_hash,
        {{ parse_boolean('is_decision_maker') }} as is_decision_maker,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        _source_file
    from deduplicated
    where not coalesce({{ parse_boolean('is_deleted') }}, false)

)

select * from renamed
