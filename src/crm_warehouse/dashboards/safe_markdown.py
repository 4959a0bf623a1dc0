"""Markdown for the role reports, written and rendered so that data never becomes markup.

Writing: `escape_markdown` puts a backslash before every Markdown metacharacter of a data
value, ``<``, ``>`` and ``&`` included (a name like ``[x](javascript:alert(1))`` or
``<script>`` stays text), so the .md file shows the value under any CommonMark renderer and
the HTML rendering cannot start a link or a tag.

Rendering: mistune 3 with raw HTML escaped (``escape=True``), the pipe-table plugin, and links
limited to relative paths inside the report folder (no scheme, no ``//``, no backslash, no
whitespace or control characters, checked after entity decoding); any other link renders as its
text alone, and images render as their text (reports embed none).
"""

from __future__ import annotations

import html
import re
from typing import cast

import mistune

# Backslash-escapable punctuation with a meaning anywhere in a line (links, emphasis, code,
# table cells); and what starts a heading, list, quote or rule at the start of a value.
_MD_INLINE = re.compile(r"([\\`*_\[\]()!|~<>&])")
_MD_LEADING = re.compile(r"^(\s*)([#+\-=])")
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")


def escape_markdown(value: object) -> str:
    """A data value as Markdown text that renders to exactly that text (one line)."""
    text = str(value).replace("\r", " ").replace("\n", " ")
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_LEADING.sub(r"\1\\\2", text, count=1)
    return _MD_ORDERED.sub(r"\1\\\2", text, count=1)


def is_safe_href(url: str) -> bool:
    """True for a relative link inside the output folder tree, e.g. ``daily/rep/U00012.html``."""
    decoded = html.unescape(url or "")
    if not decoded or any(ch.isspace() or not ch.isprintable() for ch in decoded):
        return False
    return not ("\\" in decoded or decoded.startswith("/") or _SCHEME.match(decoded))


class _SafeRenderer(mistune.HTMLRenderer):
    def __init__(self) -> None:
        super().__init__(escape=True)

    def link(self, text: str, url: str, title: str | None = None) -> str:
        """A link only when its target is a safe relative path, else its text alone."""
        if not is_safe_href(url):
            return text
        return super().link(text, url, title)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        """No images: their alternative text only."""
        return text


def render_markdown_html(md_text: str) -> str:
    """HTML body for Markdown text; see the module docstring for what is refused."""
    markdown = mistune.create_markdown(renderer=_SafeRenderer(), escape=True, plugins=["table"])
    return cast(str, markdown(md_text))  # the HTML renderer returns text
