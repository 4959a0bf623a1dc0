"""Superset configuration for the local, loopback-only Superset of `make superset`.

Everything that varies per machine comes from the environment that crmwh superset
sets: SUPERSET_HOME (its metadata database and generated secret live there, never in the
repository) and SUPERSET_SECRET_KEY.
"""

import os

_HOME = os.environ["SUPERSET_HOME"]

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(_HOME, "superset.db")
DATA_DIR = _HOME
# No telemetry, no outgoing requests: the page loads only from this server.
SCARF_ANALYTICS = False
MAPBOX_API_KEY = ""
FEATURE_FLAGS = {"THUMBNAILS": False, "ALERT_REPORTS": False, "EMBEDDED_SUPERSET": False}
# Only the dashboard's own database; nobody adds another through the UI.
PREVENT_UNSAFE_DB_CONNECTIONS = True
# A single local process: no Redis, no Celery; results are cached in memory.
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
DATA_CACHE_CONFIG = CACHE_CONFIG
BABEL_DEFAULT_LOCALE = "en"
WTF_CSRF_ENABLED = True
# A content security policy that lets the page load from this server only (Superset's own
# front end would otherwise fetch a telemetry pixel from outside).
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}
# Dashboard filter and explore state in memory too (one local process).
FILTER_STATE_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 3600}
EXPLORE_FORM_DATA_CACHE_CONFIG = FILTER_STATE_CACHE_CONFIG
