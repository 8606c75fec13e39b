"""An undated article's date: when its source file was last changed, as static site generators
date a page without a date. It comes from the input, so two builds of the same files give the same
feed, whenever and wherever they run.

`SOURCE_DATE_EPOCH` (reproducible-builds.org/specs/source-date-epoch) caps it: a file changed
after that moment is dated at it, as `tar --clamp-mtime` dates files — so a fresh checkout, whose
files all carry the time of the checkout, is dated by the commit that set the variable.

The build records the date in each manifest entry as "source_date": ISO 8601, UTC, whole seconds.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

from .errors import AudiobookError

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
LATEST_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC: the last second a date can carry


def source_date_epoch(environ: Mapping[str, str] = os.environ) -> int | None:
    """The cap set by $SOURCE_DATE_EPOCH, or None when it is unset or empty. The specification
    asks a build to fail on a malformed value rather than guess: one line naming it."""
    value = environ.get(SOURCE_DATE_EPOCH, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > LATEST_EPOCH:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise AudiobookError(
            f"{SOURCE_DATE_EPOCH}={shown!r}: not a whole number of seconds since 1970 (0 to {LATEST_EPOCH})"
        )
    return int(value)


def source_date(path: Path, epoch: int | None) -> str | None:
    """When the file at ``path`` was last modified, capped at ``epoch``; None when the file cannot
    be asked (it went away). A time before 1970 or past 9999, which no article was saved at, is
    held to that range, so every file has a date and the same file always the same one."""
    try:
        seconds = path.stat().st_mtime_ns // 1_000_000_000  # whole seconds, as a pubDate has
    except OSError:
        return None
    seconds = max(0, min(seconds, LATEST_EPOCH if epoch is None else epoch))
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()


def read_source_date(value: object) -> dt.datetime | None:
    """A recorded "source_date" read back; None unless it is a time in UTC, as `source_date`
    writes it (a manifest can be edited by hand: anything else is not trusted)."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.utcoffset() == dt.timedelta(0) else None
