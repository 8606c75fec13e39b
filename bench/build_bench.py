"""Benchmark the archive build (issue 4) and record the results in BENCHMARKS.md.

    python bench/build_bench.py [--articles 20] [--words 700]

Runs `audiobook build` as a user would (a new process each time, fresh clip cache for full builds):
a full build with --jobs 1 and with --jobs N (N = cores), a no-op rebuild, and a one-sentence edit
compared with a full build of that one article.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
# These figures are espeak's (issues 4 and 7); the neural voice has its own: bench/neural_bench.py.
os.environ.setdefault("AUDIOBOOK_ENGINE", "espeak")
from corpus import write_corpus  # noqa: E402
from record import record  # noqa: E402


def build(articles: Path, out: Path, *options: str) -> float:
    """Wall time of one `audiobook build` process, as a user runs it."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "audiobook.cli", "build", str(articles), "-o", str(out), "--quiet", *options]
    subprocess.run(command, check=True)
    return time.perf_counter() - started


def build_locally(articles: Path, out: Path, cache: Path, jobs: int) -> float:
    return build(articles, out, "--jobs", str(jobs), "--cache-dir", str(cache))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--words", type=int, default=700)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="audiobook-bench-"))
    try:
        articles = work / "articles"
        paths = write_corpus(articles, args.articles, args.words)
        serial = build_locally(articles, work / "out1", work / "cache1", 1)
        parallel = build_locally(articles, work / "outN", work / "cacheN", cores)
        noop = build_locally(articles, work / "outN", work / "cacheN", cores)

        single = work / "single"
        single.mkdir()
        shutil.copy(paths[0], single / paths[0].name)
        one_full = build_locally(single, work / "out-single", work / "cache-single", 1)
        text = (single / paths[0].name).read_text(encoding="utf-8")
        first_sentence_end = text.index(".", text.index("## Part 2")) + 1
        (single / paths[0].name).write_text(
            text[:first_sentence_end] + " An added sentence about rain." + text[first_sentence_end:], encoding="utf-8"
        )
        one_edit = build_locally(single, work / "out-single", work / "cache-single", 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = [
        ("full build, --jobs 1", f"{serial:.1f} s", ""),
        (
            f"full build, --jobs {cores}",
            f"{parallel:.1f} s",
            f"speed-up {serial / parallel:.2f}× (target ≥ 1.8× on 2 cores)",
        ),
        ("no-op rebuild", f"{noop:.2f} s", f"{100 * noop / parallel:.1f} % of the full build (target ≤ 2 %)"),
        ("one article, full build", f"{one_full:.2f} s", ""),
        (
            "same article, one sentence added",
            f"{one_edit:.2f} s",
            f"{100 * one_edit / one_full:.0f} % of its full build (target ≤ 25 %)",
        ),
    ]
    header = (
        f"{args.articles} generated articles of ~{args.words} words; {cores} cores "
        f"({platform.machine()}, Python {platform.python_version()}); each figure is one `audiobook build` "
        "process, full builds with an empty clip cache."
    )
    record("build", header, rows)


if __name__ == "__main__":
    main()
