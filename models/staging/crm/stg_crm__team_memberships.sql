with

source as (

    select * from {{ ref('base_crm__team_memberships') }}

),

deduplicated as (

    {{ dedupe_latest('source', ['user_id', 'start_date']) }}

),

renamed as (

    select
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('team_id') }} as team_id,
        {{ parse_date('start_date') }} as start_date,
        {{ parse_date('end_date') }} as end_date,
        _source_file
    from deduplicated
)

select * from renamed
