with

source as (

    select * from {{ ref('base_crm__accounts') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['account_id'], 'updated_at') }}

),

renamed as (

    select
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('account_name') }} as account_name,
        {{ clean_text('industry') }} as industry,
        lower({{ clean_text('ownership_type') }}) as ownership_type,
        {{ parse_integer('employee_count') }} as employee_count,
        {{ parse_boolean('is_key_account') }} as is_key_account,
        {{ clean_text('province') }} as province,
        {{ clean_text('city') }} as city,
        {{ clean_text('owner_user_id') }} as owner_user_id,
        lower({{ clean_text('pool_status') }}) as pool_status,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        _source_file
    from deduplicated
    where not coalesce({{ parse_boolean('is_deleted') }}, false)

)

select * from renamed
