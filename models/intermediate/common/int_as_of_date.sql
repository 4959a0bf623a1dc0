{#- The last business date present in the data: the latest change timestamp entered in the
    CRM (records are entered up to the export, so this is the export's "today"). -#}
with

change_dates as (

    select max(updated_at) as last_change_at from {{ ref('stg_crm__opportunities') }}
    union all
    select max(updated_at) as last_change_at from {{ ref('stg_crm__activities') }}
    union all
    select max(updated_at) as last_change_at from {{ ref('stg_crm__leads') }}
    union all
    select max(updated_at) as last_change_at from {{ ref('stg_crm__contracts') }}

),

final as (

    select
        {% if var('as_of_date', none) -%}
            cast('{{ var("as_of_date") }}' as date)
        {%- else -%}
            cast(max(last_change_at) as date)
        {%- endif %} as as_of_date
    from change_dates

)

select * from final
