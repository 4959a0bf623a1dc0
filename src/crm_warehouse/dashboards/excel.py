"""Excel (.xlsx) copies of the site's tables and of the role reports, written with openpyxl.

Each page or report gets one workbook beside it (``rep/U00012.html`` -> ``rep/U00012.xlsx``)
with one sheet per section: the key-figure cards and every table of a page, every section of a
report. A sheet has the section's headers in row 1 as the page shows them (Chinese and English,
from the label seeds), the header row frozen and an autofilter over the data.

Figures are numbers with the number format of their unit, so Excel shows what the page shows
(``formatting.py``): cny -> ``¥1,234`` / ``-¥1,234``, ratio -> ``45.6%``, multiple -> ``16.8×``,
count -> ``1,234``, days/hours/score -> ``12.3``. On the site the exact mart value is taken from
the figure's ``data-value``; a report holds display text, so its figures are read back from that
text (rounded as the report shows them).

Every other value is written as a text cell: a CRM value such as ``=1+1``, ``@SUM(A1)`` or
``-2+3`` is never a formula (openpyxl would store a string starting with ``=`` as one), and a
cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return also carries Excel's
quote prefix, so editing it in Excel does not turn it into one either. Characters a workbook
cannot hold (control characters) are written as U+FFFD, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from .labels import label

# Number formats matching formatting.fmt_number, one per unit.
NUMBER_FORMATS = {
    "cny": '"¥"#,##0;"-¥"#,##0',
    "ratio": "0.0%",
    "multiple": '0.0"×"',
    "days": "#,##0.0",
    "hours": "#,##0.0",
    "score": "#,##0.0",
    "count": "#,##0",
}
FRACTION_FORMAT = "#,##0.0"  # a count that is not whole, as fmt_number shows it
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_NAME = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MISSING = "—"
_MD_UNESCAPE = re.compile(r"\\([\\`*_\[\]()!|~<>&#+\-=.)])")
_AMOUNT = re.compile(r"^(-?)¥([\d,]+(?:\.\d+)?)$")
_PLAIN = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^[+-]?\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Figure:
    """A number and its unit (``None`` value: the figure is missing)."""

    value: float | None
    unit: str | None


@dataclass(frozen=True)
class Linked:
    """A text cell with a hyperlink (a CRM link of the page)."""

    text: str
    url: str


@dataclass
class Sheet:
    """One worksheet to write: a section title, its headers and its rows of cells."""

    title: str  # the section title (the sheet name is derived from it)
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)  # str, Figure, number or None


# --------------------------------------------------------------------------- cells
def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name for a section title: no []:*?/\\, no leading or trailing
    apostrophe, at most 31 characters; a repeated name gets " (2)", " (3)" …"""
    name = _SHEET_FORBIDDEN.sub(" ", ILLEGAL_CHARACTERS_RE.sub(" ", title or ""))
    name = re.sub(r"\s+", " ", name).strip().strip("'").strip() or "Sheet"
    if len(name) > MAX_SHEET_NAME and " " in name[: MAX_SHEET_NAME + 1]:
        name = name[: MAX_SHEET_NAME + 1].rsplit(" ", 1)[0]  # cut between words
    base, n = name[:MAX_SHEET_NAME].rstrip(), 1
    candidate = base
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = base[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
    taken.add(candidate.lower())
    return candidate


def clean_text(text: str) -> str:
    """The text with the characters Excel files cannot hold replaced by U+FFFD."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def number_format(value: float, unit: str | None) -> str:
    """The Excel number format for a value in its unit (counts with a fraction get a decimal format)."""
    fmt = NUMBER_FORMATS.get(unit or "count", FRACTION_FORMAT)
    if fmt == NUMBER_FORMATS["count"] and abs(value - round(value)) > 1e-9:
        return FRACTION_FORMAT
    return fmt


def write_cell(cell: Any, value: Any) -> None:
    """Write one value: a Figure or number as a number, anything else as text (never a formula)."""
    if isinstance(value, Figure):
        if value.value is None:
            cell.value = None
            return
        cell.value = float(value.value)
        cell.number_format = number_format(float(value.value), value.unit)
        return
    if isinstance(value, Linked):
        write_cell(cell, value.text)
        if value.url.startswith(("https://", "http://")):
            cell.hyperlink = value.url
        return
    if isinstance(value, bool) or value is None:
        cell.value = None if value is None else str(value)
        return
    if isinstance(value, (int, float)):
        cell.value = value
        return
    text = clean_text(str(value))
    cell.value = text
    cell.data_type = "s"  # openpyxl reads a leading "=" as a formula otherwise
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True


def write_workbook(path: Path, sheets: Sequence[Sheet], title: str = "") -> Path:
    """Write the sheets into ``path`` (frozen header row, autofilter, readable column widths)."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for sheet in sheets or [Sheet(" ".join(label("none")), [" ".join(label("none"))])]:
        ws = wb.create_sheet(sheet_name(sheet.title, taken))
        for col, header in enumerate(sheet.headers, start=1):
            write_cell(ws.cell(row=1, column=col), header)
        for r, row in enumerate(sheet.rows, start=2):
            for col, value in enumerate(row, start=1):
                write_cell(ws.cell(row=r, column=col), value)
        width = max(len(sheet.headers), max((len(r) for r in sheet.rows), default=0), 1)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(width)}{max(1, len(sheet.rows) + 1)}"
        for col in range(1, width + 1):
            longest = max(
                (
                    len(str(ws.cell(row=r, column=col).value or ""))
                    for r in range(1, min(len(sheet.rows), 200) + 2)
                ),
                default=8,
            )
            ws.column_dimensions[get_column_letter(col)].width = min(60, max(8, longest * 1.6 + 2))
    wb.properties.title = clean_text(title)[:255] or None
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# --------------------------------------------------------------------------- site pages
class _PageTables(HTMLParser):
    """The key-figure cards and the tables of a rendered site page, with their section titles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sheets: list[Sheet] = []
        self.heading: list[str] | None = None  # text pieces of the <h1>/<h2>/<h3> being read
        self.title = ""
        self.cards: list[list[Any]] = []
        self.table: Sheet | None = None
        self.row: list[Any] | None = None
        self.cell: list[str] | None = None
        self.figure: Figure | None = None
        self.in_head = False
        self.numeric = False  # the cell is a figure column (class="num")
        self.link: str | None = None  # the first CRM link of the cell
        self.in_link = False
        self.card_depth = 0  # > 0 inside a <div class="card">
        self.card_parts: dict[str, Any] = {}
        self.card_target: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Track headings, tables, rows, cells, figures, CRM links and KPI cards as they open."""
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag in ("h1", "h2", "h3"):
            self.heading = []
        elif tag == "table":
            self.table = Sheet(self.title, [])
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell, self.figure, self.numeric, self.link = [], None, "num" in classes, None
        elif tag == "a" and "crm-link" in classes and self.cell is not None:
            self.link, self.in_link = self.link or a.get("href"), True
        elif tag == "span" and "en" in classes:
            self._text(" ")
        elif tag == "span" and "fig" in classes:
            self.figure = Figure(_number(a.get("data-value", "")), a.get("data-unit") or None)
            if self.card_depth:
                self.card_parts["value"] = self.figure
        if tag == "div":
            if self.card_depth:
                self.card_depth += 1
                if "label" in classes:
                    self.card_target, self.card_parts["label"] = "label", []
            elif "card" in classes:
                self.card_depth, self.card_parts = 1, {}

    def handle_endtag(self, tag: str) -> None:
        """Close the heading, cell, row, table or card that ends and keep what it held."""
        if tag in ("h1", "h2", "h3") and self.heading is not None:
            self.title = re.sub(r"\s+", " ", "".join(self.heading)).strip()
            self.heading = None
        elif tag == "thead":
            self.in_head = False
        elif tag == "a" and self.in_link:
            self.in_link = False
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            text = re.sub(r"\s+", " ", "".join(self.cell)).strip()
            if self.figure is None and self.numeric and _PLAIN.match(text):
                self.figure = Figure(float(text.replace(",", "")), "count")
            value = self.figure if self.figure is not None else text
            self.row.append(Linked(text, self.link) if self.link and isinstance(value, str) else value)
            self.cell = None
        elif tag == "tr" and self.row is not None and self.table is not None:
            if self.in_head and not self.table.headers:
                self.table.headers = [str(v) for v in self.row]
            elif not (len(self.row) == 1 and not self.table.rows and self._is_empty_row()):
                self.table.rows.append(self.row)
            self.row = None
        elif tag == "table" and self.table is not None:
            self.sheets.append(self.table)
            self.table = None
        elif tag == "div" and self.card_depth:
            self.card_depth -= 1
            if self.card_target == "label" and self.card_depth == 1:
                self.card_target = None
            if self.card_depth == 0 and "label" in self.card_parts:
                self.cards.append(
                    [
                        re.sub(r"\s+", " ", "".join(self.card_parts["label"])).strip(),
                        self.card_parts.get("value", Figure(None, None)),
                    ]
                )

    def _is_empty_row(self) -> bool:
        return self.row == [" ".join(label("none"))]

    def handle_data(self, data: str) -> None:
        """Add text to the current heading, cell or card (a CRM link's own words are left out)."""
        if not self.in_link:  # a CRM link's words are not the cell's value: the link is
            self._text(data)

    def _text(self, data: str) -> None:
        if self.heading is not None:
            self.heading.append(data)
        if self.cell is not None:
            self.cell.append(data)
        if self.card_target == "label":
            self.card_parts["label"].append(data)


