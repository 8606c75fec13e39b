"""Benchmark editions (issue 18) and record the results in BENCHMARKS.md.

    python bench/edition_bench.py [--articles 20] [--words 700]

Builds the generated archive once (`audiobook build --jobs N`, empty clip cache: the time the
articles took to build), then times `audiobook edition` as a user runs it (a new process each
time) from the built archive: MP3, M4B (first: every article encoded to AAC; then a second
edition sharing its articles, whose pieces come from the cache), and an unchanged edition; and the
peak resident memory for all the articles and for half of them (target: flat in their number) —
for the M4B, of the edition process and of its largest encoding worker.
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
os.environ.setdefault("AUDIOBOOK_ENGINE", "espeak")
from corpus import write_corpus  # noqa: E402
from record import record  # noqa: E402

# Runs the CLI in this child process and reports its own peak resident memory (KB on Linux).
RUN_AND_MEASURE = """
import resource, sys
from audiobook.cli import app
try:
    app(sys.argv[1:])
except SystemExit as exc:
    if exc.code:
        raise
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
"""


def run(*arguments: str) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of one `audiobook` process."""
    seconds, memory, _ = run_with_workers(*arguments)
    return seconds, memory


def run_with_workers(*arguments: str) -> tuple[float, float, float]:
    """Wall time (s), peak memory (MB) of one `audiobook` process and of its largest worker."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_MEASURE, *arguments], check=True, capture_output=True, text=True
    )
    own, workers = (int(line) / 1024 for line in done.stderr.strip().splitlines()[-2:])
    return time.perf_counter() - started, own, workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--words", type=int, default=700)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="audiobook-edition-bench-"))
    try:
        articles, out, cache = work / "articles", work / "out", work / "cache"
        paths = write_corpus(articles, args.articles, args.words)
        common = [str(articles), "-o", str(out), "--cache-dir", str(cache)]
        build_s, _ = run("build", *common, "--jobs", str(cores), "--quiet")
        half = [option for path in paths[: len(paths) // 2] for option in ("--article", path.name)]
        # The openings' contents are spoken once before the timed runs (each new title: one sentence).
        run("edition", *common, "--title", "Warm-up")
        run("edition", *common, "--title", "Warm-up, half", *half)
        mp3_s, mp3_mb = run("edition", *common, "--title", "All, MP3")
        unchanged_s, _ = run("edition", *common, "--title", "All, MP3")
        _, mp3_half_mb = run("edition", *common, "--title", "Half, MP3", *half)
        # Half the articles first, from a copy of the cache (no AAC piece in either yet): memory for
        # half and for all, each encoding every article it holds.
        cold = work / "cache-cold"
        shutil.copytree(cache, cold)
        cold_half = [str(articles), "-o", str(out), "--cache-dir", str(cold)]
        _, m4b_half_mb, m4b_half_worker_mb = run_with_workers(
            "edition", *cold_half, "--title", "Half, M4B", "--format", "m4b", *half
        )
        m4b_s, m4b_mb, m4b_worker_mb = run_with_workers("edition", *common, "--title", "All, M4B", "--format", "m4b")
        shared_s, _ = run("edition", *common, "--title", "Half, M4B, shared", "--format", "m4b", *half)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def share(seconds: float) -> str:
        return f"{100 * seconds / build_s:.1f} % of the build (target ≤ 10 %)"

    rows = [
        (f"build of the archive, --jobs {cores}", f"{build_s:.1f} s", "the time the articles took to build"),
        ("edition, MP3 (frames copied)", f"{mp3_s:.2f} s", share(mp3_s)),
        ("edition, M4B, first (every article encoded to AAC)", f"{m4b_s:.2f} s", share(m4b_s)),
        ("edition, M4B sharing its articles with an earlier one", f"{shared_s:.2f} s", share(shared_s)),
        ("edition unchanged (not made again)", f"{unchanged_s:.2f} s", share(unchanged_s)),
        (
            "peak memory, MP3 edition: all / half the articles",
            f"{mp3_mb:.0f} / {mp3_half_mb:.0f} MB",
            f"{100 * (mp3_mb / mp3_half_mb - 1):+.0f} % for twice the articles (target: flat)",
        ),
        (
            "peak memory, M4B edition: all / half the articles",
            f"{m4b_mb:.0f} / {m4b_half_mb:.0f} MB",
            f"{100 * (m4b_mb / m4b_half_mb - 1):+.0f} % for twice the articles (target: flat)",
        ),
        (
            "peak memory, largest M4B encoding worker: all / half",
            f"{m4b_worker_mb:.0f} / {m4b_half_worker_mb:.0f} MB",
            f"{100 * (m4b_worker_mb / m4b_half_worker_mb - 1):+.0f} % for twice the articles (target: flat)",
        ),
    ]
    header = (
        f"{args.articles} generated articles of ~{args.words} words; {cores} cores "
        f"({platform.machine()}, Python {platform.python_version()}); each figure is one `audiobook` process; "
        "editions made from the built archive (each speaks only its opening's title line)."
    )
    record("editions", header, rows, figure="figure")


if __name__ == "__main__":
    main()
