"""Failures from Great Expectations' results: merged per expectation, duplicate keys across chunks,
example rows."""

from __future__ import annotations

from crm_warehouse.gate.column_types import TYPE_RULES, LandingType  # noqa: E402
from crm_warehouse.landing_contract import Entity  # noqa: E402

from .results import LISTED_ROWS, Failure


def _merge(by_expectation: dict[tuple, Failure], ident: tuple, failure: Failure) -> None:
    """Add one chunk's failure of an expectation to the file's failure of it."""
    known = by_expectation.get(ident)
    if known is None:
        by_expectation[ident] = failure
        return
    known.unexpected_count += failure.unexpected_count
    known.rows = (known.rows + failure.rows)[:LISTED_ROWS]
    known.row_messages = (known.row_messages + failure.row_messages)[:LISTED_ROWS]
    known.examples = list(dict.fromkeys(known.examples + failure.examples))[:5]


class _KeyTracker:
    """The primary key of a file across its chunks, as 64-bit hashes with row numbers
    (16 bytes a row), to find duplicates that fall into different chunks."""

    def __init__(self, entity: Entity):
        from crm_warehouse.gate.suites import EXACTLY_ONE_OF

        self.key = list(entity.primary_key)
        self.skip = not self.key or bool(EXACTLY_ONE_OF.get(entity.name))
        self.hashes: list = []
        self.rows: list = []
        self.chunk: list = []

    def add(self, frame) -> None:
        """Record the hashed primary keys and row numbers of one chunk (rows with a null key part left out)."""
        import numpy as np
        import pandas as pd

        if self.skip or not all(c in frame.columns for c in self.key) or not len(frame):
            return
        present = frame[self.key].notna().all(axis=1)
        keyed = frame.loc[present, self.key]
        self.hashes.append(pd.util.hash_pandas_object(keyed, index=False).to_numpy())
        self.rows.append(keyed.index.to_numpy(dtype=np.int64))
        self.chunk.append(np.full(len(keyed), len(self.chunk), dtype=np.int32))

    def cross_chunk_duplicates(
        self, by_expectation: dict[tuple, Failure], failed: set[tuple], shown: str
    ) -> None:
        """Add a uniqueness failure for primary keys repeated across chunks (within one chunk the
        chunk's own expectation reports them)."""
        import numpy as np

        if self.skip or not self.hashes:
            return
        hashes, rows, chunk = (np.concatenate(a) for a in (self.hashes, self.rows, self.chunk))
        order = np.argsort(hashes, kind="stable")
        hashes, rows, chunk = hashes[order], rows[order], chunk[order]
        same_as_next = hashes[1:] == hashes[:-1]
        duplicated = np.zeros(len(hashes), dtype=bool)
        duplicated[1:] |= same_as_next
        duplicated[:-1] |= same_as_next
        groups: dict[int, list[tuple[int, int]]] = {}
        for h, row, c in zip(hashes[duplicated], rows[duplicated], chunk[duplicated], strict=False):
            groups.setdefault(int(h), []).append((int(row), int(c)))
        extra: list[tuple[int, str]] = []
        for members in groups.values():
            if len({c for _, c in members}) < 2:
                continue  # within one chunk: already reported by the chunk's expectation
            member_rows = sorted(r for r, _ in members)
            for row in member_rows:
                others = [r for r in member_rows if r != row]
                extra.append(
                    (
                        row,
                        f"duplicate primary key (also on row "
                        f"{', '.join(map(str, others[:5]))}{', …' if len(others) > 5 else ''})",
                    )
                )
        if not extra:
            return
        extra.sort()
        kind = (
            "expect_column_values_to_be_unique"
            if len(self.key) == 1
            else "expect_compound_columns_to_be_unique"
        )
        ident = (kind, "cross-chunk")
        failed.add(next((i for i in failed if i[0] == kind), ident))
        failure = Failure(
            file=shown,
            expectation=kind,
            column=", ".join(self.key),
            message=f"primary key ({', '.join(self.key)}) is not unique within the file",
            unexpected_count=len(extra),
            rows=[r for r, _ in extra][:LISTED_ROWS],
            row_messages=extra[:LISTED_ROWS],
        )
        existing = next((k for k in by_expectation if k[0] == kind), None)
        _merge(by_expectation, existing or ident, failure)


