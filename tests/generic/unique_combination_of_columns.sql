{#- The combination of `combination_of_columns` is unique in the model (nulls compare equal). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with keyed as (

    select {{ surrogate_key(combination_of_columns) }} as combination_key
    from {{ model }}

)

select combination_key, count(*) as row_count
from keyed
group by combination_key
having count(*) > 1

{% endtest %}
