"""The nightly refresh pushes only after it published, and a failed push is only a warning."""

from __future__ import annotations

import pytest

from push_helpers import WAREHOUSE

pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")


def _refresh_module():
    from crm_warehouse import refresh

    return refresh


def test_the_refresh_pushes_only_after_a_publish_and_a_push_failure_is_only_a_warning(monkeypatch, tmp_path):
    import contextlib
    import subprocess
    import types

    refresh = _refresh_module()
    calls = []

    def fake_run(argv, **kw):
        calls.append(argv)
        return subprocess.CompletedProcess(
            argv, 3, "推送 push: 已发送 sent 0", "  待重发 pending: won_deal:K1 -> EAST_SW1: HTTP 503"
        )

    status, message = refresh.push_after_publish(tmp_path / "crm.duckdb", run=fake_run)
    assert status == "warn" and "HTTP 503" in message
    assert calls[-1][1:] == ["-m", "crm_warehouse", "push", "--warehouse", str(tmp_path / "crm.duckdb")]

    def too_slow(argv, **kw):
        raise subprocess.TimeoutExpired(argv, 1)

    assert refresh.push_after_publish(tmp_path / "crm.duckdb", run=too_slow)[0] == "warn"

    steps, warnings = [], []

    @contextlib.contextmanager
    def step(name):
        info = {}
        yield info
        steps.append((name, info))

    pushed = []
    from crm_warehouse.refresh import publish_step

    monkeypatch.setattr(
        publish_step, "push_after_publish", lambda serving: pushed.append(serving) or ("warn", "exit 3")
    )
    fake = types.SimpleNamespace(
        summary={"published": False},
        layout=types.SimpleNamespace(serving=tmp_path / "s"),
        step=step,
        log=types.SimpleNamespace(warn=lambda m, c=None: warnings.append(m)),
        console=None,
    )
    monkeypatch.setenv("CRM_PUSH_ENABLED", "1")
    refresh.Refresh.push(fake)  # nothing published: no push
    assert pushed == []
    fake.summary["published"] = True
    monkeypatch.delenv("CRM_PUSH_ENABLED")
    refresh.Refresh.push(fake)  # not enabled: no push
    assert pushed == []
    monkeypatch.setenv("CRM_PUSH_ENABLED", "1")
    refresh.Refresh.push(fake)  # published and enabled: pushed; failure is a warning
    assert pushed == [tmp_path / "s"] and warnings == ["push: exit 3"]
    assert steps[-1][1]["_status"] == "warn" and fake.summary["push"]["status"] == "warn"
