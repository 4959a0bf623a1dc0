"""Hostile ids and names in the marts: the site and the role reports write every file inside the
output folder, under a stable slug that links resolve to, and no planted script, event handler
or ``javascript:`` link survives into a page (checked in headless Chromium with no network).

One copy of the test warehouse (CRM_TEST_DUCKDB) gets reps, a team lead and a team/region whose
ids carry path traversal, separators, quotes, spaces, CJK and a very long id, and whose names
carry HTML, Markdown-link and entity payloads; the site and its reports are built once.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[3]
from crm_warehouse.dashboards.browser import chromium_path, offline_browser  # noqa: E402
from crm_warehouse.dashboards.paths import UnsafeOutputPath, safe_output_path, slug  # noqa: E402
from crm_warehouse.dashboards.safe_markdown import escape_markdown, is_safe_href, render_markdown_html  # noqa: E402
from crm_warehouse.dashboards.site import build_site  # noqa: E402

WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "crm.duckdb")
REQUIRE_BROWSER = os.environ.get("CRM_REQUIRE_BROWSER") == "1"

HOSTILE_IDS = [
    "../../../../escaped/evil",
    "..\\..\\..\\escaped\\evil2",
    "a/b",
    'o\'brien "q" <i>',
    "张 三",
    "U" + "9" * 300,
]
PAYLOADS = [
    "<script>document.documentElement.dataset.pwned='script'</script>",
    "[点我 click](javascript:document.documentElement.dataset.pwned='link')",
    "<img src=x onerror=\"document.documentElement.dataset.pwned='img'\">",
    "[x](JaVaScRiPt&#58;document.documentElement.dataset.pwned='entity')",
    '<a href="javascript:void(0)">raw</a> **b** | pipe ![i](javascript:x)',
    '"><svg onload="document.documentElement.dataset.pwned=\'svg\'">',
]
TEAM_ID = '../../../escaped/team "T"'
REGION_ID = "..\\区域/'R'"


# --------------------------------------------------------------------------- unit checks
def test_slug_is_stable_safe_and_collision_free():
    ids = HOSTILE_IDS + [
        TEAM_ID,
        REGION_ID,
        "U00012",
        "u00012",
        "company",
        "a b",
        "a-b",
        "a_b",
        "CON",
        "",
        " ",
        ".",
        "..",
        "华东",
        "華東",
        "x" * 65,
        "x" * 64,
        "a__b",
        "a_b_c",
    ]
    slugs = [slug(i) for i in ids]
    assert len(set(slugs)) == len(ids), "two ids share a file name"
    assert [slug(i) for i in ids] == slugs, "slug is not stable"
    for i, s in zip(ids, slugs, strict=False):
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", s), (i, s)
        assert "." not in s and "/" not in s and "\\" not in s
    # safe ids keep their name (existing links keep working); others get a readable part
    assert slug("U00012") == "U00012" and slug("company") == "company"
    assert slug("张 三").startswith("zhang-san__")
    # an id built to look like another id's slug still gets its own name
    assert slug(slug("a b")) != slug("a b")


@pytest.mark.parametrize("relative", ["../x.html", "a/../../x.html", "/etc/passwd", "rep/../../x", ".", ""])
def test_paths_outside_the_output_folder_are_refused(tmp_path: Path, relative: str) -> None:
    with pytest.raises(UnsafeOutputPath):
        safe_output_path(tmp_path / "out", relative)
    assert (
        safe_output_path(tmp_path / "out", "rep/U1.html") == (tmp_path / "out" / "rep" / "U1.html").resolve()
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_escaping_keeps_the_text_and_adds_no_markup(payload: str) -> None:
    html = render_markdown_html(
        f"| a |\n| --- |\n| {escape_markdown(payload)} |\n\n- {escape_markdown(payload)}\n"
    )
    tags = re.findall(r"<[^>]*>", html)
    assert {re.match(r"</?(\w+)", t).group(1) for t in tags} <= {
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "ul",
        "li",
    }
    assert not any(re.search(r"\son\w+\s*=|javascript", t, re.I) for t in tags), tags
    # the text a person reads is the payload itself
    text = (
        re.sub(r"<[^>]*>", "", html)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
    )
    assert text.count(payload) == 2


def test_renderer_refuses_raw_html_and_unsafe_links() -> None:
    html = render_markdown_html(
        "[ok](daily/rep/U1.html) [js](javascript:alert(1)) [ent](javascript&#58;alert(1)) "
        "[tab](java\tscript:alert(1)) [proto](//evil.example/x) [abs](/etc/passwd) [data](data:text/html,x) "
        '<a href="javascript:alert(1)">raw</a> <script>alert(1)</script> ![img](http://evil.example/x.png) '
        "<http://evil.example/>"
    )
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs == ["daily/rep/U1.html"], html
    assert "<script" not in html and "<img" not in html
    for url in (
        "javascript:x",
        "JAVASCRIPT:x",
        "javascript&#58;x",
        " javascript:x",
        "//x",
        "\\\\x",
        "/x",
        "vbscript:x",
    ):
        assert not is_safe_href(url), url


# --------------------------------------------------------------------------- one hostile build
@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not WAREHOUSE.is_file():
        pytest.skip(f"no warehouse at {WAREHOUSE}: run make test-duckdb")
    base = tmp_path_factory.mktemp("hostile")
    db_copy = base / "crm.duckdb"
    shutil.copy2(WAREHOUSE, db_copy)
    con = duckdb.connect(str(db_copy))
    template = con.execute(
        "select team_id, team_name, business_line, region_id, region_name, leader_user_id "
        "from core.dim_teams where not is_unknown order by team_id limit 1"
    ).fetchone()
    con.execute(
        "insert into core.dim_teams (team_id, team_name, business_line, region_id, region_name, "
        "leader_user_id, is_unknown) values (?, ?, ?, ?, ?, ?, false)",
        [TEAM_ID, PAYLOADS[0], template[2], REGION_ID, PAYLOADS[1], HOSTILE_IDS[0]],
    )
    for i, (uid, name) in enumerate(zip(HOSTILE_IDS, PAYLOADS, strict=False)):
        team = (
            (TEAM_ID, PAYLOADS[0], REGION_ID, PAYLOADS[1])
            if i % 2 == 0
            else (template[0], template[1], template[3], template[4])
        )
        con.execute(
            """
            insert into core.dim_users (user_id, user_name, role, is_rep, manager_user_id, hire_date,
                termination_date, is_active, current_team_id, current_team_name, current_business_line,
                current_region_id, current_region_name, is_unknown)
            values (?, ?, 'rep', true, ?, current_date, null, true, ?, ?, ?, ?, ?, false)""",
            [uid, name, template[5], team[0], team[1], template[2], team[2], team[3]],
        )
    con.close()
    out = base / "deep" / "er" / "still" / "site"
    run = build_site(db_copy, out)
    return {"base": base, "out": out, "run": run}


def test_every_file_is_written_inside_the_output_folder(hostile: dict) -> None:
    base, out = hostile["base"], hostile["out"].resolve()
    outside = [
        p
        for p in base.rglob("*")
        if p.is_file() and p.name != "crm.duckdb" and not p.resolve().is_relative_to(out)
    ]
    assert outside == [], f"written outside {out}: {outside}"
    assert not (base / "escaped").exists()
    names = {p.name for p in out.rglob("*.html")}
    for uid in HOSTILE_IDS:
        assert f"{slug(uid)}.html" in names, uid
    assert f"{slug(TEAM_ID)}.html" in {p.name for p in (out / "team").glob("*.html")}
    assert f"{slug(REGION_ID)}.html" in {p.name for p in (out / "cockpit").glob("*.html")}
    report_dir = out / "reports" / hostile["run"].as_of.isoformat()
    for period in ("daily", "weekly", "monthly"):
        for uid in HOSTILE_IDS:
            assert (report_dir / period / "rep" / f"{slug(uid)}.md").is_file(), (period, uid)


def test_links_resolve_and_point_at_the_slugged_files(hostile: dict) -> None:
    out = hostile["out"]
    problems = []
    for page in out.rglob("*.html"):
        for attr in re.findall(r'(?<![-\w])(?:src|href)="([^"]*)"', page.read_text(encoding="utf-8")):
            if attr.startswith("#"):
                continue
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", attr) or attr.startswith("//"):
                problems.append(f"{page.relative_to(out)} links {attr}")
            elif not (page.parent / attr).resolve().is_file():
                problems.append(f"{page.relative_to(out)}: broken link {attr}")
    assert problems == []
    index = (out / "index.html").read_text(encoding="utf-8")
    for uid in HOSTILE_IDS:
        assert f'href="rep/{slug(uid)}.html"' in index, uid
    assert f'href="team/{slug(TEAM_ID)}.html"' in index
    rep_page = (out / "rep" / f"{slug(HOSTILE_IDS[0])}.html").read_text(encoding="utf-8")
    assert f"reports/{hostile['run'].as_of.isoformat()}/daily/rep/{slug(HOSTILE_IDS[0])}.html" in rep_page


def test_markdown_reports_keep_payloads_as_text(hostile: dict) -> None:
    report_dir = hostile["out"] / "reports" / hostile["run"].as_of.isoformat()
    md = (report_dir / "daily" / "rep" / f"{slug(HOSTILE_IDS[1])}.md").read_text(encoding="utf-8")
    assert "](javascript:" not in md and "<script" not in md and "<img" not in md
    html = (report_dir / "daily" / "rep" / f"{slug(HOSTILE_IDS[1])}.html").read_text(encoding="utf-8")
    assert "javascript:" not in "".join(re.findall(r'(?:href|src)="[^"]*"', html)).lower()
    assert "[点我 click](javascript:" in html  # the name is shown, as text


_PAGE_PROBE = """
() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = (a.value || '').replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a.name) && /^(javascript|vbscript|data:text)/.test(v))
        bad.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  return {pwned: document.documentElement.dataset.pwned || null, bad: bad,
          scripts: Array.from(document.scripts).map(s => s.src || ('inline:' + (s.type || 'js')))};
}
"""


def test_no_planted_script_runs_in_the_browser(hostile: dict) -> None:
    exe = chromium_path()
    if not exe or not Path(exe).exists():
        if REQUIRE_BROWSER:
            pytest.fail("Chromium is required (CRM_REQUIRE_BROWSER=1) but missing: run `make browser`")
        pytest.skip("Chromium not installed: run `make browser`")
    out = hostile["out"]
    report_dir = out / "reports" / hostile["run"].as_of.isoformat()
    pages = [
        out / "index.html",
        out / "leaderboards.html",
        out / "team" / f"{slug(TEAM_ID)}.html",
        out / "cockpit" / f"{slug(REGION_ID)}.html",
        report_dir / "index.html",
    ]
    pages += [out / "rep" / f"{slug(uid)}.html" for uid in HOSTILE_IDS]
    pages += [
        report_dir / period / "rep" / f"{slug(uid)}.html"
        for period in ("daily", "monthly")
        for uid in HOSTILE_IDS
    ]
    pages += sorted((report_dir / "daily" / "team_lead").glob(f"{slug(HOSTILE_IDS[0])}*.html"))
    findings = {}
    with offline_browser() as (context, blocked):
        for path in pages:
            assert path.is_file(), path
            page = context.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            probe = page.evaluate(_PAGE_PROBE)
            if probe["pwned"] or probe["bad"] or dialogs:
                findings[str(path.relative_to(out))] = {**probe, "dialogs": dialogs}
            page.close()
        assert blocked == [], f"requests left the machine: {blocked}"
    assert findings == {}


def test_chart_json_cannot_close_its_script_block():
    """Chart data is written inside <script type="application/json">: a name holding
    `</script>` must not end the block, and JSON.parse must read the same value back."""
    from crm_warehouse.dashboards.site import script_safe_json

    value = [{"name": "</script><img src=x onerror=alert(1)> & 华东", "v": 1}]
    text = script_safe_json(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == value
