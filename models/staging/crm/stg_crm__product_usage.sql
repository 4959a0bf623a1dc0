with

source as (

    select * from {{ ref('base_crm__product_usage') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['account_id', 'usage_month']) }}

),

renamed as (

    select
        {{ clean_text('account_id') }} as account_id,
        {{ parse_date('usage_month') }} as usage_month,
        {{ parse_integer('licensed_seats') }} as licensed_seats,
        {{ parse_integer('active_users') }} as active_users,
        {{ parse_integer('core_feature_users') }} as core_feature_users,
        {{ parse_integer('report_feature_users') }} as report_feature_users,
        {{ parse_integer('logins') }} as logins,
        _source_file
    from deduplicated
)

select * from renamed
