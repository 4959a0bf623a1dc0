"""One class per robot platform: message format, @-mentions, size and rate limits, signing,
and what a response means.

A :class:`Message` holds Markdown lines whose data values are already inert
(``chat_text``); a channel turns it into one or more payloads that each fit
the platform's size limit (long lists are split by line, every part titled "part i of n").

Formats (see docs/push.md for the platform documents):

- DingTalk: ``{"msgtype": "markdown", "markdown": {"title", "text"}, "at": {"atUserIds",
  "atMobiles", "isAtAll"}}``; a mention also appears in the text as ``@<id>``.
- WeCom: ``{"msgtype": "markdown", "markdown": {"content"}}``, mentions as ``<@userid>``;
  content at most 4096 bytes.
- Feishu: ``{"msg_type": "interactive", "card": {...}}`` with a ``lark_md`` block, mentions as
  ``<at id=open_id></at>`` and a link button; signed fields ``timestamp`` and ``sign``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from crm_warehouse.dashboards.labels import label_fmt
from crm_warehouse.dashboards.labels import text as label_text

from .chat_text import chat_text as esc
from .config import Mention
from .signing import dingtalk_signed_url, feishu_sign


@dataclass
class Message:
    """One thing to tell a group: kind, exactly-once key, routing scope, text and mentions."""

    kind: str
    key: str
    title: tuple[str, str]  # (zh, en)
    lines: list[str]  # Markdown, data already inert (chat_text)
    team_id: str | None = None
    region_id: str | None = None
    role: str | None = None  # the recipient's role (rep, team_lead, director)
    mention_user_ids: list[str] = field(default_factory=list)
    link: str | None = None  # absolute URL (CRM_SITE_BASE_URL) or None
    page: str | None = None  # the page's path under the site
    link_text: tuple[str, str] = ("", "")  # label push_open_link, set by compose
    items: list[str] = field(default_factory=list)  # item keys the message covers (alert id + day)


@dataclass(frozen=True)
class Outcome:
    """What a response meant: delivered, worth retrying (rate limit, server error), or not."""

    ok: bool
    retryable: bool
    error: str | None = None


def _json_size(payload: dict[str, Any]) -> int:
    return len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))


class Channel:
    """Base class; subclasses set the limits and the format."""

    platform = ""
    max_bytes = 4000  # our budget for the text part of one message
    rate_limits: tuple[tuple[int, float], ...] = ((20, 60.0),)  # (messages, seconds) per robot
    rate_limit_codes: frozenset[int] = frozenset()

    # -- format ----------------------------------------------------------------------------
    def mention_text(self, mention: Mention) -> str:
        """How the platform writes an @-mention of this person in the message text."""
        raise NotImplementedError

    def build(
        self, title: str, text: str, mentions: list[Mention], link: str | None, link_text: str
    ) -> dict[str, Any]:
        """The platform's JSON payload for one part of a message (its title, text, mentions and link)."""
        raise NotImplementedError

    def text_of(self, payload: dict[str, Any]) -> str:
        """The text part of a payload whose size the platform limits."""
        raise NotImplementedError

    def payloads(self, message: Message, mentions: list[Mention]) -> list[dict[str, Any]]:
        """The message as payloads that each fit ``max_bytes``; split by line when too long."""
        zh, en = message.title
        link_text = " ".join(message.link_text)
        mention_line = " ".join(self.mention_text(m) for m in mentions)
        link_line = self.link_line(message.link, link_text)
        if not message.link and message.page:
            link_line = f"{label_text('push_page_path')}: {esc(message.page)}"
        chunks = _split(message.lines, self.max_bytes - _bytes(mention_line) - _bytes(link_line) - 200)
        parts = []
        for i, chunk in enumerate(chunks, start=1):
            title = f"{zh} {en}".strip()
            if len(chunks) > 1:
                part_zh, part_en = label_fmt("push_part", part=i, parts=len(chunks))
                title = f"{zh}（{part_zh}） {en} ({part_en})".replace(" ()", "").strip()
            body = [f"**{title}**", *chunk]
            if mention_line:
                body.append(mention_line)
            if link_line and i == len(chunks):
                body.append(link_line)
            parts.append(self.build(title, "\n\n".join(body), mentions, message.link, link_text))
        return parts

    def link_line(self, link: str | None, link_text: str) -> str:
        """The Markdown line that links to the page, or an empty string without a link."""
        return f"[{link_text}]({link})" if link else ""

    # -- sending ---------------------------------------------------------------------------
    def prepare(
        self, url: str, secret: str | None, payload: dict[str, Any], now: float
    ) -> tuple[str, dict[str, Any]]:
        """URL and body to POST (signed where the platform signs); `now` is epoch seconds."""
        return url, payload

    def outcome(self, status: int, body: Any) -> Outcome:
        """Interpret an HTTP status and JSON body: 2xx with code 0 is delivered; HTTP 429, 5xx
        and the platform's rate-limit codes are retried; anything else fails."""
        if status == 429 or status >= 500:
            return Outcome(False, True, f"HTTP {status}")
        if status >= 400:
            return Outcome(False, False, f"HTTP {status}")
        code, text = self.code_of(body)
        if code == 0:
            return Outcome(True, False)
        retry = code in self.rate_limit_codes
        return Outcome(False, retry, f"{self.platform} code {code}: {text}"[:300])

    def code_of(self, body: Any) -> tuple[int | None, str]:
        """The platform's result code and message from a JSON response body (None when it is not an object)."""
        if not isinstance(body, dict):
            return None, "response is not a JSON object"
        return body.get("errcode"), str(body.get("errmsg", ""))


