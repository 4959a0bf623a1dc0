"""Rollback: put the previous good warehouse (or a chosen one) back in service."""

from __future__ import annotations

import os
import shutil
import traceback
from pathlib import Path

from crm_warehouse.refresh.archive import archive_serving, clean_leftovers, history_files
from crm_warehouse.refresh.base import RefreshBase
from crm_warehouse.refresh.codes import (
    EXIT_PUBLISH,
    Interrupted,
    RefreshError,
)
from crm_warehouse.refresh.layout import fsync_dir
from crm_warehouse.refresh.publish import (
    export_parquet,
    serving_writer,
    swap_parquet,
)


class RollbackStep(RefreshBase):
    """The rollback command of the refresh."""

    # ---- rollback

    def rollback(self) -> None:
        """Put the newest (or the chosen) warehouse of history back as the serving file, under the lock."""
        layout = self.layout
        to = self.opts.rollback_to
        with self.step("cleanup") as info:
            removed = clean_leftovers(layout)
            if removed:
                info["removed"] = removed
                self.log.warn(f"removed {len(removed)} leftover file(s) of an interrupted run", self.console)
        try:
            with self.step("choose") as info:
                if to is not None:
                    chosen = Path(os.path.abspath(to))
                    if not chosen.is_file():
                        raise RefreshError(EXIT_PUBLISH, f"rollback: {chosen} does not exist")
                else:
                    options = [
                        p
                        for p in history_files(layout)
                        if not (layout.serving.exists() and os.path.samefile(p, layout.serving))
                    ]
                    if not options:
                        raise RefreshError(
                            EXIT_PUBLISH, f"rollback: no previous warehouse in {layout.history}"
                        )
                    chosen = options[0]
                info["restore"] = str(chosen)
                import duckdb

                duckdb.connect(str(chosen), read_only=True).close()  # it opens
            with self.step("swap") as info:
                writer = serving_writer(layout.serving)
                if writer:
                    raise RefreshError(EXIT_PUBLISH, f"rollback: not replacing the serving file: {writer}")
                archived = archive_serving(layout, layout.rolled_back)
                info["archived_current"] = str(archived) if archived else None
                if chosen.parent == layout.history:
                    os.replace(
                        chosen, layout.serving
                    )  # moved out of history: the next rollback goes further back
                else:
                    tmp = layout.serving.with_name(f".{layout.serving.name}.{os.getpid()}.tmp")
                    shutil.copy2(chosen, tmp)
                    os.replace(tmp, layout.serving)
                fsync_dir(layout.serving.parent)
                self.summary["published"] = True
                self.summary["restored"] = str(chosen)
                # the private full build belongs to the warehouse just rolled back: the next
                # refresh builds afresh (carrying the issue and alert history from the serving file)
                if layout.private.exists():
                    layout.private.unlink()
                    info["private_build_removed"] = str(layout.private)
            with self.step("parquet") as info:
                layout.parquet_store.mkdir(parents=True, exist_ok=True)
                staging = layout.parquet_store / f"{self.run_id}.tmp"
                written = export_parquet(layout.serving, staging)
                version = layout.parquet_store / self.run_id
                os.replace(staging, version)
                swap_parquet(layout, version)
                info["tables"] = len(written)
        except RefreshError:
            raise
        except (Interrupted, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001
            self.summary["traceback"] = traceback.format_exc()
            raise RefreshError(EXIT_PUBLISH, f"rollback failed: {exc.__class__.__name__}: {exc}") from exc
