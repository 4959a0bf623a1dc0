with

source as (

    select * from {{ ref('base_crm__campaigns') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['campaign_id'], 'updated_at') }}

),

renamed as (

    select
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('campaign_name') }} as campaign_name,
        lower({{ clean_text('channel') }}) as channel,
        lower({{ clean_text('business_line') }}) as business_line,
        {{ parse_date('start_date') }} as start_date,
        {{ parse_date('end_date') }} as end_date,
        {{ parse_decimal('budget_amount') }} as budget_amount_cny,
        {{ parse_timestamp('updated_at') }} as updated_at,
        _source_file
    from deduplicated
)

select * from renamed
