"""Run the build's conversions on a Dask cluster (`audiobook build --cluster tcp://HOST:8786`).

The build decides everything here, on the machine that runs it, exactly as for a local build:
which articles changed, their slugs, the manifest. Only the conversions go to the cluster, one
task per article, each carrying the parsed article (workers need no copy of the archive). A task
converts into a temporary folder on its worker and returns the files' bytes; this process writes
them into the output folder atomically — no shared file system is needed.

Failures keep their local meaning:
* an article the user must fix (`AudiobookError`) comes back as a failed result, never retried;
* any other exception is retried by the scheduler (`retries`) before the article fails;
* a worker that dies mid-task has its task rescheduled by the scheduler, up to its
  `distributed.scheduler.allowed-failures` (default 3) deaths; then the article fails.

`distributed` is imported only here (the `cluster` extra); the core install does not need it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import queue
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import __version__
from .errors import AudiobookError

PROGRESS_TOPIC = "audiobook-progress"
PROGRESS_INTERVAL_S = 0.5  # per task: progress events go through the scheduler, keep them few
# tcp://HOST:PORT (or tls://, or HOST:PORT); checked here, as a malformed one makes a Client hang.
ADDRESS = re.compile(r"^(?:(?:tcp|tls)://)?(?:\[[0-9a-fA-F:.]+\]|[\w.-]+):\d{1,5}$")
WORKERS_TIMEOUT_S = 60.0  # how long to wait for a first worker to join the scheduler

# One conversion per worker process at a time: libespeak-ng is one engine per process, and a
# worker started with more than one thread would otherwise run two articles through it at once.
_ONE_ARTICLE_AT_A_TIME = threading.Lock()


# --- what runs on a worker ---------------------------------------------------------------------


def convert_on_worker(payload: dict[str, Any]) -> dict[str, Any]:
    """One article on a cluster worker: the manifest fields plus every output file's bytes."""
    from .build import convert_task
    from .errors import AudiobookError

    report = _progress_reporter(payload["build"], payload["source"])
    with _ONE_ARTICLE_AT_A_TIME, tempfile.TemporaryDirectory(prefix="audiobook-task-") as folder:
        work = Path(folder)
        article = payload["article"]
        if payload.get("cover") is not None:
            # The cover travels as bytes; the worker reads it from its own temporary copy.
            cover = work / ("cover" + article.cover.suffix.lower())
            cover.write_bytes(payload["cover"])
            article = dataclasses.replace(article, cover=cover)
        out_dir = work / "out"
        out_dir.mkdir()
        try:
            fields = convert_task({**payload, "article": article, "out_dir": str(out_dir)}, report)
        except AudiobookError as exc:
            return {"error": str(exc)}  # the article's own fault: retrying would give the same
        files = {name: (out_dir / name).read_bytes() for name in fields["outputs"].values()}
        return {"fields": fields, "files": files}


def _progress_reporter(build: str, source: str) -> Callable[[str, int, int], None]:
    """Progress as events to the client (through the scheduler), at most every half second."""
    from distributed import get_worker

    worker = get_worker()
    last: dict[str, Any] = {"phase": None, "at": 0.0}

    def report(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase == last["phase"] and done < total and now - last["at"] < PROGRESS_INTERVAL_S:
            return
        last.update(phase=phase, at=now)
        worker.log_event(
            PROGRESS_TOPIC, {"build": build, "source": source, "phase": phase, "done": done, "total": total}
        )

    return report


def worker_version() -> str:
    return __version__


# --- what runs in the build ---------------------------------------------------------------------


def connect(address: str):
    """A client of the scheduler at ``address``, with at least one worker running our version."""
    try:
        from distributed import Client
    except ImportError:
        raise AudiobookError("--cluster needs Dask's distributed package: pip install 'audiobook[cluster]'") from None
    if not ADDRESS.match(address):
        raise AudiobookError(f"{address}: not a Dask scheduler address (expected tcp://HOST:PORT)")
    try:  # waits up to dask's distributed.comm.timeouts.connect (30 s unless configured)
        client = Client(address, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise AudiobookError(f"{address}: cannot reach the Dask scheduler ({exc})") from None
    try:
        try:
            client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        except TimeoutError:
            raise AudiobookError(f"{address}: no worker joined the scheduler within {WORKERS_TIMEOUT_S:g} s") from None
        try:
            versions = client.run(worker_version)
        except Exception as exc:  # noqa: BLE001 - whatever a worker without audiobook raises
            raise AudiobookError(
                f"{address}: a worker cannot run audiobook ({type(exc).__name__}: {exc});"
                " install the same audiobook on every worker"
            ) from None
        for worker, version in sorted(versions.items()):
            if version != __version__:
                raise AudiobookError(
                    f"{worker}: runs audiobook {version}, this machine {__version__}; the outputs would differ"
                )
    except BaseException:
        client.close()
        raise
    return client


def worker_threads(client) -> int:
    return max(1, sum(client.nthreads().values()))


def run_on_cluster(
    client,
    tasks: Iterable[tuple[str, dict[str, Any]]],
    retries: int,
    on_progress: Callable[[str, str, int, int], None],
    on_result: Callable[[str, bool, Any], None],
) -> None:
    """Submit one task per article and call on_result(source, ok, value) as each one ends, in this
    thread; ``value`` is the worker's result (fields and files) or the reason it failed."""
    from distributed import as_completed

    build = uuid.uuid4().hex  # progress events reach every client of the scheduler: keep ours
    events: queue.Queue = queue.Queue()  # filled on the client's event loop, drained here
    client.subscribe_topic(PROGRESS_TOPIC, lambda event: events.put(event[1]))
    futures = {}

    def show(event: Any) -> None:
        if isinstance(event, dict) and event.get("build") == build:
            on_progress(event["source"], event["phase"], event["done"], event["total"])

    try:
        for source, payload in tasks:
            future = client.submit(
                convert_on_worker,
                {**payload, "source": source, "build": build},
                key=f"audiobook-{payload['slug']}-{build[:8]}",
                pure=False,
                retries=retries,
            )
            futures[future] = source
        pending = as_completed(futures, loop=client.loop)
        while not pending.is_empty():
            while not events.empty():
                show(events.get_nowait())
            if not pending.has_ready():
                with contextlib.suppress(queue.Empty):
                    show(events.get(timeout=0.2))
                continue
            for future in pending.next_batch(block=False):
                ok, value = _outcome(future)
                future.release()  # the worker may drop the files now
                on_result(futures[future], ok, value)
    finally:
        client.unsubscribe_topic(PROGRESS_TOPIC)
        for future in futures:
            future.cancel()


def _outcome(future) -> tuple[bool, Any]:
    from distributed import KilledWorker

    try:
        value = future.result()
    except KilledWorker as exc:
        return False, f"workers died {exc.allowed_failures + 1} times while converting it (the scheduler gave up)"
    except Exception as exc:  # noqa: BLE001 - a bug on the worker, after its retries
        return False, f"internal error on the cluster: {type(exc).__name__}: {exc}"
    if "error" in value:
        return False, value["error"]
    return True, value
