-- sql_string() and sql_integer() on this engine: a literal built from text holding quotes, a
-- backslash, comment and statement characters, Chinese and a newline reads back as exactly
-- that text; a whole number reads back as itself. Returns a row on any difference.
with quoted as (

    select
        {{ sql_string("o'brien\\ -- ; /* '') 商机\n") }} as actual_text,
        {{ sql_integer(' 3 ', 'probe') }} as actual_integer

)

select
    actual_text,
    actual_integer
from quoted
where
    actual_text is null
    or actual_text <> concat('o', chr(39), 'brien', chr(92), ' -- ; /* ', chr(39), chr(39), ') 商机', chr(10))
    or actual_integer <> 3
