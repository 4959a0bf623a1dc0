{#- Exactly one of `columns` is filled on every row (e.g. a quota belongs to a rep or a team). -#}
{% test exactly_one_not_null(model, columns) %}

select *
from {{ model }}
where ({% for c in columns %}case when {{ c }} is not null then 1 else 0 end{{ " + " if not loop.last }}{% endfor %}) != 1

{% endtest %}