def _number(raw: str) -> float | None:
    try:
        return float(raw) if raw else None
    except ValueError:
        return None


def page_sheets(html: str) -> list[Sheet]:
    """The sheets of a rendered page: its key figures (when it has cards), then each table
    under the title of the section it sits in."""
    parser = _PageTables()
    parser.feed(html)
    parser.close()
    sheets = list(parser.sheets)
    if parser.cards:
        sheets.insert(
            0,
            Sheet(
                " ".join(label("key_figures")),
                [" ".join(label("metric")), " ".join(label("value"))],
                parser.cards,
            ),
        )
    return sheets


# --------------------------------------------------------------------------- reports


def report_value(text: str) -> Any:
    """A report cell as Excel should hold it: its figure as a number in its unit's format,
    anything else as the text the report shows (Markdown escapes removed)."""
    plain = _MD_UNESCAPE.sub(r"\1", text).strip()
    if plain == _MISSING:
        return None
    amount = _AMOUNT.match(plain)
    if amount:
        value = float(amount.group(2).replace(",", ""))
        return Figure(-value if amount.group(1) else value, "cny")
    if plain.endswith("%") and _PLAIN.match(plain[:-1]):
        return Figure(float(plain[:-1].replace(",", "")) / 100.0, "ratio")
    if plain.endswith("×") and _PLAIN.match(plain[:-1]):
        return Figure(float(plain[:-1].replace(",", "")), "multiple")
    if _PLAIN.match(plain) and not plain.startswith("+"):
        value = float(plain.replace(",", ""))
        return Figure(value, "count")
    return plain


def report_sheets(sections: Iterable[Any]) -> list[Sheet]:
    """One sheet per report section (``reports.Section``): a table as it is, key figures as
    two columns, a list as one."""
    sheets = []
    for s in sections:
        title = _MD_UNESCAPE.sub(r"\1", s.title)
        if s.kind == "kv":
            sheets.append(
                Sheet(
                    title,
                    [" ".join(label("metric")), " ".join(label("value"))],
                    [[_MD_UNESCAPE.sub(r"\1", k), report_value(v)] for k, v in s.pairs],
                )
            )
        elif s.kind == "list":
            sheets.append(Sheet(title, [title], [[_MD_UNESCAPE.sub(r"\1", i)] for i in s.items]))
        else:
            sheets.append(
                Sheet(
                    title,
                    [_MD_UNESCAPE.sub(r"\1", h) for h in s.headers],
                    [[report_value(c) for c in row] for row in s.rows],
                )
            )
    return sheets
