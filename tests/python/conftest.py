"""Shared pytest set-up for the suite (runs before any test module is imported)."""
from __future__ import annotations

import sys

# pytest-xdist workers run with a bare __main__ (no __file__, no __spec__). PySpark's Connect
# module (imported by Great Expectations) takes that for a doctest run and calls sys.exit(0)
# on import, which would end every gate test on a worker. Give __main__ the file name a normal
# interpreter would have.
_main = sys.modules.get("__main__")
if _main is not None and getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = sys.argv[0] if sys.argv and sys.argv[0] else "pytest"
