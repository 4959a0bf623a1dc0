with

source as (

    select * from {{ ref('base_crm__quotas') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['user_id', 'team_id', 'period_month', 'metric']) }}

),

renamed as (

    select
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('team_id') }} as team_id,
        {{ parse_date('period_month') }} as period_month,
        lower({{ clean_text('metric') }}) as metric,
        {{ parse_decimal('target_value', 18, 2) }} as target_value,
        _source_file
    from deduplicated
)

select * from renamed
