"""The run itself: adapt the source, gate, prepare the build file, freshness, dbt build, then publish."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import cast

from crm_warehouse.refresh.archive import clean_leftovers
from crm_warehouse.refresh.codes import (
    EXIT_DBT,
    EXIT_GATE,
    EXIT_USAGE,
    RefreshError,
)
from crm_warehouse.refresh.dbt_step import (
    dbt_error_lines,
    run_dbt,
    summarize_freshness,
    summarize_run_results,
)
from crm_warehouse.refresh.gate_step import choose_gate
from crm_warehouse.refresh.history import carry_history
from crm_warehouse.refresh.progress import DbtProgress
from crm_warehouse.refresh.publish_step import PublishStep
from crm_warehouse.refresh.settings import check_salt


class BuildStep(PublishStep):
    """Adapt, gate, prepare, freshness and dbt build; publishes through PublishStep."""

    def adapt_source(self) -> dict:
        """CRM_SOURCE_MAPPING: the CRM's own exports (CRM_SOURCE_DIR) are adapted into the
        landing folder first (crmwh adapt, docs/adapt.md); a refused adaptation stops the
        refresh before the gate and the serving warehouse stays as it was."""
        from crm_warehouse.adapt.run import AdaptRefused, MappingError, adapt  # noqa: PLC0415

        opts = self.opts
        if opts.source_dir is None:
            raise RefreshError(
                EXIT_USAGE,
                "CRM_SOURCE_MAPPING is set but CRM_SOURCE_DIR (the folder of the CRM's exports) is not",
            )
        try:
            report = adapt(cast(Path, opts.source_mapping), opts.source_dir, opts.landing_dir)
        except MappingError as exc:
            self.console.error(str(exc))
            raise RefreshError(
                EXIT_GATE, f"source mapping refused: {opts.source_mapping}", gate_messages=[str(exc)][:50]
            ) from None
        except AdaptRefused as exc:
            for line in exc.problems[:50]:
                self.console.error(line)
            raise RefreshError(
                EXIT_GATE,
                f"adaptation of {opts.source_dir} with "
                f"{opts.source_mapping} refused ({len(exc.problems)} problem(s))",
                gate_messages=exc.problems[:50],
            ) from None
        if report["rejected_rows"]:
            self.log.warn(
                f"adaptation rejected {report['rejected_rows']} row(s): "
                f"{opts.landing_dir / '_adapt' / 'rejects.csv'}",
                self.console,
            )
        return {
            "mapping": str(opts.source_mapping),
            "source_dir": str(opts.source_dir),
            "rejected_rows": report["rejected_rows"],
            "absent_entities": report["absent_entities"],
            "unavailable_indicators": [
                i["indicator_code"] for i in report["unavailable_indicators"]["values"]
            ],
        }

    # ---- run

    def refresh(self) -> None:
        """The run: adapt (when mapped), gate, prepare the build file, freshness, dbt build, publish, push."""
        opts, layout = self.opts, self.layout
        duck = opts.target == "duckdb"
        with self.step("settings") as info:
            check_salt()
            info["pii_salt"] = "set"
            info["as_of_date"] = opts.as_of_date or "from the data"
            self.summary["as_of_date_var"] = opts.as_of_date
        with self.step("cleanup") as info:
            removed = clean_leftovers(layout) if duck else []
            layout.dbt_dir.mkdir(parents=True, exist_ok=True)
            if removed:
                info["removed"] = removed
                self.log.warn(f"removed {len(removed)} leftover file(s) of an interrupted run", self.console)

        if opts.source_mapping is not None:
            with self.step("adapt") as info:
                info.update(self.adapt_source())

        with self.step("gate") as info:
            name, gate = choose_gate(opts.gate, self.log, self.console)
            info["gate"] = name
            result = gate(opts.landing_dir, opts.fmt, layout.gate_dir)
            info["gate_exit_code"] = result.exit_code
            if result.messages:
                info["messages"] = result.messages[:50]
            if not result.ok:
                for line in result.messages or [result.output.strip()]:
                    self.console.error(line)
                raise RefreshError(
                    EXIT_GATE,
                    f"landing gate '{name}' failed with exit code {result.exit_code}: {opts.landing_dir}",
                    gate_messages=result.messages[:50],
                )

        if duck:
            with self.step("prepare") as info:
                layout.build_dir.mkdir(parents=True, exist_ok=True)
                os.chmod(layout.build_dir, 0o700)  # the build file holds raw personal data
                if layout.private.exists() and layout.serving.exists() and not opts.full_refresh:
                    shutil.copyfile(layout.private, layout.candidate)
                    os.chmod(layout.candidate, 0o600)
                    info["mode"] = "incremental"
                    info["from"] = str(layout.private)
                else:
                    info["mode"] = "full"
                    if layout.serving.exists():
                        try:
                            info["history_carried"] = carry_history(layout.serving, layout.candidate)
                        except Exception as exc:  # an unreadable serving file must not block a rebuild
                            layout.candidate.unlink(missing_ok=True)
                            info["history_carried"] = []
                            info["_status"] = "warn"
                            self.log.warn(
                                f"issue and alert history not carried over from "
                                f"{layout.serving}: {exc.__class__.__name__}: {exc}",
                                self.console,
                            )
                self.summary["mode"] = info["mode"]

        if opts.freshness:
            with self.step("freshness") as info:
                sources = layout.dbt_dir / "sources.json"
                sources.unlink(missing_ok=True)
                try:
                    rc = run_dbt(
                        ["source", "freshness", *self.dbt_common()],
                        self.dbt_env(),
                        layout.log.parent / "dbt-freshness.log",
                        opts.verbose,
                    )
                except OSError as exc:  # warn only, whatever happens
                    rc = -1
                    info["error"] = f"{exc.__class__.__name__}: {exc}"
                summary = summarize_freshness(sources)
                info["dbt_exit_code"] = rc
                info["freshness"] = summary
                self.summary["freshness"] = summary
                not_passing = (summary or {}).get("not_passing", [])
                if rc != 0 or not_passing:
                    info["_status"] = "warn"
                    self.log.warn(
                        f"source freshness: {len(not_passing)} source(s) not fresh"
                        + (f" (dbt exit {rc})" if rc else ""),
                        None,
                    )

        with self.step("build") as info:
            results = layout.dbt_dir / "run_results.json"
            results.unlink(missing_ok=True)
            # unit tests are a development check (make test-duckdb): none in a production build
            args = ["build", *self.dbt_common(), "--exclude-resource-type", "unit_test", *opts.dbt_args]
            if opts.full_refresh:
                args.append("--full-refresh")
            output = layout.log.parent / "dbt-build.log"
            # nodes done of the total on one line (a terminal) or every tenth (a log); not with
            # --verbose (dbt's own lines) or --quiet
            progress = None if opts.verbose or opts.quiet else DbtProgress("build")
            try:
                rc = run_dbt(args, self.dbt_env(), output, opts.verbose, progress.feed if progress else None)
            finally:
                if progress is not None:
                    progress.close()
                    if progress.drawn and not progress.tty:
                        self.console.broken = True  # the step's status goes on a line of its own
            summary = summarize_run_results(results)
            info["dbt_exit_code"] = rc
            if summary:
                info["counts"] = summary["counts"]
                self.summary["tests"] = {
                    k: v for k, v in summary["counts"].items() if k in ("test", "unit_test")
                }
                self.summary["node_counts"] = summary["counts"]
                self.summary["models"] = summary["models"]
                if summary["warned"]:
                    self.summary["warned_tests"] = summary["warned"]
                    self.log.warn(f"{len(summary['warned'])} warn-level test(s) found issues", None)
            failed = summary["failed"] if summary else []
            if rc != 0 or failed:
                self.summary["failed_nodes"] = failed
                detail = failed or [
                    {
                        "node": "(dbt stopped before running nodes)",
                        "message": "\n".join(dbt_error_lines(output)),
                    }
                ]
                for node in detail:
                    self.console.error(f"FAILED {node['node']}: {node.get('message', '')}".strip())
                self.console.error(f"dbt output: {output}")
                if not failed:
                    self.summary["dbt_errors"] = dbt_error_lines(output)
                if duck:
                    for path in (
                        layout.candidate,
                        layout.candidate.with_name(layout.candidate.name + ".wal"),
                    ):
                        path.unlink(missing_ok=True)
                names = ", ".join(n["node"] for n in failed[:5]) or "see dbt output"
                raise RefreshError(
                    EXIT_DBT, f"dbt build failed (exit {rc}; {len(failed)} failed node(s): {names})"
                )
            info["_note"] = self._counts_note(summary)

        if not duck:
            self.summary["published"] = False
            self.console.info("spark target: tables were written in place (no file swap)")
            return
        self.publish()
        self.push()
