"""The send log: one row per message and robot, so a re-run sends nothing twice and nothing
failed is lost.

A DuckDB file beside the serving warehouse (default ``warehouse/push/send_log.duckdb``; never
the serving file, which readers hold open). States: ``pending`` (queued, or failed for a reason
worth retrying: it is sent again on the next run), ``sent``, ``failed`` (the platform refused
the message itself, e.g. a bad signature or format: kept and reported, re-queued with
``--retry-failed``). ``last_error`` holds the HTTP status or platform code and message, never
the URL or the secret. Items (the alerts a summary covers, as alert id + day) are logged
too, so an alert is announced once even when tomorrow's summary differs.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

SCHEMA = """
create table if not exists push_messages (
    message_key varchar not null,
    robot varchar not null,
    platform varchar not null,
    kind varchar not null,
    state varchar not null,
    attempts integer not null default 0,
    last_error varchar,
    payload_json varchar not null,
    queued_at timestamp not null,
    last_attempt_at timestamp,
    sent_at timestamp,
    primary key (message_key, robot)
);
create table if not exists push_items (
    item_key varchar not null,
    message_key varchar not null,
    robot varchar not null,
    primary key (item_key, message_key, robot)
);
"""


@dataclass
class Entry:
    """One logged message for one robot."""

    message_key: str
    robot: str
    platform: str
    kind: str
    state: str
    attempts: int
    last_error: str | None
    payload: dict[str, Any]


class SendLog:
    """Open (and create) the log; ``read_only`` for dry runs (a missing file is an empty log)."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = Path(path)
        if read_only and not self.path.exists():
            self.con = duckdb.connect(":memory:")
        else:
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.con = duckdb.connect(str(self.path), read_only=read_only)
            if read_only:
                return
        self.con.execute(SCHEMA)

    def close(self) -> None:
        """Close the file."""
        self.con.close()

    def known(self, message_key: str, robot: str) -> bool:
        """True when the message was queued for the robot before, whole or split into parts
        (``<key>#i/n``), in any state."""
        return (
            self.con.execute(
                "select count(*) from push_messages where robot = ? and (message_key = ? or starts_with(message_key, ?))",
                [robot, message_key, message_key + "#"],
            ).fetchall()[0][0]
            > 0
        )

    def item_logged(self, item_key: str) -> bool:
        """True when some queued or sent message already covers the item."""
        return (
            self.con.execute("select count(*) from push_items where item_key = ?", [item_key]).fetchall()[0][
                0
            ]
            > 0
        )

    def enqueue(
        self,
        message_key: str,
        robot: str,
        platform: str,
        kind: str,
        payload: dict[str, Any],
        items: list[str],
    ) -> None:
        """Queue a message as pending with its exact payload and the items it covers."""
        self.con.execute(
            "insert into push_messages (message_key, robot, platform, kind, state, attempts, "
            "payload_json, queued_at) values (?, ?, ?, ?, 'pending', 0, ?, ?)",
            [message_key, robot, platform, kind, json.dumps(payload, ensure_ascii=False), _now()],
        )
        for item in items:
            self.con.execute("insert or ignore into push_items values (?, ?, ?)", [item, message_key, robot])

    def due(self, retry_failed: bool = False) -> list[Entry]:
        """Every message to send now, oldest first (pending, and failed ones when asked)."""
        states = ["pending", "failed"] if retry_failed else ["pending"]
        rows = self.con.execute(
            "select message_key, robot, platform, kind, state, attempts, last_error, payload_json "
            "from push_messages where list_contains(?, state) order by queued_at, message_key, robot",
            [states],
        ).fetchall()
        return [Entry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7])) for r in rows]

    def record(self, entry: Entry, state: str, attempts: int, error: str | None) -> None:
        """Store the result of sending `entry` (attempts made this run are added)."""
        now = _now()
        self.con.execute(
            "update push_messages set state = ?, attempts = attempts + ?, last_error = ?, "
            "last_attempt_at = ?, sent_at = case when ? = 'sent' then ? else sent_at end "
            "where message_key = ? and robot = ?",
            [state, attempts, error, now, state, now, entry.message_key, entry.robot],
        )

    def rows(self) -> list[dict[str, Any]]:
        """Every logged message (for reports and tests)."""
        cur = self.con.execute("select * from push_messages order by queued_at, message_key, robot")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=False)) for r in cur.fetchall()]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
