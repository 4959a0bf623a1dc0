"""Labels a person reads, from one place: the seeds.

Indicator names come from ``seeds/ref_indicator_catalog.csv`` and ``seeds/custom_indicators.csv`` (``indicator.<code>``), alert
rule names from ``seeds/ref_alert_rules.csv`` (``alert_rule.<code>``), indicator status names
from ``seeds/ref_indicator_status_rules.csv`` (``status.<code>``) and every other heading,
column header, card label, chart title, series name, section title, code name and the fixed
words of data sentences from ``seeds/ref_ui_labels.csv`` (``attainment_to_date``,
``business_line.software``, ``open_alerts`` …; a label with ``{placeholders}`` is filled by
:func:`label_fmt`). Pages and reports call :func:`label` instead of writing the
words themselves, so one word keeps one meaning everywhere; tests/python/dashboards/test_labels.py
fails when a page shows a raw code or the code writes a seed's label itself.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from crm_warehouse.project import SEEDS


@lru_cache(maxsize=1)
def labels() -> dict[str, tuple[str, str]]:
    """Every label's (Chinese, English) text by key, read once from the seeds."""
    found: dict[str, tuple[str, str]] = {}
    with open(SEEDS / "ref_ui_labels.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            found[row["label_key"]] = (row["label_zh"], row["label_en"])
    for catalog in ("ref_indicator_catalog.csv", "custom_indicators.csv"):
        with open(SEEDS / catalog, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                found[f"indicator.{row['indicator_code']}"] = (
                    row["indicator_name_zh"],
                    row["indicator_name_en"],
                )
    with open(SEEDS / "ref_indicator_status_rules.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            found[f"status.{row['status_code']}"] = (row["status_name_zh"], row["status_name_en"])
    with open(SEEDS / "ref_alert_rules.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            found[f"alert_rule.{row['rule_code']}"] = (row["rule_name_zh"], row["rule_name_en"])
    return found


def label(key: str) -> tuple[str, str]:
    """(Chinese, English) label of a term; a missing key is a bug in the page code."""
    try:
        return labels()[key]
    except KeyError:
        raise KeyError(
            f"no label {key!r} in seeds/ref_ui_labels.csv, ref_indicator_catalog.csv, "
            "ref_indicator_status_rules.csv or ref_alert_rules.csv"
        ) from None


def text(key: str) -> str:
    """'中文 English', as the reports write a label."""
    zh, en = label(key)
    return f"{zh} {en}"


def label_fmt(key: str, **values: object) -> tuple[str, str]:
    """(Chinese, English) of a label with placeholders ({months}, {name} …) filled in. A value
    given as a (zh, en) pair fills each language with its own half (another label); any other
    value fills both. Only the seed's text is a format string, never a value."""
    zh, en = label(key)
    zh_values = {k: (v[0] if isinstance(v, tuple) else v) for k, v in values.items()}
    en_values = {k: (v[1] if isinstance(v, tuple) else v) for k, v in values.items()}
    return zh.format(**zh_values), en.format(**en_values)


def text_fmt(key: str, **values: object) -> str:
    """'中文 English' of a label with placeholders filled in, as the reports write it."""
    zh, en = label_fmt(key, **values)
    return f"{zh} {en}"


def code_label(kind: str, code: object) -> tuple[str, str]:
    """Display name of a code (business_line, ownership_type, indicator_layer); a code the
    seed does not know is shown as 其他 Other with the code in brackets, never bare."""
    if code is None or code == "":
        return ("—", "—")
    found = labels().get(f"{kind}.{code}")
    if found:
        return found
    return (f"其他（{code}）", f"Other ({code})")