class DingTalk(Channel):
    """DingTalk group robot: Markdown messages, @-mentions by user id or mobile, signed URL."""

    platform = "dingtalk"
    max_bytes = 4000
    rate_limits = ((20, 60.0),)
    rate_limit_codes = frozenset({130101, 410100})  # send too fast / flow limited

    def mention_text(self, mention: Mention) -> str:
        """A DingTalk mention in the text: ``@<id>``."""
        return f"@{mention.value}"

    def build(self, title, text, mentions, link, link_text):
        """A DingTalk Markdown payload whose ``at`` block lists the mentioned user ids and mobiles."""
        return {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": text},
            "at": {
                "atUserIds": [m.value for m in mentions if m.id_type == "user_id"],
                "atMobiles": [m.value for m in mentions if m.id_type == "mobile"],
                "isAtAll": False,
            },
        }

    def text_of(self, payload):
        """The Markdown text of a DingTalk payload."""
        return payload["markdown"]["text"]

    def prepare(self, url, secret, payload, now):
        """The URL, signed with the timestamp and secret when a secret is set, and the payload unchanged."""
        if secret:
            url = dingtalk_signed_url(url, secret, int(now * 1000))
        return url, payload


class WeCom(Channel):
    """WeCom (WeChat Work) group robot: Markdown messages, mentions as ``<@userid>``, no signing."""

    platform = "wecom"
    max_bytes = 4096  # markdown content limit
    rate_limits = ((20, 60.0),)
    rate_limit_codes = frozenset({45009})  # api freq out of limit

    def mention_text(self, mention: Mention) -> str:
        """A WeCom mention in the text: ``<@userid>``."""
        return f"<@{mention.value}>"

    def build(self, title, text, mentions, link, link_text):
        """A WeCom Markdown payload holding the text (mentions are part of the text)."""
        return {"msgtype": "markdown", "markdown": {"content": text}}

    def text_of(self, payload):
        """The Markdown content of a WeCom payload."""
        return payload["markdown"]["content"]


class Feishu(Channel):
    """Feishu (Lark) group robot: interactive cards with a link button, mentions as ``<at id=...>``, signed body."""

    platform = "feishu"
    max_bytes = 18000  # request body at most 20 KB
    rate_limits = ((100, 60.0), (5, 1.0))
    rate_limit_codes = frozenset({11232})  # frequency limited

    def mention_text(self, mention: Mention) -> str:
        """A Feishu mention in the text: ``<at id=open_id></at>``."""
        return f"<at id={mention.value}></at>"

    def link_line(self, link, link_text):
        """No link line: a Feishu card links through a button instead."""
        return ""  # a button instead

    def build(self, title, text, mentions, link, link_text):
        """A Feishu interactive card: the title in the header, the text without its title line in a
        ``lark_md`` block, and a button to the page when there is a link."""
        body = text.split("\n\n", 1)[1] if "\n\n" in text else text  # the header holds the title
        elements: list[dict[str, Any]] = [{"tag": "div", "text": {"tag": "lark_md", "content": body}}]
        if link:
            elements.append(
                {
                    "tag": "action",
                    "actions": [
                        {
                            "tag": "button",
                            "text": {"tag": "plain_text", "content": link_text},
                            "type": "primary",
                            "url": link,
                        }
                    ],
                }
            )
        return {
            "msg_type": "interactive",
            "card": {
                "config": {"wide_screen_mode": True},
                "header": {"title": {"tag": "plain_text", "content": title}, "template": "blue"},
                "elements": elements,
            },
        }

    def text_of(self, payload):
        """The ``lark_md`` text of a Feishu card payload."""
        return payload["card"]["elements"][0]["text"]["content"]

    def prepare(self, url, secret, payload, now):
        """The URL unchanged and the payload with ``timestamp`` and ``sign`` added when a secret is set."""
        if secret:
            ts = int(now)
            payload = {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **payload}
        return url, payload

    def code_of(self, body):
        """Feishu's result code and message (``code``/``msg``, or ``StatusCode``/``StatusMessage``)."""
        if not isinstance(body, dict):
            return None, "response is not a JSON object"
        code = body.get("code", body.get("StatusCode"))
        return code, str(body.get("msg", body.get("StatusMessage", "")))


CHANNELS: dict[str, Channel] = {c.platform: c for c in (DingTalk(), WeCom(), Feishu())}


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _split(lines: list[str], budget: int) -> list[list[str]]:
    """Consecutive lines grouped so each group's text (joined by blank lines) fits `budget`
    bytes; a single line longer than the budget is cut with an ellipsis."""
    budget = max(budget, 200)
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if _bytes(line) > budget:
            line = line.encode("utf-8")[: budget - 4].decode("utf-8", "ignore") + "…"
        extra = _bytes(line) + 2
        if chunks[-1] and size + extra > budget:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += extra
    return chunks
