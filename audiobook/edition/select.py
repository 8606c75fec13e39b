"""Choosing an edition's articles from the build's manifest: by name, date and tag, in order.
See `edition` for the whole."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..cache import content_key
from ..errors import AudiobookError
from ..manifest import load_manifest
from ..settings import Settings

ORDERS = ("newest", "oldest", "given")


def built_entries(out_dir: Path) -> list[dict[str, Any]]:
    from ..manifest import OUTPUT_FORMAT

    entries, problem = load_manifest(out_dir, OUTPUT_FORMAT)
    if problem:
        raise AudiobookError(problem)
    usable = ("built", "unchanged")
    return [e for e in entries.values() if e.get("status") in usable and "mp3" in (e.get("outputs") or {})]


def select(
    entries: Sequence[dict[str, Any]],
    archive: Path,
    *,
    names: Sequence[str] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
    tag: str | None = None,
    order: str = "newest",
    failed: dict[str, str | None] | None = None,
) -> list[dict[str, Any]]:
    """The entries an edition holds, in its order. A named article that is not in the archive, or
    whose build failed, is an error (an edition silently missing an article would be worse)."""
    by_source = {e["source"]: e for e in entries}
    failed = failed or {}
    if names:
        chosen = []
        for name in names:
            source = _source_name(archive, name)
            if source in failed:
                raise AudiobookError(f"{archive / source}: not in the edition, its build failed ({failed[source]})")
            if source not in by_source:
                raise AudiobookError(f"{archive / source}: no such article in the archive")
            if by_source[source] not in chosen:
                chosen.append(by_source[source])
    else:
        chosen = list(entries)
    if since or until:
        chosen = [e for e in chosen if e.get("date") and _within(dt.date.fromisoformat(e["date"]), since, until)]
    if tag:
        chosen = [e for e in chosen if tag.casefold() in article_tags(archive / e["source"])]
    if order != "given":
        chosen.sort(key=lambda e: (e.get("date") or "", e["title"], e["source"]), reverse=order == "newest")
    if not chosen:
        raise AudiobookError(f"{archive}: no built article matches the edition's choice")
    return chosen


def _source_name(archive: Path, name: str) -> str:
    """A name as the manifest has it: relative to the archive (a path through it is accepted)."""
    path = Path(name)
    if path.is_absolute() or path.parts[: len(archive.parts)] == archive.parts:
        try:
            return str(path.resolve().relative_to(archive.resolve()))
        except ValueError:
            raise AudiobookError(f"{name}: not inside the archive {archive}") from None
    return str(path)


def _within(date: dt.date, since: dt.date | None, until: dt.date | None) -> bool:
    return (since is None or date >= since) and (until is None or date <= until)


def article_tags(path: Path) -> set[str]:
    """An article's tags, casefolded, as its parser found them (`model.Article.tags`): Markdown front
    matter ``tags:``, an HTML page's keywords and article:tag meta, a text's "Tags: …" line."""
    from ..parse import read_article

    try:
        return {t.casefold() for t in read_article(path).tags}
    except AudiobookError:
        return set()


def default_title(settings: Settings, chosen: Sequence[dict[str, Any]]) -> str:
    dates = sorted(e["date"] for e in chosen if e.get("date"))
    if not dates:
        return f"{settings.publication}: an edition"
    first, last = (f"{d.day} {d:%B %Y}" for d in map(dt.date.fromisoformat, (dates[0], dates[-1])))
    return f"{settings.publication}: {first}" + ("" if first == last else f" to {last}")


def choice_id(since: dt.date | None, until: dt.date | None, tag: str | None, names: Sequence[str], order: str) -> str:
    """What makes an edition the same edition whatever its title: its choice of articles (dates,
    tag, articles named) and their order."""
    named = list(names) if order == "given" else sorted(names)
    return content_key("edition-choice", repr(since), repr(until), (tag or "").casefold(), json.dumps(named), order)
