"""A pool of worker processes that survives its workers: crashes and hangs fail one task, not the build.

Workers are started with the `spawn` method (espeak cannot be used across fork). Each worker runs
one task at a time and reports progress as it goes; that report is the heartbeat. A worker that
dies, or goes silent longer than the phase allows (`idle_limits`), is killed and replaced, and
its task is reported as failed with the reason. Results come back in completion order.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

# A task function runs in the worker: fn(payload, report) -> result, where report(phase, done, total)
# is the heartbeat. It raises AudiobookError for failures a user should see as they are.
TaskFunction = Callable[[Any, Callable[[str, int, int], None]], Any]


@dataclass
class _Worker:
    process: Any
    connection: Connection
    task_id: str | None = None
    phase: str = ""
    last_beat: float = field(default_factory=time.monotonic)


def _worker_main(connection: Connection, function: TaskFunction) -> None:
    from .engine_runtime import keep_large_buffers_out_of_the_heap
    from .errors import AudiobookError

    keep_large_buffers_out_of_the_heap()
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task_id, payload = message

        def report(phase: str, done: int, total: int, task_id: str = task_id) -> None:
            connection.send(("progress", task_id, (phase, done, total)))

        try:
            connection.send(("done", task_id, function(payload, report)))
        except AudiobookError as exc:
            connection.send(("failed", task_id, str(exc)))
        except Exception as exc:  # a bug: still one failed article, with the reason
            connection.send(("failed", task_id, f"internal error: {type(exc).__name__}: {exc}"))


def run_tasks(
    function: TaskFunction,
    tasks: Iterable[tuple[str, Any]],
    jobs: int,
    idle_limits: dict[str, float],
    on_progress: Callable[[str, str, int, int], None] | None = None,
    on_result: Callable[[str, bool, Any], None] | None = None,
) -> None:
    """Run every task; call on_result(task_id, ok, result_or_reason) as each one ends.

    ``idle_limits`` maps a phase name (as reported by the task) to the longest silence allowed in
    it, in seconds; "" is the limit before the first report.
    """
    context = multiprocessing.get_context("spawn")
    pending = deque(tasks)
    workers: list[_Worker] = []
    default_limit = max(idle_limits.values(), default=600.0)

    def start() -> _Worker:
        parent, child = context.Pipe()
        process = context.Process(target=_worker_main, args=(child, function), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def finish(worker: _Worker, ok: bool, value: Any) -> None:
        task_id, worker.task_id = worker.task_id, None
        if on_result and task_id is not None:
            on_result(task_id, ok, value)

    def replace(worker: _Worker, reason: str) -> None:
        worker.process.kill()
        worker.process.join(5)
        worker.connection.close()
        workers.remove(worker)
        finish(worker, False, reason)

    try:
        while pending or any(w.task_id for w in workers):
            while len(workers) < min(jobs, len(pending) + sum(1 for w in workers if w.task_id)):
                workers.append(start())
            for worker in workers:
                if worker.task_id is None and pending:
                    worker.task_id, payload = pending.popleft()
                    worker.phase, worker.last_beat = "", time.monotonic()
                    worker.connection.send((worker.task_id, payload))
            busy = [w for w in workers if w.task_id]
            ready = set(wait([w.connection for w in busy] + [w.process.sentinel for w in busy], timeout=0.5))
            for worker in busy:
                while worker.task_id and worker.connection in ready and worker.connection.poll():
                    try:
                        kind, _task, value = worker.connection.recv()
                    except (EOFError, OSError):
                        break
                    worker.last_beat = time.monotonic()
                    if kind == "progress":
                        worker.phase = value[0]
                        if on_progress:
                            on_progress(worker.task_id, *value)
                    else:
                        finish(worker, kind == "done", value)
                if worker.task_id and not worker.process.is_alive():
                    replace(worker, f"worker process died (exit code {worker.process.exitcode})")
                elif worker.task_id:
                    limit = idle_limits.get(worker.phase, default_limit)
                    if time.monotonic() - worker.last_beat > limit:
                        replace(
                            worker,
                            f"no progress for {limit:g} s while {worker.phase or 'starting'}; the worker was stopped",
                        )
    finally:
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.connection.send(None)
        deadline = time.monotonic() + 5
        for worker in workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(1)
            worker.connection.close()
