"""One meaning per word: every label a person reads comes from the indicator catalog, the alert
rules or the one label seed (seeds/ref_ui_labels.csv), and no raw code reaches a page.

Builds the site and reports once from the warehouse in CRM_TEST_DUCKDB (``make test-python``
points it at the dev build), else warehouse/crm.duckdb, and reads what a person reads: the
visible text of every page (scripts, tags and attributes removed) and every Markdown report.
"""

from __future__ import annotations

import csv
import html as html_lib
import os
import re
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[3]


WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "crm.duckdb")
SEEDS = ROOT / "seeds"
CODE = ROOT / "src" / "crm_warehouse" / "dashboards"
# the site's and the reports' modules: site.py with site_model.py and one page_*.py per page family,
# reports.py with report_*.py and the shared role queries (roles.py)
PAGE_CODE = [
    CODE / "site.py",
    CODE / "site_model.py",
    *sorted(CODE.glob("page_*.py")),
    CODE / "reports.py",
    *sorted(CODE.glob("report_*.py")),
    CODE / "roles.py",
]
pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")

# Names a reader met for the same thing before there was one name: win rate (the catalog's
# 商机赢率) was also 赢单率 and 赢率; the thin-pipeline flag was also 漏斗不健康 / 商机漏斗不健康;
# 达成 stood alone for two different ratios (vs the quota, vs the pro-rated target), which are
# now 目标达成率 and 进度达成率; the site and the reports named alerts, the first-raised date,
# today's planned visits, the month's quota, month to date and the visit pace target each two
# ways.
VARIANTS = {
    "赢单率": "商机赢率 (indicator win_rate)",
    "(?<!商机)赢率": "商机赢率 (indicator win_rate)",
    "漏斗不健康": "商机覆盖不足 / 商机覆盖低于目标",
    "(?<!目标)(?<!进度)达成": "目标达成率 (vs quota) or 进度达成率 (vs the pro-rated target)",
    # an alert was 预警 on the pages and 提醒 in the reports (and 预警 is the at_risk status)
    "待处理预警|严重预警|全部待处理预警": "待处理提醒 / 严重提醒 (alert = 提醒; 预警 is the at-risk status)",
    "首次提出": "首次触发 (first raised)",
    "今天计划拜访": "今日待拜访 (planned visits today)",
    "本月指标": "本月配额 (the month's quota; 指标 is an indicator)",
    "本月截至数据日": "本月至今 (month to date)",
    "进度目标 Pace target": "进度要求 Pace target (visit pace)",
}
SEPARATORS = re.compile(r"[·|:：,，;；()（）/\[\]]")


def _seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _visible_text(page: str) -> str:
    page = re.sub(r"<script\b.*?</script>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<style\b.*?</style>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<[^>]+>", "\n", page)
    return html_lib.unescape(page)


@pytest.fixture(scope="module")
def texts(shared_site) -> dict[str, str]:
    out = shared_site.out_dir
    found = {}
    for path in sorted(out.rglob("*.html")):
        rel = path.relative_to(out).as_posix()
        if rel.startswith("reports/"):
            continue  # the reports are read as Markdown below
        found[rel] = _visible_text(path.read_text(encoding="utf-8"))
    for path in sorted(out.rglob("*.md")):
        found[path.relative_to(out).as_posix()] = path.read_text(encoding="utf-8")
    assert found
    return found


def test_no_raw_codes_on_pages_or_reports(texts):
    """Codes of the seeds' code lists (business lines, ownership types, indicator layers) are
    shown by their names, never as the bare code."""
    codes = {
        row["label_key"].split(".", 1)[1]: row["label_key"]
        for row in _seed("ref_ui_labels.csv")
        if "." in row["label_key"]
    }
    assert {"software", "content", "public_institution", "result", "process", "behavior"} <= set(codes)
    problems = []
    for name, text in texts.items():
        for line in text.splitlines():
            tokens = {t.strip() for t in SEPARATORS.split(line)}
            for code in codes:
                if code in tokens or ("_" in code and re.search(rf"\b{code}\b", line)):
                    problems.append(f"{name}: raw code {code!r} in {line.strip()[:120]!r}")
    assert not problems, "\n".join(problems[:20])


