with

source as (

    select * from {{ ref('base_crm__opportunity_stage_history') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['history_id'], 'recorded_at') }}

),

renamed as (

    select
        {{ clean_text('history_id') }} as history_id,
        {{ clean_text('opportunity_id') }} as opportunity_id,
        lower({{ clean_text('from_stage') }}) as from_stage_code,
        lower({{ clean_text('to_stage') }}) as to_stage_code,
        {{ parse_timestamp('changed_at') }} as changed_at,
        {{ parse_timestamp('recorded_at') }} as recorded_at,
        {{ clean_text('changed_by_user_id') }} as changed_by_user_id,
        {{ parse_decimal('amount') }} as amount_cny,
        _source_file
    from deduplicated
)

select * from renamed
