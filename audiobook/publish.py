"""Stage 6: publishing. Per article, the transcript (WebVTT, timed by word where the engine
reports word boundaries; and the same as a Podcasting 2.0 JSON transcript) and Podcasting 2.0
JSON chapters (all read the same Timeline as the ID3 chapters, so they always agree); per archive, the
index page, the channel cover and the podcast feed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .config import CONFIG_NAME
from .cover import CoverError, CoverImage, read_cover
from .errors import AudiobookError
from .files import write_atomic
from .settings import Settings
from .source_dates import read_source_date
from .timeline import Timeline, timestamp


def _cue_text(text: str) -> str:
    """Caption text as WebVTT cue text: one line, no "-->" (it would end the cue's timing line),
    and &, < and > as character references (a "<" would open a tag)."""
    text = " ".join(text.replace("-->", "→").split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(timeline: Timeline) -> str:
    """One cue per spoken sentence, with its real start and end; where the words are timed, each
    word after the first carries its start as an inline timestamp ("karaoke" cue text, WebVTT
    §4.2: every timestamp after the cue's start, before its end, and after the one before it — a
    word whose start is not is joined to the word before it)."""
    lines = ["WEBVTT", ""]
    for number, cue in enumerate(timeline.cues, start=1):
        if cue.words:
            pieces = [_cue_text(cue.words[0].text)]
            stamp = cue.start_ms
            for word in cue.words[1:]:
                if stamp < word.start_ms < cue.end_ms:
                    pieces.append(f"<{timestamp(word.start_ms)}>{_cue_text(word.text)}")
                    stamp = word.start_ms
                else:
                    pieces[-1] += " " + _cue_text(word.text)
            text = " ".join(pieces)
        else:
            text = _cue_text(cue.caption)
        lines += [str(number), f"{timestamp(cue.start_ms)} --> {timestamp(cue.end_ms)}", text, ""]
    return "\n".join(lines)


def transcript_json(timeline: Timeline) -> str:
    """The Podcasting 2.0 JSON transcript (version 1.0.0): one segment per word where the words
    are timed, else one per sentence; times in seconds, ascending. No speaker: one narrator."""
    segments = []
    for cue in timeline.cues:
        for text, start, end in [(w.text, w.start_ms, w.end_ms) for w in cue.words] or [
            (" ".join(cue.caption.split()), cue.start_ms, cue.end_ms)
        ]:
            segments.append({"startTime": round(start / 1000, 3), "endTime": round(end / 1000, 3), "body": text})
    lines = ",\n".join(json.dumps(segment, ensure_ascii=False) for segment in segments)  # a word a line
    return f'{{"version": "1.0.0", "segments": [\n{lines}\n]}}\n'


def chapters_json(timeline: Timeline) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0), ascending start times in seconds."""
    chapters = [
        {"startTime": round(c.start_ms / 1000, 3), "endTime": round(c.end_ms / 1000, 3), "title": c.title}
        for c in timeline.chapters
    ]
    return json.dumps({"version": "1.2.0", "chapters": chapters}, ensure_ascii=False, indent=2) + "\n"


def index_episodes(entries: list[dict[str, Any]]) -> list[Any]:
    """What the index and the playlist show of each published article (manifest entries)."""
    from .pages import Episode

    # An older build's entry may have no sizes.
    return [Episode.from_manifest(e, e["outputs"]["mp3"], e.get("sizes", {}).get("mp3", 0)) for e in entries]


def refresh_index(out_dir: Path, settings: Settings) -> None:
    """index.html written again from the build's manifest (its published articles) and the
    editions on disk: after an edition is made or replaced, outside a build."""
    from .edition.publish import edition_episodes
    from .manifest import OUTPUT_FORMAT, load_manifest, outputs_intact
    from .pages import index_page, site_for

    entries, _ = load_manifest(out_dir, OUTPUT_FORMAT)
    published = [
        e
        for e in entries.values()
        if "page" in (e.get("outputs") or {})
        and (e.get("status") in ("built", "unchanged") or outputs_intact(out_dir, e))
    ]
    page = index_page(index_episodes(published), site_for(settings), edition_episodes(out_dir))
    write_atomic(out_dir / "index.html", page)


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
    from .edition.publish import edition_episodes
    from .feed import FeedEpisode, podcast_feed
    from .pages import PLAYLIST_FILE, index_page, playlist_script, site_for, write_static

    published = entries
    site = site_for(settings)
    write_static(out_dir)

    def date(entry: dict[str, Any]) -> dt.date | None:
        return dt.date.fromisoformat(entry["date"]) if entry.get("date") else None

    episodes_on_page = index_episodes(published)
    write_atomic(out_dir / PLAYLIST_FILE, playlist_script(episodes_on_page, site))
    write_atomic(out_dir / "index.html", index_page(episodes_on_page, site, edition_episodes(out_dir)))
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
                transcript_json=e["outputs"].get("transcript_json"),  # an older build's entry has none
                chapters=[(c["title"], c["start_ms"]) for c in e.get("chapters", [])],
                references=[(r["text"], r.get("url")) for r in e.get("references", [])],
                author=e.get("author"),
                source_date=None if e.get("date") else _source_date(out_dir, e),
            )
        )
    write_atomic(out_dir / "feed.xml", podcast_feed(settings.feed, settings.publication, episodes, target.name))


def _source_date(out_dir: Path, entry: dict[str, Any]) -> dt.datetime | None:
    """An undated article's pubDate: when its source was last changed, as the build recorded it
    (`source_dates`). An entry that has none (given by a caller that never recorded one) falls
    back to when its audio was written, which at least stays put between builds."""
    recorded = read_source_date(entry.get("source_date"))
    if recorded is not None:
        return recorded
    try:
        return dt.datetime.fromtimestamp((out_dir / entry["outputs"]["mp3"]).stat().st_mtime, dt.UTC)
    except (OSError, OverflowError, ValueError):
        return None


def channel_cover_image(settings: Settings, articles_dir: Path, follow_links: bool) -> CoverImage | None:
    """The `[feed] image` named in audiobook.toml, read inside the archive like article covers."""
    if not settings.feed.image:
        return None
    path = articles_dir / settings.feed.image
    try:
        return read_cover(path, articles_dir, follow_links)
    except CoverError as exc:
        raise AudiobookError(f"{articles_dir / CONFIG_NAME}: [feed] image {path} {exc}") from None