def test_one_name_per_indicator_and_flag(texts):
    problems = []
    for name, text in texts.items():
        for pattern, meant in VARIANTS.items():
            for m in re.finditer(pattern, text):
                context = text[max(0, m.start() - 30) : m.end() + 30].replace("\n", " ")
                problems.append(f"{name}: {m.group(0)!r} (say {meant}) in {context!r}")
    assert not problems, "\n".join(problems[:20])


def test_indicator_names_on_pages_are_the_catalogs(texts):
    """Wherever a page names the win rate or the quota attainment indicator, it is the
    catalog's name (in both languages)."""
    catalog = {
        r["indicator_code"]: (r["indicator_name_zh"], r["indicator_name_en"])
        for r in _seed("ref_indicator_catalog.csv")
    }
    team_pages = [t for n, t in texts.items() if n.startswith("team/")]
    assert team_pages
    for text in team_pages:
        assert catalog["win_rate"][0] in text and catalog["win_rate"][1] in text


def test_seed_labels_are_not_written_into_the_page_code():
    """A label of ref_ui_labels or an alert rule's name written as a literal in the page or
    report code bypasses the seed (and drifts from it): the code must call labels.label()."""
    labels = {r["label_zh"] for r in _seed("ref_ui_labels.csv")}
    labels |= {r["rule_name_zh"] for r in _seed("ref_alert_rules.csv")}
    labels = {x for x in labels if len(x) >= 3}
    sources = [*PAGE_CODE, CODE / "formatting.py", *sorted((CODE / "templates").rglob("*.j2"))]
    problems = [
        f"{src.relative_to(ROOT)}: {label!r}"
        for src in sources
        for label in sorted(labels)
        if label in src.read_text(encoding="utf-8")
    ]
    assert not problems, "\n".join(problems)


def test_english_title_keeps_the_persons_name(texts):
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    try:
        reps = con.execute("select user_id, user_name from marts.rep_workbench").fetchall()
    finally:
        con.close()
    checked = 0
    for uid, name in reps:
        text = texts.get(f"rep/{uid}.html")
        if text is None:
            continue
        assert f"Rep workbench · {name}" in text, uid
        checked += 1
    assert checked > 0


def test_pipeline_coverage_is_a_multiple_everywhere(shared_site):
    """Coverage is 0.8× in the alerts (pipeline ÷ remaining quota): the board and the workbench
    show the same unit, never a percentage."""
    out = shared_site.out_dir
    fig = re.compile(r'<span class="fig"[^>]*data-col="pipeline_coverage"[^>]*>([^<]*)<')
    shown = [
        v
        for p in [*out.glob("team/*.html"), *out.glob("rep/*.html")]
        for v in fig.findall(p.read_text(encoding="utf-8"))
    ]
    values = [v for v in shown if v.strip() not in ("—", "-", "")]
    assert values, "no pipeline coverage shown on the team boards and workbenches"
    assert all(v.endswith("×") for v in values), sorted(set(v for v in values if not v.endswith("×")))[:5]


# Chinese text the page and report code may write itself: what is no label (unit suffixes,
# the calendar words of a date, the language toggle's own caption). Everything else a person
# reads is a key of seeds/ref_ui_labels.csv (or the catalog / alert rules) read via label().
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
ALLOWED_CJK_LITERALS = {
    "元",
    "个",
    "天",
    "小时",  # unit suffixes (formatting.UNIT_LABELS)
    "年",
    "月",
    "年第",
    "周",  # calendar words of a date: 2026年3月, 2026年第9周
    "中 / EN",
    "中文 / English",  # the language toggle's caption and tooltip
}


