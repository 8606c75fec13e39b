"""Fault-injection fakes for the cluster runner (shipped to the workers by value, see test_cluster)."""

from __future__ import annotations

import time
from pathlib import Path


def hanging_task_fake(payload: dict) -> dict:
    """Reports that it started, as the real task does, then hangs: always, on its first run only
    (a marker file remembers it), or never."""
    from audiobook.cluster import _progress_reporter

    _progress_reporter(payload["build"], payload["source"])("", 0, 0)
    marker = Path(payload["marker"])
    hang = payload["mode"] == "always" or (payload["mode"] == "once" and not marker.exists())
    marker.touch()
    if hang:
        time.sleep(3600)
    return {"fields": {"done": payload["source"]}, "files": {}}
