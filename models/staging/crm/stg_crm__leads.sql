with

source as (

    select * from {{ ref('base_crm__leads') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['lead_id'], 'updated_at') }}

),

renamed as (

    select
        {{ clean_text('lead_id') }} as lead_id,
        lower({{ clean_text('lead_source') }}) as lead_source,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('owner_user_id') }} as owner_user_id,
        lower({{ clean_text('business_line') }}) as business_line,
        lower({{ clean_text('status') }}) as lead_status,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('mql_at') }} as mql_at,
        {{ parse_timestamp('sql_at') }} as sql_at,
        {{ parse_timestamp('converted_at') }} as converted_at,
        {{ clean_text('converted_opportunity_id') }} as converted_opportunity_id,
        {{ clean_text('disqualified_reason') }} as disqualified_reason,
        {{ parse_timestamp('updated_at') }} as updated_at,
        _source_file
    from deduplicated
    where not coalesce({{ parse_boolean('is_deleted') }}, false)

)

select * from renamed
