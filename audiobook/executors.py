"""Where a build's conversions run: the executor seam.

An executor takes the build's tasks and reports, in the build's thread, each one's progress and
its end: ``on_result(source, ok, fields_or_reason)``, with the article's files already in the
output folder when ``ok``. Two implementations: `LocalPool` (spawned worker processes on this
machine, `workers.run_tasks`) and `cluster.DaskExecutor` (a Dask cluster, `--cluster`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .tasks import ConversionTask

OnProgress = Callable[[str, str, int, int], None]  # (source, phase, done, total)
OnResult = Callable[[str, bool, Any], None]  # (source, ok, manifest fields or the reason it failed)


class Executor(Protocol):
    workers: int  # how many conversions run at once

    def run(self, tasks: list[ConversionTask], on_progress: OnProgress, on_result: OnResult) -> None: ...

    def close(self) -> None: ...


@dataclass
class LocalPool:
    """Worker processes on this machine; a worker that dies or hangs fails its article only."""

    out_dir: Path
    workers: int
    idle_limits: dict[str, float]  # phase → longest silence allowed, in seconds

    def run(self, tasks: list[ConversionTask], on_progress: OnProgress, on_result: OnResult) -> None:
        from .tasks import convert_in_local_worker
        from .workers import run_tasks

        payloads = [(task.source, (task, str(self.out_dir))) for task in tasks]
        run_tasks(convert_in_local_worker, payloads, self.workers, self.idle_limits, on_progress, on_result)

    def close(self) -> None:
        pass


def open_executor(
    out_dir: Path,
    tasks: int,
    idle_limits: dict[str, float],
    jobs: int | None = None,
    cluster: str | None = None,
    retries: int | None = None,
) -> Executor:
    """A Dask cluster's executor when an address is given, else a local pool of ``jobs`` processes
    (default: one per core, never more than there are tasks)."""
    if cluster:
        from .cluster import DaskExecutor

        return DaskExecutor.connect(cluster, out_dir, idle_limits, retries)
    return LocalPool(out_dir, max(1, min(jobs or os.cpu_count() or 1, max(tasks, 1))), idle_limits)
