with

source as (

    select * from {{ ref('base_crm__users') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['user_id'], 'updated_at') }}

),

renamed as (

    select
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('user_name') }} as user_name,
        {{ hash_pii('email') }} as email_hash,
        lower({{ clean_text('role') }}) as role,
        {{ clean_text('manager_user_id') }} as manager_user_id,
        {{ parse_date('hire_date') }} as hire_date,
        {{ parse_date('termination_date') }} as termination_date,
        {{ parse_boolean('is_active') }} as is_active,
        {{ parse_timestamp('updated_at') }} as updated_at,
        _source_file
    from deduplicated
)

select * from renamed
