"""Print a benchmark's latest results and write them into its section of BENCHMARKS.md (between markers)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"


def record(name: str, header: str, rows: list[tuple[str, str, str]], figure: str = "time") -> None:
    """Print the results as a table and write them into BENCHMARKS.md's section ``name``."""
    table = [f"| measurement | {figure} | result |", "| --- | --- | --- |"]
    body = "\n".join(table + [f"| {a} | {b} | {c} |" for a, b, c in rows])
    print(header)
    print(body)
    write_section(name, header, body)


def write_section(name: str, header: str, body: str) -> None:
    """Write ``body`` (Markdown) into BENCHMARKS.md's section ``name``, dated, after ``header``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    section = f"{start}\n_Measured {dt.date.today().isoformat()}._ {header}\n\n{body}\n{end}"
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: section, text, flags=re.DOTALL)
    else:
        text = text.rstrip("\n") + f"\n\n## {name}\n\n{section}\n"
    BENCHMARKS.write_text(text, encoding="utf-8")
