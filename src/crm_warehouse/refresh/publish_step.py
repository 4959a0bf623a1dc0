"""The publish and push steps: a green build becomes the serving file, its Parquet copies and history."""

from __future__ import annotations

import os
import traceback

from crm_warehouse.refresh.archive import archive_serving, history_files, prune
from crm_warehouse.refresh.base import RefreshBase
from crm_warehouse.refresh.codes import (
    EXIT_PUBLISH,
    Interrupted,
    RefreshError,
)
from crm_warehouse.refresh.layout import fsync_dir, remove_path
from crm_warehouse.refresh.publish import (
    SERVING_SCHEMAS,
    export_parquet,
    inspect_candidate,
    make_serving_file,
    serving_writer,
    swap_parquet,
)
from crm_warehouse.refresh.push_step import PUSH_ENABLED_ENV, push_after_publish


class PublishStep(RefreshBase):
    """Publish a green candidate (serving file, Parquet, history) and push after it."""

    def push(self) -> None:
        """Group-robot push after a successful publish, when CRM_PUSH_ENABLED=1 (see
        push_after_publish): its failure is a warning, never a failed or rolled-back refresh."""
        if os.environ.get(PUSH_ENABLED_ENV) != "1" or not self.summary.get("published"):
            return
        with self.step("push") as info:
            status, message = push_after_publish(self.layout.serving)
            info["_status"], info["_note"] = status, message
            self.summary["push"] = {"status": status, "message": message}
            if status != "ok":
                self.log.warn(f"push: {message}", self.console)

    @staticmethod
    def _counts_note(summary: dict | None) -> str:
        if not summary:
            return ""
        parts = []
        for kind in ("model", "test", "unit_test"):
            if kind in summary["counts"]:
                parts.append(
                    kind + " " + ", ".join(f"{s} {n}" for s, n in sorted(summary["counts"][kind].items()))
                )
        return "; ".join(parts)

    def publish(self) -> None:
        """Check the candidate, make the serving file and its Parquet copies, archive the old one and swap in."""
        layout, opts = self.layout, self.opts
        try:
            with self.step("inspect") as info:
                rows = inspect_candidate(layout.candidate)
                info["tables"] = len(rows)
                models = self.summary.get("models") or {}
                for entry in models.values():  # rows per model, from the built file
                    relation = (entry.get("relation") or "").replace('"', "").split(".")
                    key = ".".join(relation[-2:]) if len(relation) >= 2 else None
                    if key in rows:
                        entry["rows"] = rows[key]
                self.summary["table_rows"] = rows
            with self.step("serve") as info:
                copied = make_serving_file(layout.candidate, layout.serve_candidate)
                info["tables"] = len(copied)
                info["schemas"] = list(SERVING_SCHEMAS)
            with self.step("parquet") as info:
                layout.parquet_store.mkdir(parents=True, exist_ok=True)
                staging = layout.parquet_store / f"{self.run_id}.tmp"
                remove_path(staging)
                written = export_parquet(layout.serve_candidate, staging)
                version = layout.parquet_store / self.run_id
                os.replace(staging, version)
                info["tables"] = len(written)
            with self.step("swap") as info:
                writer = serving_writer(layout.serving)
                if writer:
                    remove_path(version)
                    raise RefreshError(
                        EXIT_PUBLISH,
                        (
                            f"not publishing over the serving file: {writer}. Close the read-write "
                            f"connection (BI tools must open {layout.serving.name} read-only) and run "
                            f"the refresh again; nothing was changed. / 未发布：请关闭对服务库的读写连接后重试。"
                        ),
                    )
                # the private full build first: if the run dies here, the next one builds from it
                layout.private_dir.mkdir(parents=True, exist_ok=True)
                os.chmod(layout.private_dir, 0o700)
                os.chmod(layout.candidate, 0o600)
                os.replace(layout.candidate, layout.private)
                fsync_dir(layout.private_dir)
                archived = archive_serving(layout, layout.history)
                os.replace(layout.serve_candidate, layout.serving)
                fsync_dir(layout.serving.parent)
                self.summary["published"] = True
                info["archived_previous"] = str(archived) if archived else None
                swap_parquet(layout, version)
                info["parquet"] = str(layout.parquet)
            with self.step("history") as info:
                info["kept"] = [p.name for p in history_files(layout)[: opts.keep]]
                info["pruned"] = prune(history_files(layout), opts.keep)
                prune(history_files(layout, layout.rolled_back), opts.keep)
        except RefreshError:
            raise
        except (Interrupted, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001
            self.summary["traceback"] = traceback.format_exc()
            raise RefreshError(EXIT_PUBLISH, f"publish failed: {exc.__class__.__name__}: {exc}") from exc
