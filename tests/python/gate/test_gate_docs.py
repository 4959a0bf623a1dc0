"""The landing gate's Data Docs with planted values: no script runs, no javascript: link or
event handler survives, nothing is requested from the network, and the pages stay readable
(the index lists every validation page, the failing values are reported)."""

from __future__ import annotations

import csv
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[3]

from crm_warehouse import landing_gate  # noqa: E402
from crm_warehouse.dashboards.browser import chromium_path, offline_browser  # noqa: E402
from crm_warehouse.gate.safe_docs import sanitise_css, sanitise_html  # noqa: E402

MINIMAL = ROOT / "tests" / "python" / "data" / "landing_minimal"
REQUIRE_BROWSER = os.environ.get("CRM_REQUIRE_BROWSER") == "1"
MARK = "document.documentElement.dataset.pwned"
# (entity, column, planted value): an enum, an amount, a date, a key and free text
PLANTED = [
    ("contracts", "status", f"<script>{MARK}='status'</script>"),
    ("contracts", "total_amount", f"<img src=x onerror=\"{MARK}='amount'\">"),
    ("opportunities", "stage", f"<svg onload=\"{MARK}='svg'\"></svg>"),
    ("activities", "activity_type", f"<a href=\"javascript:{MARK}='link'\">click</a>"),
    ("users", "role", f"<iframe srcdoc=\"<script>parent.{MARK}='frame'</script>\"></iframe>"),
    ("leads", "lead_source", f'<meta http-equiv="refresh" content="0;url=javascript:{MARK}=\'meta\'">'),
    (
        "accounts",
        "pool_status",
        "<link rel=stylesheet href=https://evil.example/x.css><img src=https://evil.example/pixel.png>",
    ),
]

_PROBE = """
() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = (a.value || '').replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (a.name.startsWith('on') || a.name === 'srcdoc') bad.push(el.tagName + ' ' + a.name);
      if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href'].includes(a.name)
          && /^(javascript|vbscript|data:text|https?:|\\/\\/)/.test(v)) bad.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  return {pwned: document.documentElement.dataset.pwned || null, bad: bad,
          scripts: document.scripts.length, text: document.body ? document.body.innerText : ''};
}
"""


def test_sanitiser_removes_every_active_part_and_keeps_the_text():
    page = sanitise_html(
        "<!DOCTYPE html><html><head><script src='https://cdn.example/x.js'></script>"
        "<link rel='stylesheet' href='https://cdn.example/b.css'><link rel='stylesheet' href='static/s.css'><link rel='icon' href='static/f.ico'>"
        "<style>@import url(https://x/y.css); .a { background: url('https://x/p.png') } .b { background: url(static/i.png) }</style>"
        "</head><body onload='x()'><p style='background:url(https://x/p.png)'>a &lt;b&gt; &amp; c</p>"
        "<a href='javascript:alert(1)'>j</a><a href=' JaVa\tScRiPt:alert(1)'>k</a><a href='validations/a b.html'>ok</a>"
        "<img src=x onerror=alert(1)><svg><a xlink:href='javascript:alert(1)'>s</a></svg>"
        "<iframe srcdoc='<script>alert(1)</script>'></iframe><object data='x.swf'></object>"
        "<form action='https://evil.example'><input name=q></form><base href='https://evil.example/'>"
        "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'><script>alert(2)</script></body></html>"
    )
    assert "<script" not in page and "<iframe" not in page and "<object" not in page and "<form" not in page
    assert "<base" not in page and "refresh" not in page
    assert not re.search(r"\son\w+=", page)
    assert "javascript" not in page.lower() and "https://" not in page
    assert (
        'href="validations/a b.html"' in page
        and 'href="static/s.css"' in page
        and "url(static/i.png)" in page
    )
    assert "a &lt;b&gt; &amp; c" in page
    assert page.index("Content-Security-Policy") < page.index("<style>")
    assert (
        sanitise_css("@import 'https://x/a.css'; b { background: url(https://x/p.png) }")
        == " b { background: none }"
    )


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("gate_docs")
    landing = work / "landing"
    shutil.copytree(MINIMAL, landing)
    for entity, column, value in PLANTED:
        path = landing / entity / "2025-06-01_full.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        rows[1][rows[0].index(column)] = value
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    code = landing_gate.main(
        [
            "--landing-dir",
            str(landing),
            "--docs-dir",
            str(work / "docs"),
            "--summary",
            str(work / "summary.txt"),
            "--json",
            str(work / "result.json"),
        ]
    )
    assert code == 0
    summary = (work / "summary.txt").read_text(encoding="utf-8")
    for entity, column, _value in PLANTED:  # the summary keeps every value as its text
        assert f"{entity}/2025-06-01_full.csv, row 2, column '{column}'" in summary, (entity, column)
    return work / "docs"


def test_data_docs_reference_nothing_outside(docs: Path) -> None:
    pages = sorted(docs.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), page
        for attr in re.findall(r'(?<![-\w])(?:src|href)="([^"]*)"', text):
            assert not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", attr), (page, attr)
            if not attr.startswith("#"):
                assert (page.parent / unquote(attr.split("#")[0])).resolve().exists(), (page, attr)
    index = (docs / "index.html").read_text(encoding="utf-8")
    listed = {unquote(h) for h in re.findall(r'href="(validations/[^"]+)"', index)}
    assert listed == {p.relative_to(docs).as_posix() for p in (docs / "validations").rglob("*.html")}


def test_no_planted_script_runs_and_nothing_leaves_the_machine(docs: Path) -> None:
    exe = chromium_path()
    if not exe or not Path(exe).exists():
        if REQUIRE_BROWSER:
            pytest.fail("Chromium is required (CRM_REQUIRE_BROWSER=1) but missing: run `make browser`")
        pytest.skip("Chromium not installed: run `make browser`")
    findings = {}
    with offline_browser() as (context, blocked):
        for path in sorted(docs.rglob("*.html")):
            page = context.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            page.wait_for_timeout(50)
            probe = page.evaluate(_PROBE)
            if probe["pwned"] or probe["bad"] or probe["scripts"] or dialogs:
                findings[str(path.relative_to(docs))] = {**probe, "text": None, "dialogs": dialogs}
            if path.name == "index.html" and path.parent == docs:
                assert "校验结果 Validation results" in probe["text"] and "contracts" in probe["text"]
            if "contracts__" in path.name:
                assert "Failed" in probe["text"] and "status" in probe["text"]
            page.close()
        assert blocked == [], f"requests left the machine: {blocked}"
    assert findings == {}