def _failure(shown: str, frame, prepared, item) -> Failure:
    """One failed expectation result as a reportable failure with row messages.

    `frame` holds the values as read (for messages), `prepared` what the suite validated.
    """
    config = item.expectation_config
    kind, kwargs = config.type, config.kwargs
    res = item.result or {}
    rows = [int(r) for r in res.get("partial_unexpected_index_list") or []]
    count = int(res.get("unexpected_count") or len(rows))
    column = kwargs.get("column")
    failure = Failure(
        file=shown, expectation=kind, column=column, message="", unexpected_count=count, rows=rows
    )

    def value(row: int, col: str) -> str | None:
        if col in frame.columns and row in frame.index:
            v = frame.at[row, col]
            return None if v is None else str(v)
        return None

    if kind == "expect_table_columns_to_match_set":
        missing = (res.get("details") or {}).get("mismatched", {}).get("missing", [])
        failure.message = f"required column(s) missing: {', '.join(missing)}"
        failure.column = ", ".join(missing) or None
        return failure
    if not res or (item.exception_info or {}).get("raised_exception"):
        info = item.exception_info or {}
        failure.message = f"expectation {kind} could not be evaluated: {info.get('exception_message')}"
        return failure

    if kind == "expect_column_values_to_parse_as_landing_type":
        rule = TYPE_RULES[LandingType(kwargs["landing_type"])]
        failure.message = f"value is not {rule}"
        for row in rows:
            failure.row_messages.append((row, f"{value(row, column)!r} is not {rule}"))
    elif kind == "expect_column_values_to_be_in_set" and "/" in (column or ""):
        alternatives = column.split("/")
        failure.message = f"exactly one of {' / '.join(alternatives)} must be set"
        for row in rows:
            found = [f"{c} {value(row, c)!r}" for c in alternatives if value(row, c) is not None]
            failure.row_messages.append(
                (
                    row,
                    f"exactly one of {' / '.join(alternatives)} must be set "
                    f"({'found ' + ' and '.join(found) if found else 'none is'})",
                )
            )
    elif kind == "expect_column_values_to_be_in_set":
        accepted = ", ".join(kwargs["value_set"])
        failure.message = f"value is not an accepted value ({accepted})"
        for row in rows:
            failure.row_messages.append(
                (row, f"{value(row, column)!r} is not an accepted value ({accepted})")
            )
    elif kind == "expect_column_values_to_not_be_null":
        failure.message = "primary key column is empty"
        failure.row_messages = [(row, "primary key column is empty") for row in rows]
    elif kind in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"):
        key = [column] if column else list(kwargs["column_list"])
        failure.column = ", ".join(key)
        failure.message = f"primary key ({', '.join(key)}) is not unique within the file"
        failure.row_messages = _duplicate_messages(prepared, key, rows)
    else:
        failure.message = f"{kind} failed"
        failure.row_messages = [(row, failure.message) for row in rows]
    failure.examples = _examples(frame, failure, rows)
    return failure


def _duplicate_messages(frame, key: list[str], rows: list[int]) -> list[tuple[int, str]]:
    keyed = frame[key].astype(object).where(frame[key].notna(), None)
    tuples = list(keyed.itertuples(index=True, name=None))
    groups: dict[tuple, list[int]] = {}
    for row, *values in tuples:
        groups.setdefault(tuple(values), []).append(int(row))
    messages = []
    for row in rows:
        values = tuple(keyed.loc[row]) if row in keyed.index else ()
        others = [r for r in groups.get(values, []) if r != row]
        shown = "(" + ", ".join("" if v is None else str(v) for v in values) + ")"
        also = ""
        if others:
            also = f" (also on row {', '.join(map(str, others[:5]))}{', …' if len(others) > 5 else ''})"
        messages.append((row, f"duplicate primary key {shown}{also}"))
    return messages


def _examples(frame, failure: Failure, rows: list[int]) -> list[str]:
    cols = [c.strip() for c in (failure.column or "").replace("/", ",").split(",") if c.strip()]
    seen: list[str] = []
    for row in rows:
        if not cols or row not in frame.index:
            continue
        parts = [frame.at[row, c] if c in frame.columns else None for c in cols]
        text = ", ".join("" if p is None else str(p) for p in parts)
        if text not in seen:
            seen.append(text)
        if len(seen) >= 5:
            break
    return seen
