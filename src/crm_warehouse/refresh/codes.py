"""Exit codes of the refresh and the errors that carry them."""

from __future__ import annotations

EXIT_OK = 0


EXIT_USAGE = 2


EXIT_LOCKED = 10


EXIT_GATE = 20


EXIT_DBT = 30


EXIT_PUBLISH = 40


EXIT_UNEXPECTED = 50


EXIT_INTERRUPTED = 60


OUTCOMES = {
    EXIT_OK: "ok",
    EXIT_USAGE: "bad_settings",
    EXIT_LOCKED: "locked",
    EXIT_GATE: "gate_failed",
    EXIT_DBT: "dbt_failed",
    EXIT_PUBLISH: "publish_failed",
    EXIT_UNEXPECTED: "unexpected_error",
    EXIT_INTERRUPTED: "interrupted",
}


class RefreshError(Exception):
    """A failure of a known kind: carries the exit code."""

    def __init__(self, code: int, message: str, **details: object) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


class Interrupted(BaseException):
    """SIGTERM or SIGINT arrived."""
