"""The worker pool under fault injection: task functions that crash or hang on purpose (named so)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


# A library caller's script, run as a program: spawned workers import it again (as __mp_main__).
ROOT = Path(__file__).resolve().parents[1]
SCRIPT_BODIES = {
    "unguarded": 'report = build_archive("articles", "out", jobs=2)\nprint("built", report.count("built"))\n',
    "unguarded_edition": 'build_edition("articles", "out", formats=["m4b"], jobs=2)\n',
    # A test of __name__ that guards nothing: passes the check before the pool starts, so the
    # workers themselves find out they are rerunning the script.
    "false_guard": 'if __name__ or True:\n    build_archive("articles", "out", jobs=2)\n',
    "guarded": (
        "def main():\n"
        '    report = build_archive("articles", "out", jobs=2)\n'
        '    print("built", report.count("built"))\n\n\n'
        'if __name__ == "__main__":\n'
        "    main()\n"
    ),
}


def run_library_script(folder: Path, kind: str) -> subprocess.CompletedProcess:
    (folder / "articles").mkdir()
    for number in (1, 2):
        (folder / "articles" / f"a{number}.md").write_text(f"# Article {number}\n\nOne short sentence to speak.\n")
    script = folder / f"{kind}.py"
    script.write_text("from audiobook import build_archive, build_edition\n\n" + SCRIPT_BODIES[kind])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AUDIOBOOK_CACHE_DIR": str(folder / "cache")}
    return subprocess.run(
        [sys.executable, script.name], cwd=folder, env=env, capture_output=True, text=True, timeout=90
    )


@pytest.mark.parametrize("kind", ["unguarded", "unguarded_edition", "false_guard"])
def test_a_script_calling_the_build_outside_a_main_guard_fails_at_once_instead_of_hanging(tmp_path, kind):
    started = time.monotonic()
    result = run_library_script(tmp_path, kind)  # hung until the timeout before
    assert time.monotonic() - started < 60
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert f"{kind}.py: calls audiobook with worker processes" in last
    assert 'if __name__ == "__main__":' in last
    assert not list((tmp_path / "out").glob("*.mp3"))  # nothing built by a worker rerunning it


def test_a_script_with_a_main_guard_builds_with_workers(tmp_path):
    result = run_library_script(tmp_path, "guarded")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "built 2"
    assert len(list((tmp_path / "out").glob("*.mp3"))) == 2
