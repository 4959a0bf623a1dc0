with

source as (

    select * from {{ ref('base_crm__opportunities') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['opportunity_id'], 'updated_at') }}

),

renamed as (

    select
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('owner_user_id') }} as owner_user_id,
        {{ clean_text('lead_id') }} as lead_id,
        lower({{ clean_text('business_line') }}) as business_line,
        lower({{ clean_text('opportunity_type') }}) as opportunity_type,
        lower({{ clean_text('stage') }}) as stage_code,
        {{ parse_decimal('amount') }} as amount_cny,
        {{ parse_date('expected_close_date') }} as expected_close_date,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('closed_at') }} as closed_at,
        {{ parse_boolean('is_closed') }} as is_closed,
        {{ parse_boolean('is_won') }} as is_won,
        {{ clean_text('loss_reason') }} as loss_reason,
        {{ parse_timestamp('updated_at') }} as updated_at,
        _source_file
    from deduplicated
    where not coalesce({{ parse_boolean('is_deleted') }}, false)

)

select * from renamed
