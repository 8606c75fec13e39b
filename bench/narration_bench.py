"""Script-stage speed: median milliseconds of normalization per sentence over the sample articles
and the seed (issue 15 target: at most 0.3 ms); writes BENCHMARKS.md (section narration).

    python bench/narration_bench.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from audiobook import build_script, read_article
from audiobook.normalize import spoken_form

sys.path.insert(0, str(Path(__file__).parent))
from record import record  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "fixtures" / "seed-article.txt"


def main() -> None:
    paths = sorted(p for p in (ROOT / "articles").iterdir() if p.suffix in (".md", ".txt", ".html"))
    paths += [SEED] if SEED.exists() else []
    captions = [u.caption for p in paths for u in build_script(read_article(p)).utterances]
    spoken_form("warm up 1450 $5 in 2024", "en")
    cpu_runs, wall_runs = [], []
    for _ in range(15):
        # CPU time of this process is what the stage costs; the wall clock also counts the time
        # other processes on a shared 2-core machine hold the cores, so it is reported beside it.
        cpu, wall = time.process_time(), time.perf_counter()
        for caption in captions:
            spoken_form(caption, "en")
        cpu_runs.append((time.process_time() - cpu) * 1000 / len(captions))
        wall_runs.append((time.perf_counter() - wall) * 1000 / len(captions))
    load = os.getloadavg()[0]
    record(
        "narration",
        f"{len(captions)} sentences of the sample articles and the seed; median of 15 passes;"
        f" load average {load:.1f} on {os.cpu_count()} cores during the run.",
        [
            (
                "normalization per sentence (`spoken_form`), CPU time",
                f"{statistics.median(cpu_runs):.3f} ms",
                "target ≤ 0.3 ms",
            ),
            ("the same, wall clock", f"{statistics.median(wall_runs):.3f} ms", "includes waiting for a shared core"),
        ],
        "figure",
    )


if __name__ == "__main__":
    sys.exit(main())
