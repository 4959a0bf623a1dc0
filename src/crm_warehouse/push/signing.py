"""Request signing of the custom robots that have one (WeCom's key sits in its URL).

- DingTalk (加签): ``sign = base64(HmacSHA256(key=secret, msg=f"{timestamp_ms}\\n{secret}"))``,
  sent URL-encoded as ``&timestamp=…&sign=…`` query parameters.
- Feishu (签名校验): ``sign = base64(HmacSHA256(key=f"{timestamp_s}\\n{secret}", msg=b""))``,
  sent as ``timestamp`` and ``sign`` fields of the JSON body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlencode, urlsplit, urlunsplit


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature (base64, not yet URL-encoded) of a millisecond timestamp."""
    message = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()).decode(
        "ascii"
    )


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """`url` with DingTalk's ``timestamp`` and ``sign`` query parameters appended."""
    parts = urlsplit(url)
    extra = urlencode({"timestamp": str(timestamp_ms), "sign": dingtalk_sign(secret, timestamp_ms)})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature of a second timestamp (the secret and timestamp are the HMAC key)."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")
