"""Stage 6: publishing. Per article, the transcript (WebVTT) and Podcasting 2.0 JSON chapters
(both read the same Timeline as the ID3 chapters, so all three always agree); per archive, the
index page, the channel cover and the podcast feed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .config import CONFIG_NAME
from .cover import CoverError, CoverImage, read_cover
from .errors import AudiobookError
from .files import write_atomic
from .settings import Settings
from .timeline import Timeline, timestamp


def webvtt(timeline: Timeline) -> str:
    """One cue per spoken sentence, with its real start and end."""
    lines = ["WEBVTT", ""]
    for number, cue in enumerate(timeline.cues, start=1):
        # "-->" inside a cue would end it early; a blank line would split it.
        text = " ".join(cue.caption.replace("-->", "→").split())
        lines += [str(number), f"{timestamp(cue.start_ms)} --> {timestamp(cue.end_ms)}", text, ""]
    return "\n".join(lines)


def chapters_json(timeline: Timeline) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0), ascending start times in seconds."""
    chapters = [
        {"startTime": round(c.start_ms / 1000, 3), "endTime": round(c.end_ms / 1000, 3), "title": c.title}
        for c in timeline.chapters
    ]
    return json.dumps({"version": "1.2.0", "chapters": chapters}, ensure_ascii=False, indent=2) + "\n"


def publish_archive(
    out_dir: Path,
    settings: Settings,
    entries: list[dict[str, Any]],
    channel_cover: CoverImage | None = None,
    warn: Callable[[str], None] = lambda message: None,
) -> None:
    """The archive-wide files for the published ``entries`` (manifest entries with outputs):
    index.html, the channel cover, the podcast feed (with a base URL)."""
    import datetime as dt

    from .cover import title_card
    from .feed import FeedEpisode, podcast_feed
    from .pages import Episode, index_page, site_for, write_static

    published = entries
    site = site_for(settings)
    write_static(out_dir)

    def date(entry: dict[str, Any]) -> dt.date | None:
        return dt.date.fromisoformat(entry["date"]) if entry.get("date") else None

    write_atomic(
        out_dir / "index.html",
        index_page([Episode(e["title"], e["outputs"]["page"], date(e), e["duration_ms"]) for e in published], site),
    )
    if channel_cover is None:
        card = title_card(settings.feed.title or settings.publication, "podcast")
        channel_cover = CoverImage(card, "image/png", ".png")
    target = out_dir / ("cover" + channel_cover.suffix)
    if not target.is_file() or target.read_bytes() != channel_cover.data:
        write_atomic(target, channel_cover.data)
    if not settings.feed.base_url:
        (out_dir / "feed.xml").unlink(missing_ok=True)
        return
    episodes = []
    guids: dict[str, str] = {}
    for e in published:
        if not e.get("guid"):
            continue
        if e["guid"] in guids:  # podcast apps would merge or drop the two episodes
            warn(f"{e['source']}: its feed id {e['guid']!r} is already {guids[e['guid']]}'s; left out of the feed")
            continue
        guids[e["guid"]] = e["source"]
        episodes.append(
            FeedEpisode(
                guid=e["guid"],
                title=e["title"],
                summary=e.get("summary"),
                date=date(e),
                duration_ms=e["duration_ms"],
                mp3=e["outputs"]["mp3"],
                mp3_bytes=e["sizes"]["mp3"],
                page=e["outputs"]["page"],
                image=e["outputs"]["cover"],
                chapters_file=e["outputs"]["chapters"],
                transcript=e["outputs"]["transcript"],
                chapters=[(c["title"], c["start_ms"]) for c in e.get("chapters", [])],
                references=[(r["text"], r.get("url")) for r in e.get("references", [])],
            )
        )
    write_atomic(out_dir / "feed.xml", podcast_feed(settings.feed, settings.publication, episodes, target.name))


def channel_cover_image(settings: Settings, articles_dir: Path, follow_links: bool) -> CoverImage | None:
    """The `[feed] image` named in audiobook.toml, read inside the archive like article covers."""
    if not settings.feed.image:
        return None
    path = articles_dir / settings.feed.image
    try:
        return read_cover(path, articles_dir, follow_links)
    except CoverError as exc:
        raise AudiobookError(f"{articles_dir / CONFIG_NAME}: [feed] image {path} {exc}") from None
