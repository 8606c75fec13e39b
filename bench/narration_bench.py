"""Script-stage speed: median milliseconds of normalization per sentence over the sample articles
and the seed (issue 15 target: at most 0.3 ms); writes BENCHMARKS.md (section narration).

    python bench/narration_bench.py
"""

from __future__ import annotations

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
    runs = []
    for _ in range(15):
        started = time.perf_counter()
        for caption in captions:
            spoken_form(caption, "en")
        runs.append((time.perf_counter() - started) * 1000 / len(captions))
    median = statistics.median(runs)
    record(
        "narration",
        f"{len(captions)} sentences of the sample articles and the seed; median of 15 passes.",
        [("normalization per sentence (`spoken_form`)", f"{median:.3f} ms", "target ≤ 0.3 ms")],
        "figure",
    )


if __name__ == "__main__":
    sys.exit(main())
