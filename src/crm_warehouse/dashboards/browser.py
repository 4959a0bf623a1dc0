"""Headless Chromium for the dashboard site (browser tests and README screenshots).

Uses Debian's chromium package (/usr/bin/chromium, installed by `make browser`) through
Playwright, with no network: the browser context is offline, background services are off and
every request that is not a local file is aborted and recorded.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-quic",
    "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def chromium_path() -> str | None:
    """The Chromium to drive: CRM_CHROMIUM, else Debian's /usr/bin/chromium."""
    explicit = os.environ.get("CRM_CHROMIUM")
    if explicit:
        return explicit
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def offline_browser(viewport: tuple[int, int] = (1400, 900)) -> Iterator[tuple[Any, list[str]]]:
    """Yield (browser context, list of blocked non-file request URLs)."""
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if not exe or not Path(exe).exists():
        raise FileNotFoundError("Chromium not found: run `make browser` (Debian package chromium)")
    blocked: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            offline=True,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )

        def guard(route) -> None:
            url = route.request.url
            if url.startswith("file://") or url.startswith("data:") or url.startswith("about:"):
                route.continue_()
            else:
                blocked.append(url)
                route.abort()

        context.route("**/*", guard)
        try:
            yield context, blocked
        finally:
            context.close()
            browser.close()
