"""An edition's files beside its audio (chapters, transcript, page), its manifest on disk, and
the editions feed. See `edition` for the whole.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..files import output_file, write_atomic
from ..manifest import outputs_intact, remove_outputs
from ..settings import Settings
from ..timeline import ChapterMark, clock, timestamp
from .layout import EditionChapter, Layout, flat_chapters

EDITION_FORMAT = "audiobook-edition-1"
EDITIONS_FEED = "editions.xml"


def chapters_of(entry: dict[str, Any]) -> tuple[EditionChapter, ...]:
    """The chapter tree an edition manifest holds."""
    return tuple(
        EditionChapter(c["title"], c["start_ms"], c["end_ms"], tuple(ChapterMark(**s) for s in c["sections"]))
        for c in entry["chapters"]
    )


def chapters_json(chapters: Sequence[EditionChapter]) -> str:
    """Podcasting 2.0 JSON chapters: flat (the format has no nesting), "Article — Section"."""
    flat = [
        {"startTime": round(c.start_ms / 1000, 3), "endTime": round(c.end_ms / 1000, 3), "title": c.title}
        for c in flat_chapters(chapters)
    ]
    return json.dumps({"version": "1.2.0", "chapters": flat}, ensure_ascii=False, indent=2) + "\n"


_VTT_TIME = re.compile(r"(\d{2,}):(\d{2}):(\d{2})\.(\d{3})")


def transcript(out_dir: Path, chosen: Sequence[dict[str, Any]], layout: Layout) -> str:
    """The articles' WebVTT cues, each moved to where its article starts in the edition."""
    lines = ["WEBVTT", ""]
    number = 0
    for entry, chapter in zip(chosen, layout.chapters[1:], strict=True):
        name = (entry.get("outputs") or {}).get("transcript")
        path = output_file(out_dir, name) if name else None
        if path is None or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")

        def moved(match: re.Match, offset: int = chapter.start_ms) -> str:
            h, m, s, ms = (int(g) for g in match.groups())
            return timestamp(((h * 60 + m) * 60 + s) * 1000 + ms + offset)

        for block in text.split("\n\n")[1:]:
            cue = block.strip().split("\n")
            if len(cue) < 3 or "-->" not in cue[1]:
                continue
            number += 1
            lines += [str(number), _VTT_TIME.sub(moved, cue[1]), *(_VTT_TIME.sub(moved, t) for t in cue[2:]), ""]
    return "\n".join(lines)


def page(title: str, summary: str, layout: Layout, names: dict[str, str], settings: Settings) -> str:
    from ..pages import _environment, site_for

    site = site_for(settings)
    flat = flat_chapters(layout.chapters)
    audio = names.get("mp3") or names["m4b"]
    downloads = [(names[k], k.upper()) for k in ("mp3", "m4b") if k in names]
    return (
        _environment()
        .get_template("edition.html")
        .render(
            title=title,
            language=settings.feed.language,
            publication=site.publication,
            summary=summary,
            cover=names["cover"],
            mp3=audio,
            duration_ms=max(layout.duration_ms, 1),
            duration_s=f"{layout.duration_ms / 1000:.3f}",
            duration_clock=clock(layout.duration_ms),
            chapters=flat,
            chapter_groups=layout.chapters,
            feed=site.feed,
            downloads=downloads,
        )
    )


# --- the edition manifests and the editions feed -------------------------------------------------


def read_edition(path: Path) -> dict[str, Any] | None:
    """An edition manifest on disk, or None when it is missing or does not hold together: it lies
    in a published folder, so it is read as untrusted input (a bad one means "make it again")."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != EDITION_FORMAT:
            return None
        chapters_of(data)  # the chapter tree is whole
        marks = [*data["chapters"], *(s for c in data["chapters"] for s in c["sections"])]
        text = [data["guid"], data["key"], data["summary"], data["title"], data["slug"], *data["articles"]]
        text += [*data["outputs"].values(), *(m["title"] for m in marks)]
        numbers = [*data["sizes"].values(), data["duration_ms"], *(m[k] for m in marks for k in ("start_ms", "end_ms"))]
        if not all(isinstance(t, str) for t in text) or not all(_is_int(n) for n in numbers):
            return None
        if not all(str(name).startswith(f"{data['slug']}.edition.") for name in data["outputs"].values()):
            return None  # only the edition's own files are ever kept or removed by it
        if data["date"] is not None:
            dt.date.fromisoformat(data["date"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    return data


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def editions(out_dir: Path) -> list[dict[str, Any]]:
    """The edition manifests in the output folder whose files are all there."""
    found = []
    for path in sorted(out_dir.glob("*.edition.json")):
        entry = read_edition(path)
        if entry and isinstance(entry.get("outputs"), dict) and outputs_intact(out_dir, entry):
            found.append(entry)
    return found


def edition_episodes(out_dir: Path) -> list[Any]:
    """The editions on disk as the archive's index lists them (each links its player page)."""
    from ..pages import Episode

    return [Episode.from_manifest(e, e["outputs"].get("mp3") or e["outputs"]["m4b"]) for e in editions(out_dir)]


def publish_editions(out_dir: Path, settings: Settings) -> None:
    """``editions.xml``: a podcast feed of the editions, beside the articles' feed (a separate
    feed: the build rewrites feed.xml from its own manifest, and a listener subscribes to the
    weekly edition or to every article, rarely to both). Only with a base URL, like feed.xml."""
    from dataclasses import replace

    from ..feed import FeedEpisode, podcast_feed

    if not settings.feed.base_url:
        return
    episodes = []
    for entry in editions(out_dir):
        audio = entry["outputs"].get("mp3") or entry["outputs"]["m4b"]
        kind = "mp3" if "mp3" in entry["outputs"] else "m4b"
        episodes.append(
            FeedEpisode(
                guid=entry["guid"],
                title=entry["title"],
                summary=entry.get("summary"),
                date=dt.date.fromisoformat(entry["date"]) if entry.get("date") else None,
                duration_ms=entry["duration_ms"],
                mp3=audio,
                mp3_bytes=entry["sizes"][kind],
                page=entry["outputs"]["page"],
                image=entry["outputs"]["cover"],
                chapters_file=entry["outputs"]["chapters"],
                transcript=entry["outputs"]["transcript"],
                chapters=[(c["title"], c["start_ms"]) for c in entry["chapters"]],
            )
        )
    channel = replace(settings.feed, title=f"{settings.feed.title or settings.publication} — editions")
    cover = "cover.png" if (out_dir / "cover.png").is_file() else "cover.jpg"
    write_atomic(out_dir / EDITIONS_FEED, podcast_feed(channel, settings.publication, episodes, cover))


def remove_retitled(out_dir: Path, choice: str, slug: str) -> None:
    """The files of the same edition made before under another title (its manifest names them,
    all ``<its slug>.edition.*``: `read_edition` refuses any other), and that manifest."""
    for path in sorted(out_dir.glob("*.edition.json")):
        entry = read_edition(path)
        if not entry or entry.get("choice") != choice or entry["slug"] == slug:
            continue
        if path.name != f"{entry['slug']}.edition.json":  # a copy under another name: not that edition's
            continue
        remove_outputs(out_dir, entry)
        path.unlink(missing_ok=True)
