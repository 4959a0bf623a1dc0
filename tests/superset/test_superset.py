"""Superset for real: the cockpit dashboard renders the warehouse's figures in a browser.

Run by `make test-superset` (not by `make test`: setting up Superset takes a minute or two).
Starts crmwh superset with .venv-superset on a free loopback port over a copy of
CRM_TEST_DUCKDB (default warehouse/crm.duckdb), logs in with headless Chromium
(/usr/bin/chromium) as the admin, opens the dashboard and checks that each big number shows
the company's value from indicator_values for the latest month and that the team table lists
the teams with their bookings. Every request that leaves 127.0.0.1 is refused and fails the test.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SUPERSET_PYTHON = ROOT / ".venv-superset" / "bin" / "python"

from crm_warehouse.superset import dashboard  # noqa: E402

WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB", ROOT / "warehouse" / "crm.duckdb"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def superset(tmp_path_factory):
    assert SUPERSET_PYTHON.exists(), "no .venv-superset: run `make superset-setup`"
    assert WAREHOUSE.is_file(), f"no warehouse at {WAREHOUSE}"
    home = tmp_path_factory.mktemp("superset-home")
    port = _free_port()
    password = secrets.token_urlsafe(16)
    env = dict(os.environ, SUPERSET_ADMIN_PASSWORD=password)
    log = (home / "serve.log").open("w")
    process = subprocess.Popen([str(SUPERSET_PYTHON), "-m", "crm_warehouse", "superset",
                                "--warehouse", str(WAREHOUSE), "--home", str(home), "--port", str(port)],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 420
        while True:
            if process.poll() is not None:
                pytest.fail(f"Superset stopped (exit {process.returncode}):\n{(home / 'serve.log').read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("Superset did not answer on /health within 7 minutes")
            time.sleep(2)
        assert "admin_password" not in {p.name for p in home.iterdir()}, "the password from the env was written"
        yield base, password
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _expected():
    with duckdb.connect(str(WAREHOUSE), read_only=True) as connection:
        (month,) = connection.execute(
            "select max(period_start_date) from marts.indicator_values "
            "where grain = 'company' and period_type = 'month'").fetchone()
        company = dict(connection.execute(
            "select indicator_code, actual_value from marts.indicator_values "
            "where grain = 'company' and period_type = 'month' and period_start_date = ?", [month]).fetchall())
        teams = dict(connection.execute(
            "select entity_name, actual_value from marts.indicator_values where grain = 'team' "
            "and period_type = 'month' and period_start_date = ? and indicator_code = 'bookings_amount'",
            [month]).fetchall())
    return company, teams


def test_the_cockpit_dashboard_renders_with_data(superset):
    base, password = superset
    company, teams = _expected()
    names = dashboard.labels()
    outside: list[str] = []

    def only_loopback(route):
        if urlparse(route.request.url).hostname != "127.0.0.1":
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            page.route("**/*", only_loopback)
            page.goto(f"{base}/login/")
            page.fill("input#username", "admin")
            page.fill("input#password", password)
            page.click("button[type=submit]")
            page.wait_for_url("**/superset/welcome/**", timeout=60_000)
            page.goto(f"{base}/superset/dashboard/{dashboard.SLUG}/")
            page.get_by_text(names["title"]).first.wait_for(timeout=60_000)
            # hand-formatted as the charts' d3 formats do: ",.0f" and ".1%"
            shown = {
                "bookings_amount": f"{company['bookings_amount']:,.0f}",
                "pipeline_amount": f"{company['pipeline_amount']:,.0f}",
                "visit_count": f"{company['visit_count']:,.0f}",
                "win_rate": f"{company['win_rate'] * 100:.1f}%",
            }
            for code, text in shown.items():
                page.get_by_text(names[code]).first.wait_for(timeout=60_000)
                page.locator(".header-line", has_text=text).first.wait_for(timeout=60_000)
            page.wait_for_function("document.querySelectorAll('table tbody tr td').length > 0", timeout=60_000)
            body = "\n".join(page.locator("table tbody").all_inner_texts())
            named = [name for name in teams if name and teams[name]]
            assert named, "no team had bookings in the latest month"
            for name in named:
                assert name in body, f"team {name} is not in the team table"
            top = max(named, key=lambda name: teams[name])
            assert f"{teams[top]:,.0f}" in body
            errors = page.locator(".alert-danger, [data-test='error-message']").count()
            assert errors == 0, "a chart shows an error"
        finally:
            browser.close()
    assert not outside, f"requests left the machine: {outside[:5]}"
