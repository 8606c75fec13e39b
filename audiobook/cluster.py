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
CLUSTER_RETRIES = 2  # a task that raised (not the article's fault) runs again on the cluster

# One conversion per worker process at a time for engines whose library is one per process
# (libespeak-ng, `EngineSpec.one_per_process`): a worker started with more than one thread would
# otherwise run two articles through it at once.
_ONE_ARTICLE_AT_A_TIME = threading.Lock()


# --- what runs on a worker ---------------------------------------------------------------------


def convert_on_worker(payload: dict[str, Any]) -> dict[str, Any]:
    """One article (``payload["task"]``) on a cluster worker: its manifest fields plus every output
    file's bytes, or the article's own error."""
    from .errors import AudiobookError
    from .speech import engine_spec
    from .tasks import convert

    task = payload["task"]
    report = _progress_reporter(payload["build"], payload["source"])
    one_at_a_time = engine_spec(task.settings, task.article.language).one_per_process
    with (
        _ONE_ARTICLE_AT_A_TIME if one_at_a_time else contextlib.nullcontext(),
        tempfile.TemporaryDirectory(prefix="audiobook-task-") as folder,
    ):
        report("", 0, 0)  # started: the build watches for silence from here on
        out_dir = Path(folder) / "out"
        out_dir.mkdir()
        try:
            fields = convert(task, out_dir, report)
        except AudiobookError as exc:  # the article's own fault: retrying would give the same
            return {"error": str(exc)}
        # The files written (a task may remake only some: `ConversionTask.only_outputs`).
        written = [out_dir / name for name in fields["outputs"].values() if (out_dir / name).is_file()]
        files = {path.name: path.read_bytes() for path in written}
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


class DaskExecutor:
    """The build's executor on a Dask cluster (see `executors.Executor`): one task per article,
    and each finished article's files written into the output folder here, the audio file last."""

    def __init__(self, client, out_dir: Path, idle_limits: dict[str, float], retries: int | None = None) -> None:
        self.client = client
        self.out_dir = out_dir
        self.idle_limits = idle_limits
        self.retries = CLUSTER_RETRIES if retries is None else retries
        self.workers = worker_threads(client)

    @classmethod
    def connect(cls, address: str, out_dir: Path, idle_limits: dict[str, float], retries: int | None = None):
        return cls(connect(address), out_dir, idle_limits, retries)

    def run(self, tasks: list, on_progress: Callable, on_result: Callable) -> None:
        from .errors import OutputError
        from .files import write_atomic
        from .formats import AUDIO_OUTPUT

        def written(source: str, ok: bool, value: Any) -> None:
            if ok:
                try:
                    audio = value["fields"]["outputs"][AUDIO_OUTPUT]
                    for name in sorted(value["files"], key=lambda name: name == audio):
                        write_atomic(self.out_dir / name, value["files"][name])
                except OutputError as exc:
                    ok, value = False, str(exc)
                else:
                    value = value["fields"]
            on_result(source, ok, value)

        payloads = [(task.source, {"task": task, "slug": task.slug}) for task in tasks]
        run_on_cluster(self.client, payloads, self.retries, self.idle_limits, on_progress, written)

    def close(self) -> None:
        self.client.close()


def run_on_cluster(
    client,
    tasks: Iterable[tuple[str, dict[str, Any]]],
    retries: int,
    idle_limits: dict[str, float],
    on_progress: Callable[[str, str, int, int], None],
    on_result: Callable[[str, bool, Any], None],
    function: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> None:
    """Submit one task per article and call on_result(source, ok, value) as each one ends, in this
    thread; ``value`` is the worker's result (fields and files) or the reason it failed.

    ``idle_limits`` are the local pool's (phase → longest silence): a task silent longer than its
    phase allows has its worker restarted (the scheduler then runs it again elsewhere), and fails
    once that has happened more than ``retries`` times. ``function`` replaces the conversion only
    to inject faults in tests.
    """
    from distributed import as_completed

    build = uuid.uuid4().hex  # progress events reach every client of the scheduler: keep ours
    events: queue.Queue = queue.Queue()  # filled on the client's event loop, drained here
    client.subscribe_topic(PROGRESS_TOPIC, lambda event: events.put(event[1]))
    futures: dict[Any, str] = {}
    by_source: dict[str, Any] = {}
    heard: dict[str, tuple[str, float]] = {}  # source → (phase, when) of its running task's last event
    stalls: dict[str, int] = {}
    reported: set[str] = set()

    def show(event: Any) -> None:
        if isinstance(event, dict) and event.get("build") == build and event["source"] not in reported:
            heard[event["source"]] = (event["phase"], time.monotonic())
            on_progress(event["source"], event["phase"], event["done"], event["total"])

    def finish(source: str, ok: bool, value: Any) -> None:
        reported.add(source)
        heard.pop(source, None)
        on_result(source, ok, value)

    def restart_stalled() -> None:
        now = time.monotonic()
        stuck_workers: set[str] = set()
        exhausted: list[tuple[str, str]] = []
        processing = None
        for source, (phase, when) in list(heard.items()):
            limit = idle_limits.get(phase, max(idle_limits.values(), default=600.0))
            if now - when <= limit:
                continue
            del heard[source]  # its next run reports afresh
            processing = processing if processing is not None else client.processing()
            key = by_source[source].key
            stuck = {worker for worker, keys in processing.items() if key in keys}
            if not stuck:
                continue  # not running (rescheduled after a worker died): nothing hangs
            stuck_workers |= stuck
            stalls[source] = stalls.get(source, 0) + 1
            if stalls[source] > retries:
                silent = f"no progress for {limit:g} s while {phase or 'starting'}, {_times(stalls[source])}"
                exhausted.append((source, f"{silent} (its worker was restarted each time)"))
        if stuck_workers:
            # A hung thread cannot be stopped, its process can: the nanny starts a new one and the
            # scheduler runs the task again. (Cancelled only after: a worker cannot shut down
            # cleanly while it is asked to cancel a task its hung thread runs.)
            client.restart_workers(sorted(stuck_workers), raise_for_error=False)
        for source, reason in exhausted:
            by_source[source].cancel()
            finish(source, False, reason)

    try:
        for source, payload in tasks:
            future = client.submit(
                function or convert_on_worker,
                {**payload, "source": source, "build": build},
                key=f"audiobook-{payload['slug']}-{build[:8]}",
                pure=False,
                retries=retries,
            )
            futures[future], by_source[source] = source, future
        pending = as_completed(futures, loop=client.loop)
        while not pending.is_empty():
            while not events.empty():
                show(events.get_nowait())
            restart_stalled()
            if not pending.has_ready():
                with contextlib.suppress(queue.Empty):
                    show(events.get(timeout=0.2))
                continue
            for future in pending.next_batch(block=False):
                if futures[future] not in reported:
                    ok, value = _outcome(future)
                    future.release()  # the worker may drop the files now
                    finish(futures[future], ok, value)
    finally:
        client.unsubscribe_topic(PROGRESS_TOPIC)
        for future in futures:
            future.cancel()


def _outcome(future) -> tuple[bool, Any]:
    from distributed import KilledWorker

    try:
        value = future.result()
    except KilledWorker as exc:
        return False, f"its worker died {_times(exc.allowed_failures + 1)} while converting it (the scheduler gave up)"
    except Exception as exc:  # noqa: BLE001 - a bug on the worker, after its retries
        return False, f"internal error on the cluster: {type(exc).__name__}: {exc}"
    if "error" in value:
        return False, value["error"]
    return True, value


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")
