-- Q08 本季度各团队签约与配额 / Team bookings against quota this quarter
select
    team_name,
    business_line,
    bookings_qtd_cny,
    quota_quarter_cny,
    attainment_qtd,
    contest_rank_quarter,
    as_of_date
from marts.team_board
where not is_unknown_member
order by business_line, contest_rank_quarter
