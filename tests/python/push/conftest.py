"""Fixtures of the push tests: a loopback webhook receiver per test."""

from __future__ import annotations

import pytest

from push_helpers import Receiver


@pytest.fixture()
def receiver():
    r = Receiver()
    yield r
    r.close()
