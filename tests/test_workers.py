"""The worker pool under fault injection: task functions that crash or hang on purpose (named so)."""

from __future__ import annotations

import os
import time

from audiobook.errors import InputError
from audiobook.workers import run_tasks


def fake_task_that_crashes_hangs_or_works(payload, report):
    kind = payload
    report("speech", 0, 1)
    if kind == "crash":
        os._exit(3)  # the worker process dies mid-task
    if kind == "hang":
        time.sleep(3600)  # an engine that never answers
    if kind == "refuse":
        raise InputError("bad.md", "the file is empty")
    report("speech", 1, 1)
    return f"done {kind}"


def test_crashed_and_hung_workers_fail_their_task_and_are_replaced():
    results = {}
    started = time.monotonic()
    run_tasks(
        fake_task_that_crashes_hangs_or_works,
        [("a", "ok"), ("b", "crash"), ("c", "hang"), ("d", "ok"), ("e", "refuse"), ("f", "ok")],
        jobs=2,
        idle_limits={"": 30, "speech": 2},
        on_result=lambda task, ok, value: results.__setitem__(task, (ok, value)),
    )
    assert time.monotonic() - started < 60
    assert results["a"] == (True, "done ok") and results["d"] == (True, "done ok") and results["f"] == (True, "done ok")
    assert results["b"] == (False, "worker process died (exit code 3)")
    assert results["c"][0] is False and results["c"][1].startswith("no progress for 2 s while speech")
    assert results["e"] == (False, "bad.md: the file is empty")
