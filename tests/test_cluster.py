"""The archive build on a real Dask cluster on loopback: `dask scheduler` + `dask worker` processes.

Workers get their own clip cache (AUDIOBOOK_CACHE_DIR), and no access to the articles or the
output folder is assumed: everything they need travels in the task, the files come back.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import audiobook_command
from mutagen.mp3 import MP3
from test_build import FAKE_ENGINE, outputs, write_archive

from audiobook.build import build_archive
from audiobook.manifest import MANIFEST

pytest.importorskip("distributed")

ARTICLES = 10
TIMING_FIELDS = {"seconds", "synthesized", "reused", "encoded_parts"}  # differ by cache state, not by output


def dask_command() -> str:
    return str(Path(sys.executable).with_name("dask"))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-thread workers, started as an operator would (README commands)."""
    root = tmp_path_factory.mktemp("cluster")
    scheduler_file = root / "scheduler.json"
    # The workers import this checkout's audiobook (the one under test), wherever it is installed from.
    checkout = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "AUDIOBOOK_CACHE_DIR": str(root / "worker-cache"), "PYTHONPATH": checkout}
    with open(root / "scheduler.log", "w") as scheduler_log, open(root / "workers.log", "w") as workers_log:
        scheduler = subprocess.Popen(
            [dask_command(), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(scheduler_file)],
            stdout=subprocess.DEVNULL, stderr=scheduler_log, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        workers = subprocess.Popen(
            [dask_command(), "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=workers_log, env=env,
        )  # fmt: skip
        from distributed import Client

        with Client(address, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=120)
        yield address, root
        workers.send_signal(signal.SIGTERM)
        scheduler.send_signal(signal.SIGTERM)
        for process in (workers, scheduler):
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Ten articles, and their local build (two worker processes) to compare against (fake engine:
    what travels and what comes back is what matters here)."""
    root = tmp_path_factory.mktemp("cluster-archive")
    write_archive(root / "articles", ARTICLES, settings=FAKE_ENGINE)
    report = build_archive(root / "articles", root / "local", jobs=2, cache_dir=root / "local-cache")
    assert report.count("built") == ARTICLES
    return root


def manifest_entries(folder: Path) -> list[dict]:
    articles = json.loads((folder / MANIFEST).read_text())["articles"]
    return [{k: v for k, v in entry.items() if k not in TIMING_FIELDS} for entry in articles]


def test_cluster_build_is_byte_identical_to_a_local_build(cluster, archive, tmp_path):
    address, _ = cluster
    out = tmp_path / "out"
    run = subprocess.run(
        audiobook_command("build", archive / "articles", "-o", out, "--cluster", address),
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert f"{ARTICLES} to build, 0 unchanged (2 workers)" in run.stderr  # the cluster's worker threads
    assert run.stderr.count(" built ") == ARTICLES and "failed" not in run.stderr
    local = outputs(archive / "local")
    assert len(local) >= ARTICLES * 6
    assert outputs(out) == local
    assert manifest_entries(out) == manifest_entries(archive / "local")


def test_a_new_base_url_remakes_only_the_pages_on_the_cluster(cluster, archive, tmp_path):
    address, _ = cluster
    shutil.copytree(archive / "articles", tmp_path / "articles")
    shutil.copytree(archive / "local", tmp_path / "out")
    config = FAKE_ENGINE + '[feed]\nbase_url = "https://audio.example.org/cluster/"\n'
    (tmp_path / "articles" / "audiobook.toml").write_text(config, encoding="utf-8")
    audio = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (tmp_path / "out").glob("*.mp3")}
    report = build_archive(tmp_path / "articles", tmp_path / "out", cluster=address)
    assert report.count("built") == ARTICLES and report.ok
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (tmp_path / "out").glob("*.mp3")} == audio
    fresh = build_archive(tmp_path / "articles", tmp_path / "fresh", jobs=2, cache_dir=archive / "local-cache")
    assert fresh.ok and outputs(tmp_path / "out") == outputs(tmp_path / "fresh")
    assert manifest_entries(tmp_path / "out") == manifest_entries(tmp_path / "fresh")


def test_unchanged_articles_are_not_sent_to_the_cluster(archive, tmp_path):
    # Nothing to build: the build must not even connect (this address has no scheduler).
    report = build_archive(archive / "articles", archive / "local", cluster="tcp://127.0.0.1:9", jobs=2)
    assert report.count("unchanged") == ARTICLES and report.ok


def test_a_worker_killed_mid_build_is_replaced_and_the_build_completes(cluster, archive, tmp_path):
    address, _ = cluster
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        worker_pids = client.run(os.getpid)
    victim = sorted(worker_pids.values())[0]
    killed = []

    def on_event(kind, data):
        # Kill a worker once speech is under way: its article is mid-synthesis (single-thread workers).
        if kind == "progress" and data["phase"] == "speech" and not killed:
            os.kill(victim, signal.SIGKILL)
            killed.append(data["source"])

    # Real speech at a rate the caches have not heard: every article is spoken, so tasks run for
    # seconds and the worker dies mid-task.
    overrides = {"rate_wpm": 190, "engine": "espeak"}
    report = build_archive(
        archive / "articles", tmp_path / "cluster", overrides=overrides, cluster=address, on_event=on_event
    )
    assert killed, "no progress event arrived from the cluster"
    with Client(address, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=60)
        assert victim not in client.run(os.getpid).values()  # the nanny started a new worker
    assert report.ok and report.count("built") == ARTICLES, [a.error for a in report.articles if a.error]
    local = build_archive(
        archive / "articles", tmp_path / "local", overrides=overrides, jobs=2, cache_dir=tmp_path / "cache"
    )
    assert local.ok
    assert outputs(tmp_path / "cluster") == outputs(tmp_path / "local")
    for entry in json.loads((tmp_path / "cluster" / MANIFEST).read_text())["articles"]:
        mp3 = MP3(tmp_path / "cluster" / entry["outputs"]["mp3"])
        assert abs(mp3.info.length * 1000 - entry["duration_ms"]) < 60


def test_a_task_whose_workers_keep_dying_fails_only_that_article(tmp_path):
    """With allowed-failures 0 the scheduler gives up after one worker death: the articles it held
    (the one it ran, and any queued on it) fail, the others are built, and the build reports it."""
    import dask
    from distributed import Client, LocalCluster

    write_archive(tmp_path / "articles", 3)
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local,
        Client(local, set_as_default=False) as client,
    ):
        pids = client.run(os.getpid)
        killed = []

        def on_event(kind, data):
            if kind == "progress" and data["phase"] == "speech" and not killed:
                os.kill(sorted(pids.values())[0], signal.SIGKILL)
                killed.append(data["source"])

        report = build_archive(
            tmp_path / "articles", tmp_path / "out", cluster=local.scheduler_address,
            cache_dir=tmp_path / "cache", on_event=on_event,
        )  # fmt: skip
    assert killed
    failed = [a for a in report.articles if a.status == "failed"]
    assert failed and not report.ok
    for article in failed:
        assert "its worker died once while converting it" in article.error
        assert not (tmp_path / "out" / f"{article.slug}.mp3").exists()
    assert report.count("built") == 3 - len(failed) >= 1


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("nonsense", "not a Dask scheduler address"),
        ("tcp://127.0.0.1:9", "cannot reach the Dask scheduler"),
    ],
)
def test_a_bad_cluster_address_is_one_line_and_exit_1(address, message, tmp_path):
    write_archive(tmp_path / "articles", 1)
    run = subprocess.run(
        audiobook_command("build", tmp_path / "articles", "-o", tmp_path / "out", "--cluster", address),
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"},
    )  # fmt: skip
    assert run.returncode == 1
    assert message in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not list((tmp_path / "out").glob("*.mp3"))


def test_a_hung_task_fake_has_its_worker_restarted_then_fails(tmp_path):
    """A task silent past its phase's limit: its worker is restarted and the task runs again; one
    that hangs every time fails after `retries` restarts. The others are not disturbed."""
    import cloudpickle
    import cluster_fakes
    from distributed import Client, LocalCluster

    from audiobook.cluster import run_on_cluster

    cloudpickle.register_pickle_by_value(cluster_fakes)
    tasks = [
        (f"{mode}.md", {"slug": mode, "mode": mode, "marker": str(tmp_path / mode)})
        for mode in ("once", "always", "never")
    ]
    results = {}
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local,
        Client(local, set_as_default=False) as client,
    ):
        run_on_cluster(
            client, tasks, retries=1, idle_limits={"": 3.0},
            on_progress=lambda *event: None,
            on_result=lambda source, ok, value: results.__setitem__(source, (ok, value)),
            function=cluster_fakes.hanging_task_fake,
        )  # fmt: skip
    assert results["never.md"] == (True, {"fields": {"done": "never.md"}, "files": {}})
    assert results["once.md"] == (True, {"fields": {"done": "once.md"}, "files": {}})
    assert results["always.md"] == (
        False,
        "no progress for 3 s while starting, twice (its worker was restarted each time)",
    )


def test_a_cover_travels_to_the_worker_and_errors_name_the_users_file(cluster, tmp_path):
    address, _ = cluster
    articles = tmp_path / "articles"
    articles.mkdir()
    from PIL import Image

    Image.new("RGB", (64, 64), (200, 30, 30)).save(articles / "red.png")
    (articles / "bad.gif").write_bytes(b"GIF89a" + bytes(64))
    for name, cover in (("good", "red.png"), ("bad", "bad.gif")):
        (articles / f"{name}.md").write_text(
            f"---\ntitle: A {name} cover\ncover: {cover}\n---\nThe cover of this note is {name}.\n", encoding="utf-8"
        )
    report = build_archive(articles, tmp_path / "out", cluster=address)
    by_source = {a.source: a for a in report.articles}
    assert by_source["good.md"].status == "built"
    assert (tmp_path / "out" / "a-good-cover.png").read_bytes() == (articles / "red.png").read_bytes()
    assert by_source["bad.md"].status == "failed"
    reason = f"cover image {articles / 'bad.gif'} is not a PNG or JPEG image"
    assert by_source["bad.md"].error == f"{articles / 'bad.md'}: {reason}"
