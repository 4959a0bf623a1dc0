"""Paths and layout: every file and folder a refresh touches, derived from the serving path."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    """Every path a refresh touches; all derive from the serving path unless overridden."""

    serving: Path
    history: Path
    parquet: Path
    log: Path
    lock: Path

    @classmethod
    def from_serving(
        cls,
        serving: Path,
        history: Path | None = None,
        parquet: Path | None = None,
        log: Path | None = None,
        lock: Path | None = None,
    ) -> Layout:
        """The layout of a serving file: history, Parquet, logs and lock beside it unless given."""
        serving = Path(os.path.abspath(serving))
        home = serving.parent
        return cls(
            serving=serving,
            history=Path(os.path.abspath(history)) if history else home / "history",
            parquet=Path(os.path.abspath(parquet)) if parquet else home / "parquet",
            log=Path(os.path.abspath(log)) if log else home / "logs" / "refresh.jsonl",
            lock=Path(os.path.abspath(lock)) if lock else home / f".{serving.stem}.refresh.lock",
        )

    @property
    def build_dir(self) -> Path:
        """The private folder the build file is made in."""
        return self.serving.parent / ".build"

    @property
    def candidate(self) -> Path:
        """The full build file of this run (with the private staging layer)."""
        # Same file name as the serving file: DuckDB names the database after the file stem.
        return self.build_dir / self.serving.name

    @property
    def dbt_dir(self) -> Path:
        """dbt's target and log folder of this run."""
        return self.build_dir / "dbt"

    @property
    def serve_candidate(self) -> Path:
        """The serving file being made from the candidate (serving schemas only)."""
        # The serving schemas only, copied out of the full candidate.
        return self.build_dir / "serve" / self.serving.name

    @property
    def private_dir(self) -> Path:
        """The folder of the last good full build."""
        return self.serving.parent / "private"

    @property
    def private(self) -> Path:
        """The last good full build, kept private: the next incremental refresh starts from a copy of it."""
        # The last published full build (staging included): the next incremental run starts here.
        return self.private_dir / self.serving.name

    @property
    def parquet_store(self) -> Path:
        """The folder of the Parquet versions of the marts (the current one is a symlink swapped in)."""
        # Published Parquet versions; `parquet` is a symlink to one of them.
        return self.parquet.parent / f".{self.parquet.name}.versions"

    @property
    def gate_dir(self) -> Path:
        """The landing gate's outputs of the last run (Data Docs, summary, JSON)."""
        return self.serving.parent / "gate"

    @property
    def rolled_back(self) -> Path:
        """Where a rollback archives the serving file it replaces."""
        return self.history / "rolled-back"


def now_iso() -> str:
    """The current local time with its UTC offset, ISO 8601 to the millisecond."""
    return dt.datetime.now().astimezone().isoformat(timespec="milliseconds")


def stamp(epoch: float | None = None) -> str:
    """A local-time stamp for file names (YYYYMMDDTHHMMSS), of ``epoch`` or now."""
    return time.strftime("%Y%m%dT%H%M%S", time.localtime(time.time() if epoch is None else epoch))


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries to disk (after a rename in it)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_path(path: Path) -> None:
    """Remove a file, symlink or folder, if it exists."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
