"""Make the gate's Great Expectations Data Docs safe to open and usable offline.

Great Expectations renders some landing values into the pages as raw HTML (an unexpected
value ``<script>…</script>`` in a contract status ran on page load) and loads its CSS and
JavaScript from public CDNs. After the site is built, every HTML page is rewritten:

- every ``<script>``, ``<iframe>``, ``<object>``, ``<embed>``, ``<base>``, ``<form>`` and
  ``<meta http-equiv>`` element is removed (planted or GE's own: the pages are static tables),
- every image that is not one of GE's own (``static/``) is removed,
- every ``on…`` event attribute, ``srcdoc``, and every URL attribute that is not a relative
  link inside the site (``javascript:``, ``data:``, ``http(s):``, ``//host``) is removed, as
  are ``style`` values that load anything (``url(``, ``@import``, ``expression``),
- external stylesheets are dropped (remote ``url()`` and ``@import`` in the local ones too)
  and a small inline stylesheet keeps the tables readable,
- the index gets a static list of every validation and expectation page (GE draws its list
  with JavaScript),
- a Content-Security-Policy (no script, nothing from the network) is the first thing in
  ``<head>``, so a value this rewrite missed still could not run.

Text is re-escaped. A value that GE wrote as raw markup loses its markup in the page (a planted
``<script>`` is gone, an ``<img onerror=…>`` is a bare image); the gate's summary and JSON
result (summary.txt, result.json) keep every value as the text it was, with file, row and
column.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; base-uri 'none'; form-action 'none'"
)
OFFLINE_CSS = """
body { font: 14px/1.5 "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif;
       margin: 16px 24px; color: #1f2933; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #d9dee5; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
a { color: #1f6feb; }
.alert-danger, .text-danger { color: #b42318; }
.text-success { color: #067647; }
nav, .navbar-toggler, .sr-only, .d-none { display: none; }
"""

_DROP_WITH_CONTENT = {
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "noscript",
    "template",
}
_DROP_TAG_ONLY = {"base", "form", "input", "button", "select", "textarea"}
_VOID = {"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_URL_ATTRS = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "srcset",
    "background",
    "ping",
    "longdesc",
    "cite",
    "manifest",
    "codebase",
}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_STATIC = re.compile(r"^(?:\./)?(?:\.\./)*static/[\w./-]+$")
_UNSAFE_STYLE = re.compile(r"url\s*\(|@import|expression\s*\(|behavior\s*:", re.I)
_CSS_URL = re.compile(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.I)


def _local_url(value: str) -> bool:
    """A relative link inside the site (``../static/x.css``, ``#top``, ``validations/a.html``)."""
    url = re.sub(r"[\x00-\x20\x7f]", "", value or "")
    return bool(url) and not (_SCHEME.match(url) or url.startswith(("//", "\\", "/\\")))


def sanitise_css(css: str) -> str:
    """A stylesheet that loads nothing from outside the site (remote url() and @import go)."""
    css = _CSS_IMPORT.sub("", css)
    css = _CSS_URL.sub(lambda m: m.group(0) if _local_url(m.group(2)) else "none", css)
    return re.sub(r"expression\s*\(|behavior\s*:", "invalid(", css, flags=re.I)


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0  # depth inside an element dropped with its content
        self.in_style = False

    # -- tags ---------------------------------------------------------------------------------
    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> str | None:
        kept = []
        for name, value in attrs:
            name = name.lower()
            value = value or ""
            if name.startswith("on") or name in ("srcdoc", "formaction", "integrity", "crossorigin"):
                continue
            if name in _URL_ATTRS and not _local_url(value):
                continue
            if name == "style" and _UNSAFE_STYLE.search(value):
                continue
            kept.append(f' {name}="{html.escape(value, quote=True)}"')
        return "".join(kept)

    def _keep(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if tag in _DROP_TAG_ONLY:
            return False
        if tag == "meta":
            names = {k.lower() for k, _ in attrs}
            return "http-equiv" not in names
        if tag in ("img", "source", "video", "audio", "track", "input"):  # GE's images are in static/
            return bool(_STATIC.match(dict(attrs).get("src") or ""))
        if tag == "link":  # local stylesheets only (GE's icon links point one level too high)
            found = dict(attrs)
            return "stylesheet" in (found.get("rel") or "").lower() and _local_url(found.get("href") or "")
        return True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Write an allowed start tag with its safe attributes; skip dropped tags and their content."""
        if self.skip:
            if tag in _DROP_WITH_CONTENT:
                self.skip += 1
            return
        if tag in _DROP_WITH_CONTENT:
            self.skip = 1
            return
        if not self._keep(tag, attrs):
            return
        self.out.append(f"<{tag}{self._attrs(tag, attrs)}>")
        if tag == "head":
            self.out.append(
                f'<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="{CSP}">'
                f"<style>{OFFLINE_CSS}</style>"
            )
        if tag == "style":
            self.in_style = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Handle a self-closing tag as a start tag followed by its end tag."""
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and not self.skip:
            self.handle_endtag(tag)
        elif self.skip and tag in _DROP_WITH_CONTENT:
            self.skip -= 1

    def handle_endtag(self, tag: str) -> None:
        """Write the end tag of a kept element; nothing inside dropped content."""
        if self.skip:
            if tag in _DROP_WITH_CONTENT:
                self.skip -= 1
            return
        if tag in _DROP_TAG_ONLY or tag in _VOID:
            return
        if tag == "style":
            self.in_style = False
        self.out.append(f"</{tag}>")

    # -- content ------------------------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        """Write text escaped, or style content sanitised; nothing inside dropped content."""
        if self.skip:
            return
        if self.in_style:
            self.out.append(sanitise_css(data).replace("</", "<\\/"))
        else:
            self.out.append(html.escape(data, quote=False))

    def handle_decl(self, decl: str) -> None:
        """Keep only an HTML5 doctype."""
        if decl.lower().startswith("doctype"):
            self.out.append("<!DOCTYPE html>")

    def handle_comment(self, data: str) -> None:
        """Drop comments."""
        return

    def handle_pi(self, data: str) -> None:
        """Drop processing instructions."""
        return

    def unknown_decl(self, data: str) -> None:
        """Drop other declarations (CDATA and the like)."""
        return


def sanitise_html(text: str) -> str:
    """One Data Docs page, rewritten as described in the module docstring."""
    parser = _Sanitiser()
    parser.feed(text)
    parser.close()
    page = "".join(parser.out)
    if "Content-Security-Policy" not in page:  # a fragment without <head>
        page = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' + page
    return page


def index_listing(docs_dir: Path) -> str:
    """Static links to every validation and expectation page (GE's index draws its list with
    JavaScript, which the rewrite removes)."""
    docs_dir = Path(docs_dir)

    def link(path: Path, text: str) -> str:
        href = quote(path.relative_to(docs_dir).as_posix())
        return f'<a href="{html.escape(href, quote=True)}">{html.escape(text)}</a>'

    rows = []
    for path in sorted((docs_dir / "validations").rglob("*.html")):
        suite = path.relative_to(docs_dir / "validations").parts[0]
        batch = path.stem.removesuffix("-landing_file")
        shown = batch.split("__", 1)[1] if "__" in batch else batch
        rows.append(f"<tr><td>{html.escape(suite)}</td><td>{link(path, shown)}</td></tr>")
    suites = [f"<li>{link(p, p.stem)}</li>" for p in sorted((docs_dir / "expectations").glob("*.html"))]
    return (
        '<section id="offline-index"><h2>校验结果 Validation results</h2>'
        "<table><thead><tr><th>实体 Entity</th><th>文件 File</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
        "<h2>校验规则 Expectation suites</h2><ul>" + "".join(suites) + "</ul></section>"
    )


def sanitise_site(docs_dir: Path) -> int:
    """Rewrite every HTML page and stylesheet under `docs_dir`; returns how many pages."""
    docs_dir = Path(docs_dir)
    for path in sorted(docs_dir.rglob("*.css")):
        path.write_text(sanitise_css(path.read_text(encoding="utf-8")), encoding="utf-8")
    count = 0
    for path in sorted(docs_dir.rglob("*.html")):
        page = sanitise_html(path.read_text(encoding="utf-8"))
        if path == docs_dir / "index.html":
            listing = index_listing(docs_dir)
            page = page.replace("</body>", listing + "</body>", 1) if "</body>" in page else page + listing
        path.write_text(page, encoding="utf-8")
        count += 1
    return count
