"""Archive and rollback: previous good warehouses in history/, pruning, leftovers of killed runs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from crm_warehouse.refresh.codes import EXIT_PUBLISH, RefreshError
from crm_warehouse.refresh.layout import Layout, fsync_dir, remove_path, stamp


def history_files(layout: Layout, folder: Path | None = None) -> list[Path]:
    """Good warehouses kept for rollback, newest first."""
    folder = folder or layout.history
    if not folder.is_dir():
        return []
    pattern = f"{layout.serving.stem}.*{layout.serving.suffix}"
    files = [p for p in folder.glob(pattern) if p.is_file()]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def archive_serving(layout: Layout, folder: Path) -> Path | None:
    """Hard-link the serving file into `folder` (no copy; it stays the old inode after the swap)."""
    if not layout.serving.exists():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    base = f"{layout.serving.stem}.{stamp(layout.serving.stat().st_mtime)}"
    for n in range(1000):
        dest = folder / f"{base}{'' if n == 0 else f'-{n}'}{layout.serving.suffix}"
        if dest.exists():
            if os.path.samefile(dest, layout.serving):
                return dest  # archived by a run killed before its swap
            continue
        try:
            os.link(layout.serving, dest)
        except OSError:
            tmp = dest.with_name(dest.name + f".{os.getpid()}.tmp")
            shutil.copy2(layout.serving, tmp)
            os.replace(tmp, dest)
        fsync_dir(folder)
        return dest
    raise RefreshError(EXIT_PUBLISH, f"cannot name an archive of {layout.serving} in {folder}")


def prune(files: list[Path], keep: int) -> list[str]:
    """Delete the files after the first ``keep`` (the list runs newest first); returns the names deleted."""
    removed = []
    for path in files[keep:]:
        path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


def clean_leftovers(layout: Layout) -> list[str]:
    """Remove what a killed run left behind (called with the lock held). Only names this
    script creates are touched."""
    candidate = layout.candidate
    patterns = [
        (candidate.parent, candidate.name),
        (candidate.parent, candidate.name + ".wal"),
        (layout.serve_candidate.parent, f"{layout.serving.stem}*"),
        (layout.private_dir, f".{layout.serving.name}.*.tmp"),
        (candidate.parent, f"{layout.serving.stem}.*{layout.serving.suffix}*"),  # older build names
        (layout.lock.parent, f"{layout.lock.name}.*.tmp"),
        (layout.serving.parent, f".{layout.serving.name}.*.tmp"),
        (layout.parquet.parent, f".{layout.parquet.name}.*.tmp"),
        (layout.parquet_store, "*.tmp"),
        (layout.history, f"{layout.serving.stem}.*.tmp"),
        (layout.rolled_back, f"{layout.serving.stem}.*.tmp"),
    ]
    removed = []
    for folder, pattern in patterns:
        if folder.is_dir():
            for path in sorted(folder.glob(pattern)):
                remove_path(path)
                removed.append(str(path))
    return removed
