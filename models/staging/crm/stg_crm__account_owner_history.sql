with

source as (

    select * from {{ ref('base_crm__account_owner_history') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['account_id', 'start_date']) }}

),

renamed as (

    select
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('owner_user_id') }} as owner_user_id,
        {{ parse_date('start_date') }} as start_date,
        {{ parse_date('end_date') }} as end_date,
        _source_file
    from deduplicated
)

select * from renamed
