"""Production settings: the personal-data salt and the as-of date."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

from crm_warehouse.refresh.codes import EXIT_USAGE, RefreshError

SALT_ENV, DBT_SALT_ENV, AS_OF_ENV = "CRM_PII_SALT", "DBT_ENV_SECRET_CRM_PII_SALT", "CRM_AS_OF_DATE"


SALT_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~+/=-")


def check_salt(env: Mapping[str, str] | None = None) -> str:
    """The personal-data salt from CRM_PII_SALT (or DBT_ENV_SECRET_CRM_PII_SALT); a missing or
    malformed salt stops the run before anything is built (the message never shows it)."""
    env = os.environ if env is None else env
    salt = env.get(SALT_ENV) or env.get(DBT_SALT_ENV) or ""
    if not salt:
        raise RefreshError(
            EXIT_USAGE,
            (
                "CRM_PII_SALT is not set: a production warehouse is not built without a salt, or the "
                "phone and email hashes could be reversed by trying every number. Set CRM_PII_SALT to a "
                "long random secret (e.g. `openssl rand -hex 32`); the demo targets use the fixed, "
                "non-secret salt 'demo-not-secret'. / 未设置个人数据盐值 CRM_PII_SALT：生产仓库不允许无盐构建。"
            ),
        )
    if not set(salt) <= SALT_ALLOWED:
        raise RefreshError(
            EXIT_USAGE,
            (
                "CRM_PII_SALT may hold only letters, digits and . _ ~ + / = - (e.g. `openssl rand -hex 32`) "
                "/ CRM_PII_SALT 只能包含字母、数字和 . _ ~ + / = -"
            ),
        )
    return salt


def check_as_of_date(text: str | None, today: dt.date | None = None) -> str | None:
    """CRM_AS_OF_DATE / --as-of-date: None when unset, else a real YYYY-MM-DD date not after today."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise RefreshError(
            EXIT_USAGE,
            f"as-of date {text!r} is not a real date written YYYY-MM-DD "
            f"(CRM_AS_OF_DATE / --as-of-date) / 报告日期格式应为 YYYY-MM-DD",
        ) from None
    today = today or dt.date.today()
    if value > today:
        raise RefreshError(
            EXIT_USAGE,
            f"as-of date {text} is after today ({today.isoformat()}): figures "
            f"cannot be computed for the future / 报告日期不能晚于今天",
        )
    return value.isoformat()
