with

source as (

    select * from {{ ref('base_crm__teams') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['team_id'], 'updated_at') }}

),

renamed as (

    select
        {{ clean_text('team_id') }} as team_id,
        {{ clean_text('team_name') }} as team_name,
        lower({{ clean_text('business_line') }}) as business_line,
        {{ clean_text('region_id') }} as region_id,
        {{ clean_text('region_name') }} as region_name,
        {{ clean_text('leader_user_id') }} as leader_user_id,
        {{ parse_timestamp('updated_at') }} as updated_at,
        _source_file
    from deduplicated
)

select * from renamed
