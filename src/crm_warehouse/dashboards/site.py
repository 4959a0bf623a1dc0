"""Static dashboard site built from the mart tables.

Every page is plain HTML that opens from disk: the chart library (ECharts, from the npm
registry, see package.json) is copied next to the pages, the data each chart draws is written
into the page as JSON, and nothing is fetched from the network. Pages:

    index.html                      links to every page
    cockpit/company.html            director cockpit, company; cockpit/<region_id>.html per region
    team/<team_id>.html             team-lead board, one per team
    rep/<user_id>.html              rep workbench, one per active rep (empty state without data)
    leaderboards.html               leaderboards, team contest, won-deal feed
    data-quality.html               data-entry quality scorecard
    indicator-tree.html             goal -> strategies -> process -> behavior indicators

<region_id>, <team_id> and <user_id> stand for `paths.slug(id)`: the id itself when it is a
safe file name (U00012), else a readable part plus a hash; every page is written through
`paths.safe_output_path`, never outside the output folder, and links use the same slug.

Each figure on a page is a ``<span class="fig">`` that names the mart row and column it shows
(``data-src``, ``data-key``, ``data-col``), and each chart series names the rows it draws, so
the browser tests can compare what a person sees with the marts.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .crm_links import CrmLinks
from .dbt_docs import DBT_DOCS_DIR, build_dbt_docs
from .excel import page_sheets, write_workbook
from .formatting import fmt_change, fmt_date, fmt_number, severity_label, status_label
from .labels import code_label, label, label_fmt
from .marts import MartReader
from .page_cockpit import CockpitPages
from .page_data_quality import DataQualityPage
from .page_indicator_tree import IndicatorTreePage
from .page_leaderboards import LeaderboardsPage
from .page_rep import RepPages
from .page_team import TeamPages
from .paths import safe_output_path, slug
from .site_model import ECHARTS_JS, PACKAGE_DIR, PAGE_CONSUMERS, Page, SiteRun, script_safe_json
from .visit_csv import write_visit_csv


class SiteBuilder(CockpitPages, TeamPages, RepPages, LeaderboardsPage, DataQualityPage, IndicatorTreePage):
    """Reads the marts and assembles the pages."""

    def index(self, pages: list[Page]) -> Page:
        """The index page: links to every page, the lists of regions, teams and reps, and the dbt docs."""
        self._use("index")
        reps = self.reps()
        teams = self.teams()
        return Page(
            "index",
            "index.html",
            *label("sales_indicator_dashboards"),
            "index.html.j2",
            {
                "pages": pages,
                "reps": reps,
                "teams": teams,
                "regions": self.regions(),
                "dbt_docs_index": f"{self.dbt_docs_dir}/index.html" if self.dbt_docs_dir else None,
            },
        )

    def build_pages(self) -> list[Page]:
        """Every page of the site: the index first, then the cockpits, team and rep pages, the
        leaderboards, data quality and indicator tree pages and any extra pages."""
        self._use("index")  # the lists of regions, teams and reps are the index's
        regions, teams, reps = self.regions(), self.teams(), self.reps()
        pages: list[Page] = [self.cockpit("company", None)]
        pages += [self.cockpit(reg["region_id"], reg) for reg in regions]
        pages += [self.team(t) for t in teams]
        pages += [self.rep(r) for r in reps]
        pages += [self.leaderboards(), self.data_quality(), self.indicator_tree()]
        pages += self.extra_pages
        return [self.index(pages)] + pages


# --------------------------------------------------------------------------- rendering
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(PACKAGE_DIR / "templates" / "site")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = fmt_date
    env.filters["slug"] = slug
    env.filters["num"] = fmt_number
    env.filters["change"] = fmt_change
    env.globals["status_label"] = status_label
    env.globals["severity_label"] = severity_label
    env.globals["label"] = label
    env.globals["label_fmt"] = label_fmt
    env.globals["code_label"] = code_label
    return env


def render_site(
    builder: SiteBuilder,
    out_dir: Path,
    reports_index: str | None = None,
    before_swap: Callable[[Path], None] | None = None,
    crm: CrmLinks | None = None,
) -> list[Page]:
    """Write every page into a fresh folder, then swap it in place of ``out_dir``."""
    crm = CrmLinks.from_env() if crm is None else crm
    pages = builder.build_pages()
    env = _env()
    env.globals["crm"] = crm
    if not ECHARTS_JS.is_file():
        raise FileNotFoundError(
            f"{ECHARTS_JS} is missing: run `npm ci` (make site does) to install the chart library"
        )
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    (tmp / "assets").mkdir(parents=True)
    shutil.copy2(ECHARTS_JS, tmp / "assets" / "echarts.min.js")
    for name in ("app.js", "style.css"):
        shutil.copy2(PACKAGE_DIR / "static" / name, tmp / "assets" / name)
    nav = [
        p
        for p in pages
        if p.kind in ("index", "leaderboards", "data_quality", "indicator_tree")
        or (p.kind == "cockpit" and p.path == "cockpit/company.html")
    ]
    env.globals["rep_pages"] = {p.path[len("rep/") : -len(".html")] for p in pages if p.kind == "rep"}
    for page in pages:

        def render(xlsx_href: str | None, page: Page = page) -> str:
            return env.get_template(page.template).render(
                page=page,
                ctx=page.context,
                charts=page.charts,
                nav=nav,
                as_of=builder.as_of,
                month=builder.month,
                prefix=page.depth_prefix,
                reports_index=reports_index,
                xlsx_href=xlsx_href,
                chart_json=script_safe_json([c.spec() for c in page.charts if c.has_data]).replace(
                    "</", "<\\/"
                ),
            )

        html = render(None)
        target = safe_output_path(tmp, page.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        sheets = page_sheets(html)
        if sheets:  # the page's tables as a workbook beside it, linked from the page
            xlsx = write_workbook(
                safe_output_path(tmp, page.path[: -len(".html")] + ".xlsx"),
                sheets,
                f"{page.title_zh} {page.title_en}",
            )
            html = render(xlsx.name)
        target.write_text(html, encoding="utf-8")
    for relative, rows in builder.visit_csvs.items():
        write_visit_csv(safe_output_path(tmp, relative), rows, crm)
    if before_swap is not None:
        before_swap(tmp)
    # swap: the old site stays readable until the new one is complete, then two renames
    old = out_dir.with_name(out_dir.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        out_dir.rename(old)
    tmp.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)
    return pages


def build_site(
    warehouse: Path, out_dir: Path, with_reports: bool = True, with_dbt_docs: bool = False
) -> SiteRun:
    """Build the site (and, by default, the role reports under ``reports/``) from the marts;
    with_dbt_docs also writes the static dbt docs site to ``dbt-docs/index.html`` (a DuckDB
    warehouse only: the docs catalog is read from it) and links it from the pages."""
    from .reports import build_reports

    report_runs: list[Any] = []
    with_dbt_docs = with_dbt_docs and Path(warehouse).is_file()

    def add_reports(tmp: Path) -> None:
        if with_reports:
            report_runs.append(build_reports(Path(warehouse), tmp / "reports"))
        if with_dbt_docs:
            build_dbt_docs(Path(warehouse), tmp / DBT_DOCS_DIR / "index.html")

    with MartReader(warehouse) as reader:
        builder = SiteBuilder(reader)
        builder.reports_dir = f"reports/{builder.as_of.isoformat()}" if with_reports else None
        builder.dbt_docs_dir = DBT_DOCS_DIR if with_dbt_docs else None
        reports_index = f"{builder.reports_dir}/index.html" if with_reports else None
        pages = render_site(
            builder, Path(out_dir), reports_index, add_reports if with_reports or with_dbt_docs else None
        )
        reads = {k: set(v) for k, v in reader.reads.items()}
    reports = report_runs[0] if report_runs else None
    if reports is not None:  # written into the build folder, now swapped into out_dir
        built = Path(out_dir).with_name(Path(out_dir).name + ".tmp").resolve()
        moved = [Path(out_dir) / Path(path).resolve().relative_to(built) for path in reports.files]
        reports = replace(
            reports, out_dir=Path(out_dir) / Path(reports.out_dir).resolve().relative_to(built), files=moved
        )
    return SiteRun(Path(out_dir), builder.as_of, pages, reads, reports)


__all__ = ["build_site", "SiteRun", "PAGE_CONSUMERS"]
