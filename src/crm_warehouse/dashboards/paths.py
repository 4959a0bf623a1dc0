"""Output file names for pages and reports built from ids that come from the data.

Every page and report path is `slug(id)`-based, and every file is written through
`safe_output_path`, which resolves the path and refuses anything outside the output folder.
Links between pages use the same `slug`, so they always point at the file that was written.

`slug` is stable (the same id always gives the same name) and collision-free:
- an id that is already a safe file name (``U00012``, ``T-03``, ``company``: ASCII letters,
  digits, ``-`` and single ``_``, starting with a letter or digit, at most 64 characters, not
  a reserved device name) is used as it is, so existing links keep working;
- any other id (``../../tmp/x``, ``华东 区``, quotes, a 500-character id) becomes a readable
  ASCII part (transliterated, at most 40 characters) plus ``__`` and 12 hex digits of the id's
  SHA-256 (``zhang-san__9148db1404e3``). A safe id never contains ``__``, so the two kinds
  cannot collide. No dot either: ``Path.with_suffix`` and ``.stem`` stay correct.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from slugify import slugify

_SAFE_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]|_(?!_)){0,63}")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


class UnsafeOutputPath(ValueError):
    """A path that would leave the output folder."""


def slug(entity_id: object) -> str:
    """The file-name stem of a page or report for `entity_id` (see the module docstring)."""
    text = str(entity_id)
    if _SAFE_ID.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    readable = slugify(text, max_length=40, word_boundary=False, lowercase=True) or "id"
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{readable}__{digest}"


def safe_output_path(root: Path, relative: str) -> Path:
    """`root / relative`, resolved; refused unless it stays inside `root`."""
    base = Path(root).resolve()
    target = (base / relative).resolve()
    if target == base or not target.is_relative_to(base):
        raise UnsafeOutputPath(
            f"refused to write {relative!r}: it resolves to {str(target)!r}, "
            f"outside the output folder {str(base)!r}"
        )
    return target
