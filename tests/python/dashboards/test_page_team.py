"""The team boards list exactly their members."""

from __future__ import annotations

import pytest

from site_helpers import WAREHOUSE

pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")


def test_team_pages_list_exactly_their_members(visited, db):
    for (team_id,) in db.execute("select team_id from core.dim_teams where not is_unknown").fetchall():
        want = {
            r[0]
            for r in db.execute(
                "select user_id from marts.team_board_members where team_id = ?", [team_id]
            ).fetchall()
        }
        assert set(visited[f"team/{team_id}.html"]["member_ids"]) == want
