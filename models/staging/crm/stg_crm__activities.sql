with

source as (

    select * from {{ ref('base_crm__activities') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['activity_id'], 'updated_at') }}

),

renamed as (

    select
        {{ clean_text('activity_id') }} as activity_id,
        lower({{ clean_text('activity_type') }}) as activity_type,
        {{ clean_text('owner_user_id') }} as owner_user_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('opportunity_id') }} as opportunity_id,
        lower({{ clean_text('status') }}) as activity_status,
        {{ parse_timestamp('planned_at') }} as planned_at,
        {{ parse_timestamp('occurred_at') }} as occurred_at,
        {{ parse_timestamp('logged_at') }} as logged_at,
        lower({{ clean_text('outcome') }}) as outcome,
        {{ clean_text('not_done_reason') }} as not_done_reason,
        {{ clean_text('next_step') }} as next_step,
        {{ parse_date('next_step_date') }} as next_step_date,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        _source_file
    from deduplicated
    where not coalesce({{ parse_boolean('is_deleted') }}, false)

)

select * from renamed
