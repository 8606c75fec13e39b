"""Benchmark the cluster build (issue 8) against the local build and record it in BENCHMARKS.md.

    python bench/cluster_bench.py [--articles 10] [--words 700]

Needs audiobook[cluster]. Starts a Dask scheduler and one `dask worker` process with two
single-thread workers on 127.0.0.1 (the README's commands), then times `audiobook build` as a user
runs it: locally with --jobs N (N = cores) and through the cluster, each with an empty clip cache,
then an unchanged rebuild through the cluster. Outputs are compared byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from build_bench import build, build_locally  # noqa: E402
from corpus import write_corpus  # noqa: E402
from record import record  # noqa: E402

DASK = str(Path(sys.executable).with_name("dask"))


def start_cluster(work: Path, workers: int) -> tuple[str, list[subprocess.Popen]]:
    env = {**os.environ, "AUDIOBOOK_CACHE_DIR": str(work / "worker-cache")}
    scheduler_file = work / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    scheduler = subprocess.Popen(
        [
            DASK,
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(scheduler_file),
        ],
        **quiet,
    )
    while not scheduler_file.exists():
        time.sleep(0.2)
    address = json.loads(scheduler_file.read_text())["address"]
    worker = subprocess.Popen(
        [DASK, "worker", address, "--nworkers", str(workers), "--nthreads", "1", "--no-dashboard"], **quiet
    )
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, [worker, scheduler]


def same_files(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir() if p.is_file() and p.name not in ("manifest.json", ".audiobook.lock"))
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors and len(match) == len(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--words", type=int, default=700)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="audiobook-cluster-bench-"))
    processes: list[subprocess.Popen] = []
    try:
        articles = work / "articles"
        write_corpus(articles, args.articles, args.words)
        local = build_locally(articles, work / "local", work / "local-cache", cores)
        started = time.perf_counter()
        address, processes = start_cluster(work, cores)
        startup = time.perf_counter() - started
        cluster = build(articles, work / "cluster", "--cluster", address)
        noop = build(articles, work / "cluster", "--cluster", address)
        identical = same_files(work / "local", work / "cluster")
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
        shutil.rmtree(work, ignore_errors=True)

    rows = [
        (f"local build, --jobs {cores}", f"{local:.1f} s", ""),
        (
            f"cluster build, {cores} workers × 1 thread on 127.0.0.1",
            f"{cluster:.1f} s",
            f"{cluster / local:.2f}× the local build; outputs {'byte-identical' if identical else 'DIFFER'}",
        ),
        ("unchanged rebuild with --cluster", f"{noop:.2f} s", "nothing sent, scheduler not contacted"),
        ("starting the scheduler and workers (not in the builds)", f"{startup:.1f} s", ""),
    ]
    header = (
        f"{args.articles} generated articles of ~{args.words} words; {cores} cores "
        f"({platform.machine()}, Python {platform.python_version()}); each build is one `audiobook build` "
        "process with an empty clip cache; the cluster's workers run on the same machine."
    )
    record("cluster", header, rows)
    if not identical:
        sys.exit("cluster outputs differ from the local build")


if __name__ == "__main__":
    main()
