"""Data values as text in chat-robot Markdown (DingTalk, WeCom, Feishu ``lark_md``).

The robots' Markdown renderers do not all honour CommonMark's backslash escapes (a reader may
see ``\\(``), and each platform gives ``<`` its own meaning (WeCom ``<@userid>`` and ``<font>``,
Feishu ``<at id=all>``). So a data value is made inert by replacing every character that can
start markup with its full-width form: ``< > [ ] * _ ` ~ | # & \\`` become
``＜ ＞ ［ ］ ＊ ＿ ｀ ～ ｜ ＃ ＆ ＼`` (a name like ``[x](javascript:…)`` can no longer be a link,
``<@all>`` no longer a mention), and line breaks become spaces. Text already escaped for the
reports (``safe_markdown.escape_markdown``) is first unescaped, so a report figure reads the
same in a push.
"""

from __future__ import annotations

import re

_FULL_WIDTH = str.maketrans(
    {
        "<": "＜",
        ">": "＞",
        "[": "［",
        "]": "］",
        "*": "＊",
        "_": "＿",
        "`": "｀",
        "~": "～",
        "|": "｜",
        "#": "＃",
        "&": "＆",
        "\\": "＼",
        "\r": " ",
        "\n": " ",
    }
)
_REPORT_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def chat_text(value: object) -> str:
    """`value` as inert text in a robot message (see the module docstring)."""
    return str(value).translate(_FULL_WIDTH)


def from_report(markdown_text: str) -> str:
    """A value the reports escaped with a backslash before each Markdown character, as inert
    robot text."""
    return chat_text(_REPORT_ESCAPE.sub(r"\1", markdown_text))