def _python_cjk_literals(path: Path) -> list[tuple[int, str]]:
    """Every string constant with Chinese in a Python module (f-string pieces included),
    docstrings excepted."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and CJK.search(node.value)
    ]


def _template_cjk_literals(path: Path) -> list[tuple[int, str]]:
    """Every run of Chinese text in a template outside {# comments #}: in bi("…") calls, in
    string literals and in the markup itself."""
    source = re.sub(
        r"\{#.*?#\}", lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"), flags=re.S
    )
    found = []
    for lineno, line in enumerate(source.splitlines(), 1):
        for m in re.finditer(r"[^\"'<>{}|]*[\u3400-\u4dbf\u4e00-\u9fff][^\"'<>{}|]*", line):
            if m.group(0).strip() not in ALLOWED_CJK_LITERALS:
                found.append((lineno, m.group(0).strip()))
    return found


def test_page_and_report_code_write_no_chinese_label():
    """The site and report code (site and report modules, formatting.py and every template) writes
    no Chinese label itself: headings, table headers, card labels, chart titles and series,
    section titles and status words come from the seeds through label() / label_fmt(), so a
    term keeps one key and one Chinese name everywhere."""
    problems = []
    for src in (
        *PAGE_CODE,
        CODE / "formatting.py",
        CODE / "excel.py",
        CODE / "crm_links.py",
        CODE / "visit_csv.py",
    ):
        problems += [
            f"{src.relative_to(ROOT)}:{n}: {s!r}"
            for n, s in _python_cjk_literals(src)
            if s.strip() not in ALLOWED_CJK_LITERALS
        ]
    for src in sorted((CODE / "templates").rglob("*.j2")):
        problems += [f"{src.relative_to(ROOT)}:{n}: {s!r}" for n, s in _template_cjk_literals(src)]
    assert not problems, f"{len(problems)} Chinese literals not read from the seeds:\n" + "\n".join(
        problems[:40]
    )


def test_the_scan_finds_a_label_written_in_code(tmp_path):
    """The scan itself: a template heading, a Python tuple and an f-string piece are found, a
    comment, a docstring and a unit suffix are not."""
    tpl = tmp_path / "t.html.j2"
    tpl.write_text(
        '{# 注释 #}\n<h2>{{ bi("待处理预警", "Open alerts") }}</h2>\n<th>签约</th>\n', encoding="utf-8"
    )
    assert [s for _, s in _template_cjk_literals(tpl)] == ["待处理预警", "签约"]
    py = tmp_path / "m.py"
    py.write_text(
        '"""模块说明"""\nX = ("本月签约", "Bookings")\nY = f"{1}个"\nZ = f"共 {2} 条"\n', encoding="utf-8"
    )
    found = [s for _, s in _python_cjk_literals(py) if s.strip() not in ALLOWED_CJK_LITERALS]
    assert found == ["本月签约", "共 ", " 条"]


def test_label_fmt_fills_each_language_and_never_formats_a_value():
    """A (zh, en) pair fills each language with its own half, any other value fills both, and a
    value is inserted as text (braces in a team name stay braces)."""
    from crm_warehouse.dashboards.labels import label_fmt, text_fmt

    assert label_fmt("team_board_title", zh_name="华东{0}组", en_name="T{x}") == (
        "团队看板 · 华东{0}组",
        "Team board · T{x}",
    )
    assert label_fmt("leaderboard_top10_chart", metric=("签约金额", "Bookings"), line="软件业务线") == (
        "签约金额 前10名 · 软件业务线",
        "Bookings: top 10 · 软件业务线",
    )
    assert text_fmt("more_not_shown", more=7) == "另有 7 条未列出 7 more not shown"


def test_every_label_with_placeholders_formats():
    """Every seed label is a valid format string in both languages (no stray brace, every
    placeholder a plain name), so label_fmt can fill any of them."""
    import string

    from crm_warehouse.dashboards.labels import label_fmt

    for row in _seed("ref_ui_labels.csv"):
        names = {
            f
            for text in (row["label_zh"], row["label_en"])
            for _, f, _, _ in string.Formatter().parse(text)
            if f
        }
        assert all(n.isidentifier() for n in names), row["label_key"]
        label_fmt(row["label_key"], **{n: "x" for n in names})
