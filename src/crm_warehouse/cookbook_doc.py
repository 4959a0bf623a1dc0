"""Rewrite the questions section of docs/cookbook.md from analyses/cookbook/qNN_*.sql.

Usage: crmwh cookbook [--check]

Everything above the line `## 问题 / Questions` is kept as written; below it each file becomes
a `### Qnn 中文 / English` heading (from the file's first line) and its SQL, quoted verbatim.
--check exits 1 when the doc differs from what the files give (tests/python/test_cookbook.py
checks the same).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from crm_warehouse.project import ROOT

COOKBOOK_DIR = ROOT / "analyses" / "cookbook"
DOC = ROOT / "docs" / "cookbook.md"
MARKER = "## 问题 / Questions"
HEADER = re.compile(r"^-- (Q\d\d) (.+?) / (.+)$")


def render(doc_text: str, cookbook_dir: Path = COOKBOOK_DIR) -> str:
    """The document's text with everything after the marker line rebuilt from the cookbook's
    SQL files (one section per ``q*.sql``); raises ValueError on a missing marker or header."""
    head, found, _ = doc_text.partition(MARKER)
    if not found:
        raise ValueError(f"{DOC} has no line '{MARKER}'")
    out = [head.rstrip("\n"), "", MARKER, ""]
    for path in sorted(cookbook_dir.glob("q*.sql")):
        first, _, sql = path.read_text(encoding="utf-8").partition("\n")
        match = HEADER.match(first)
        if not match:
            raise ValueError(f"{path}: line 1 must be '-- Qnn 中文问题 / English question'")
        rel = path.relative_to(ROOT).as_posix()
        out += [
            f"### {match.group(1)} {match.group(2)} / {match.group(3)}",
            "",
            f"File: `{rel}`",
            "",
            "```sql",
            sql.strip(),
            "```",
            "",
        ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command line: rewrite the cookbook document, or with ``--check`` fail when it is out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    current = DOC.read_text(encoding="utf-8")
    wanted = render(current)
    if args.check:
        if current != wanted:
            print(f"{DOC} is out of date: run crmwh cookbook", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(wanted, encoding="utf-8")
    print(f"cookbook_doc: wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
