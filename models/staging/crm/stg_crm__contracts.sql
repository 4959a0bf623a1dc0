with

source as (

    select * from {{ ref('base_crm__contracts') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['contract_id'], 'updated_at') }}

),

renamed as (

    select
        {{ clean_text('contract_id') }} as contract_id,
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('owner_user_id') }} as owner_user_id,
        lower({{ clean_text('business_line') }}) as business_line,
        lower({{ clean_text('contract_type') }}) as contract_type,
        {{ parse_date('signed_date') }} as signed_date,
        {{ parse_date('start_date') }} as start_date,
        {{ parse_date('end_date') }} as end_date,
        {{ parse_decimal('total_amount') }} as total_amount_cny,
        {{ parse_decimal('recurring_amount_annual') }} as recurring_amount_annual_cny,
        {{ parse_decimal('one_time_amount') }} as one_time_amount_cny,
        lower({{ clean_text('status') }}) as contract_status,
        {{ parse_timestamp('recorded_at') }} as recorded_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        _source_file
    from deduplicated
    where not coalesce({{ parse_boolean('is_deleted') }}, false)

)

select * from renamed
