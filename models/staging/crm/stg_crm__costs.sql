with

source as (

    select * from {{ ref('base_crm__costs') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['cost_month', 'business_line', 'cost_type']) }}

),

renamed as (

    select
        {{ parse_date('cost_month') }} as cost_month,
        lower({{ clean_text('business_line') }}) as business_line,
        lower({{ clean_text('cost_type') }}) as cost_type,
        {{ parse_decimal('amount') }} as amount_cny,
        _source_file
    from deduplicated
)

select * from renamed
