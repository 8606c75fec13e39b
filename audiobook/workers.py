"""A pool of worker processes that survives its workers: crashes and hangs fail one task, not the build.

Workers are started with the `spawn` method (espeak cannot be used across fork). Each worker runs
one task at a time and reports progress as it goes; that report is the heartbeat. A worker that
dies, or goes silent longer than the phase allows (`idle_limits`), is killed and replaced, and
its task is reported as failed with the reason. Results come back in completion order.

A spawned worker starts by running the caller's main script again (as ``__mp_main__``). A script
that calls the library from its top level, outside ``if __name__ == "__main__":``, would start a
build in every worker, each waiting forever for the lock its parent holds. Such a call is refused
before any worker starts (`refuse_unguarded_caller`); a worker that finds itself inside that rerun
anyway stops at once (`stop_if_rerunning_the_script`) and the pool reports why.
"""

from __future__ import annotations

import ast
import contextlib
import multiprocessing
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from .errors import AudiobookError

# A task function runs in the worker: fn(payload, report) -> result, where report(phase, done, total)
# is the heartbeat. It raises AudiobookError for failures a user should see as they are.
TaskFunction = Callable[[Any, Callable[[str, int, int], None]], Any]


# The exit code of a worker stopped while it was rerunning the caller's script.
RERUN_SCRIPT_EXIT = 87


def _unguarded_message(script: str) -> str:
    return (
        f"{script}: calls audiobook with worker processes from the script's top level; each spawned "
        'worker runs the script again, so put the call under `if __name__ == "__main__":`'
    )


def refuse_unguarded_caller() -> None:
    """Raise AudiobookError when this call comes from the main script's top-level code outside an
    ``if __name__ …`` block: a spawned worker would run that code again."""
    main = sys.modules.get("__main__")
    if getattr(main, "__file__", None) is None:  # python -c, an interpreter prompt: nothing is rerun
        return
    frame = sys._getframe(1)
    while frame is not None and not (frame.f_globals is vars(main) and frame.f_code.co_name == "<module>"):
        frame = frame.f_back
    if frame is None:  # the script's top level is not calling: it is already done
        return
    try:
        tree = ast.parse(Path(frame.f_code.co_filename).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return  # no source to read: left to stop_if_rerunning_the_script
    for statement in tree.body:
        if statement.lineno <= frame.f_lineno <= (statement.end_lineno or statement.lineno):
            # Any test of __name__ is taken for the guard; a wrong one is caught in the worker.
            guarded = isinstance(statement, ast.If) and any(
                isinstance(node, ast.Name) and node.id == "__name__" for node in ast.walk(statement.test)
            )
            if not guarded:
                raise AudiobookError(_unguarded_message(frame.f_code.co_filename))
            return


def stop_if_rerunning_the_script() -> None:
    """In a worker still starting up (multiprocessing's own test for it: the same one that refuses
    to start a process from there), the caller's script is being run again: stop this worker
    quietly; its parent reports why (`run_tasks`)."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise SystemExit(RERUN_SCRIPT_EXIT)


@dataclass
class _Worker:
    process: Any
    connection: Connection
    task_id: str | None = None
    phase: str = ""
    last_beat: float = field(default_factory=time.monotonic)


def _worker_main(connection: Connection, function: TaskFunction) -> None:
    from .engine_runtime import keep_large_buffers_out_of_the_heap

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
    refuse_unguarded_caller()
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
                    if worker.process.exitcode == RERUN_SCRIPT_EXIT:  # every worker would do the same
                        script = getattr(sys.modules.get("__main__"), "__file__", None) or "the main script"
                        raise AudiobookError(_unguarded_message(script))
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
