"""Editions: many built articles as one chaptered file (MP3 and/or M4B), its page and its feed.

    build_edition(archive, out_dir, title=…, since=…, until=…, tag=…, order=…, formats=…)

1. The archive is brought up to date by the ordinary build (`build.build_archive`): an article
   not built yet is built the usual way, through the clip cache; a built one is not touched.
2. The articles are chosen from the build's manifest (by date, tag or name) and ordered
   (`select`).
3. An edition whose articles, options and settings did not change is not made again: its own
   manifest (``<slug>.edition.json``) holds a key over all of them, and its files' sizes.
4. Otherwise its audio is laid out (`layout`): a spoken opening (the edition's title and
   contents, converted like an article, so its sentences come from the clip cache the second
   time), then each article's MP3 frames after a silent gap. The MP3 edition copies those frames
   (no re-encoding); the M4B encodes each piece to AAC once, in parallel, cached by its MP3's content, and joins
   the pieces' packets (`m4b`, `formats.m4b`) — or finds them made by the build from the master
   (`[edition] formats` with "m4b": `pieces`).
5. Everything is written together (all or nothing): the audio, Podcasting 2.0 chapters, a WebVTT
   transcript (the articles' cues moved to their place), the player page, the edition manifest;
   then the editions feed (``editions.xml``, beside the articles' ``feed.xml``) lists every edition
   (`publish`), and so does the archive's index. The same choice of articles made before under
   another title is that edition's old files: they are removed (`publish.remove_retitled`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..cache import ClipCache, content_key
from ..config import load_settings
from ..errors import AudiobookError
from ..files import slugify, write_atomic, write_together
from ..formats import TagInfo
from ..formats.mp3 import SAMPLES_PER_FRAME
from ..manifest import outputs_intact, remove_outputs
from ..model import short_title
from ..publish import refresh_index
from ..settings import Settings
from ..timeline import ChapterMark, clock
from .layout import GAP_MS, EditionChapter, Layout, Segment, article_frames, flat_chapters, gap_stream, lay_out
from .publish import (
    EDITION_FORMAT,
    chapters_json,
    chapters_of,
    page,
    publish_editions,
    read_edition,
    remove_retitled,
    transcript,
)
from .select import ORDERS, built_entries, choice_id, default_title, select

CONTAINERS = {"mp3": ".edition.mp3", "m4b": ".edition.m4b"}


@dataclass(frozen=True)
class EditionReport:
    title: str
    slug: str
    status: str  # built | unchanged
    articles: tuple[str, ...]  # sources, in the edition's order
    outputs: dict[str, str]  # kind → file name in the output folder
    duration_ms: int
    chapters: tuple[EditionChapter, ...]
    gap_ms: int
    synthesized: int  # sentences spoken for this edition (its opening; the articles': by the build)
    articles_synthesized: int  # sentences the build spoke for articles that were not built yet
    seconds: float
    warnings: tuple[str, ...] = ()  # articles left out because their build failed, each one line
    m4b_encoded: int = 0  # pieces (opening, articles) encoded to AAC now; the others came from the cache

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "chapters": [asdict(c) for c in self.chapters]}


def build_edition(
    archive: Path | str,
    out_dir: Path | str,
    *,
    title: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    tag: str | None = None,
    names: Sequence[str] = (),
    order: str = "newest",
    formats: Sequence[str] | None = None,
    overrides: dict[str, Any] | None = None,
    jobs: int | None = None,
    cache_dir: Path | str | None = None,
    on_event: Callable[[str, dict[str, Any]], None] | None = None,
) -> EditionReport:
    """Make (or keep, when nothing changed) one edition of the archive's articles in ``out_dir``.

    ``names``: articles by file name (relative to the archive); with ``order="given"`` they are
    played in that order. ``formats``: "mp3" and/or "m4b" (default: the archive's ``[edition]
    formats``)."""
    from ..build import build_archive, build_lock

    started = time.perf_counter()
    archive, out_dir = Path(archive), Path(out_dir)
    if formats is None:
        formats = load_settings(archive).with_overrides(**(overrides or {})).edition.formats
    if order not in ORDERS:
        raise AudiobookError(f"order {order!r}: expected one of {', '.join(ORDERS)}")
    unknown = [f for f in formats if f not in CONTAINERS]
    if unknown or not formats:
        raise AudiobookError(f"format {', '.join(unknown) or '(none)'}: expected mp3, m4b or both")
    if order == "given" and not names:
        raise AudiobookError("--order given needs the articles named (--article), in the order wanted")
    build = build_archive(archive, out_dir, overrides=overrides, jobs=jobs, cache_dir=cache_dir, on_event=on_event)
    # The articles' files are read and the edition written under the build's lock: a build started
    # meanwhile waits, so it cannot replace an article's MP3 while its frames are being copied.
    with build_lock(out_dir, wait_for_lock=True):
        return _edition(
            archive,
            out_dir,
            build,
            title,
            since,
            until,
            tag,
            names,
            order,
            formats,
            overrides,
            cache_dir,
            jobs,
            started,
        )


def _edition(
    archive: Path,
    out_dir: Path,
    build: Any,
    title: str | None,
    since: dt.date | None,
    until: dt.date | None,
    tag: str | None,
    names: Sequence[str],
    order: str,
    formats: Sequence[str],
    overrides: dict[str, Any] | None,
    cache_dir: Path | str | None,
    jobs: int | None,
    started: float,
) -> EditionReport:
    settings = load_settings(archive).with_overrides(**(overrides or {}))
    failed = {a.source: a.error for a in build.articles if a.status == "failed"}
    entries = built_entries(out_dir)
    chosen = select(entries, archive, names=names, since=since, until=until, tag=tag, order=order, failed=failed)
    title = short_title(" ".join((title or default_title(settings, chosen)).split()))  # a label: tags, slug
    warnings = tuple(
        f"{archive / source}: left out of the edition, its build failed ({error})"
        for source, error in sorted(failed.items())
    )
    if not title:
        raise AudiobookError("the edition's title is empty")
    slug = slugify(title)
    key = content_key(
        EDITION_FORMAT,
        __version__,
        title,
        repr(settings),
        ",".join(formats),
        _m4b_settings() if "m4b" in formats else "",
        json.dumps([[e["source"], e["hashes"], e["sizes"]["mp3"], e["title"]] for e in chosen], sort_keys=True),
    )
    spoken_for_articles = sum(a.synthesized for a in build.articles)
    manifest_path = out_dir / f"{slug}.edition.json"
    previous = read_edition(manifest_path)
    if previous and previous.get("key") == key and outputs_intact(out_dir, previous):
        return _report(previous, "unchanged", 0, spoken_for_articles, started, warnings)

    choice = choice_id(since, until, tag, names, order)
    entry, encoded = _make(out_dir, slug, title, chosen, settings, formats, key, choice, cache_dir, jobs)
    if previous:  # a container no longer asked for (--format both, then mp3) goes with the old edition
        remove_outputs(out_dir, previous, keep=set(entry["outputs"].values()))
    remove_retitled(out_dir, choice, slug)
    publish_editions(out_dir, settings)
    refresh_index(out_dir, settings)  # its "Editions" list
    return _report(entry, "built", entry["synthesized"], spoken_for_articles, started, warnings, encoded)


# --- making it -----------------------------------------------------------------------------------


def _make(
    out_dir: Path,
    slug: str,
    title: str,
    chosen: list[dict[str, Any]],
    settings: Settings,
    formats: Sequence[str],
    key: str,
    choice: str,
    cache_dir: Path | str | None,
    jobs: int | None,
) -> tuple[dict[str, Any], int]:
    from ..cover import title_card

    rate, bitrate = settings.sample_rate, settings.bitrate_kbps
    cover = title_card(title, settings.publication)
    opening, spoken = speak_opening(title, chosen, settings, cache_dir, cover)
    articles = [
        (
            e["title"],
            article_frames(out_dir / e["outputs"]["mp3"], rate, bitrate),
            [ChapterMark(c["title"], c["start_ms"], c["end_ms"]) for c in e.get("chapters", [])],
        )
        for e in chosen
    ]
    layout = lay_out(title, opening, articles, gap_stream(rate, bitrate), rate)
    summary = f"{_articles(len(chosen))}, {clock(layout.duration_ms)}: " + "; ".join(e["title"] for e in chosen)
    info = TagInfo(
        title=title,
        artist=settings.feed.author or settings.publication,
        album=settings.publication,
        date=max((e["date"] for e in chosen if e.get("date")), default=None),
        language=chosen[0].get("language") or "en",
        summary=summary,
        url=None,
        cover=cover,
        genre="Audiobook",
    )
    names = {kind: f"{slug}{suffix}" for kind, suffix in CONTAINERS.items() if kind in formats}
    names |= {"chapters": f"{slug}.edition.chapters.json", "transcript": f"{slug}.edition.vtt"}
    names |= {"cover": f"{slug}.edition.png", "page": f"{slug}.edition.html"}
    files: list[tuple[Path, Any]] = [
        (out_dir / names["chapters"], chapters_json(layout.chapters)),
        (out_dir / names["transcript"], transcript(out_dir, chosen, layout)),
        (out_dir / names["cover"], cover),
        (out_dir / names["page"], page(title, summary, layout, names, settings)),
    ]
    staged_m4b, encoded = None, 0
    try:
        if "m4b" in names:
            staged_m4b, encoded = _encode_m4b(out_dir, names["m4b"], layout, info, settings, cache_dir, jobs)
            files.append((out_dir / names["m4b"], _file_chunks(staged_m4b)))
        if "mp3" in names:
            from ..formats.id3 import build_nested_tag

            # A child CTOC per article, titled as it; its CHAPs titled to stand alone (flat readers).
            tag = build_nested_tag(info, [(c.title, flat_chapters([c])) for c in layout.chapters], layout.duration_ms)
            files.append((out_dir / names["mp3"], _chained(tag, layout)))
        entry = {
            "format": EDITION_FORMAT,
            "key": key,
            "choice": choice,
            "title": title,
            "slug": slug,
            "guid": f"urn:audiobook:edition:{content_key(slug)[:32]}",
            "date": info.date,
            "summary": summary,
            "articles": [e["source"] for e in chosen],
            "outputs": names,
            "duration_ms": layout.duration_ms,
            "gap_ms": round(layout.gap_frames * SAMPLES_PER_FRAME * 1000 / layout.rate, 3),
            "chapters": [asdict(c) for c in layout.chapters],
            "synthesized": spoken,
        }
        out_dir.mkdir(parents=True, exist_ok=True)
        write_together(files)
    finally:
        if staged_m4b:
            staged_m4b.unlink(missing_ok=True)
    entry["sizes"] = {kind: (out_dir / name).stat().st_size for kind, name in names.items()}
    write_atomic(out_dir / f"{slug}.edition.json", json.dumps(entry, ensure_ascii=False, indent=2) + "\n")
    return entry, encoded


def _chained(tag: bytes, layout: Layout):
    yield tag
    yield from layout.stream_chunks()


def _file_chunks(path: Path):
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            yield chunk


def _m4b_settings() -> str:
    from ..formats.m4b import aac_settings

    return aac_settings()


def _encode_m4b(
    out_dir: Path,
    name: str,
    layout: Layout,
    info: TagInfo,
    settings: Settings,
    cache_dir: Path | str | None,
    jobs: int | None,
) -> tuple[Path, int]:
    """The M4B, written into a hidden file beside its name (a killed build's leftover is removed
    like the others': ``.*.part``), and the pieces encoded for it (`m4b`)."""
    from .m4b import write_edition_m4b

    out_dir.mkdir(parents=True, exist_ok=True)
    handle, staged = tempfile.mkstemp(prefix=f".{name}.", suffix=".m4b.part", dir=out_dir)
    os.close(handle)
    path = Path(staged)
    cache = ClipCache(Path(cache_dir) if cache_dir else None)
    try:
        encoded = write_edition_m4b(path, layout, info, cache, settings.true_peak_dbtp, jobs)
    except BaseException:  # an interrupt too: no half-written file stays behind
        path.unlink(missing_ok=True)
        raise
    return path, encoded


def speak_opening(
    title: str, chosen: Sequence[dict[str, Any]], settings: Settings, cache_dir: Path | str | None, cover: bytes
) -> tuple[Segment, int]:
    """The opening chapter — the edition's title and its contents — spoken and mastered like an
    article (`convert_article`, through the clip cache); its MP3 frames and the sentences spoken now."""
    from ..convert import convert_article
    from ..cover import CoverImage
    from ..model import Article, Block

    items = tuple(
        f"{e['title']}" + (f", by {e['author']}" if e.get("author") else "") + f" ({_minutes(e['duration_ms'])})"
        for e in chosen
    )
    article = Article(
        source=Path(f"{slugify(title)}.edition"),
        kind="text",
        title=title,
        intro=(
            Block("paragraph", text=f"In this edition, {_articles(len(chosen))}:"),
            Block("list", items=items, ordered=True),
        ),
        language=chosen[0].get("language") or "en",
    )
    with tempfile.TemporaryDirectory(prefix="audiobook-edition-") as folder:
        result = convert_article(
            article,
            folder,
            settings,
            cache=ClipCache(Path(cache_dir) if cache_dir else None),
            slug="opening",
            cover=CoverImage(cover, "image/png", ".png"),  # the edition's: not drawn twice
        )
        segment = article_frames(result.audio_file, settings.sample_rate, settings.bitrate_kbps)
        data = b"".join(segment.chunks())
    return Segment(segment.frames, data=data), result.synthesized


def _minutes(ms: int) -> str:
    """A length as it is read out: "1 minute", "12 minutes" (a clock time would be read as one)."""
    minutes = max(1, round(ms / 60000))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _articles(count: int) -> str:
    return "one article" if count == 1 else f"{count} articles"


def _report(
    entry: dict[str, Any],
    status: str,
    spoken: int,
    spoken_for_articles: int,
    started: float,
    warnings: tuple = (),
    m4b_encoded: int = 0,
) -> EditionReport:
    chapters = chapters_of(entry)
    return EditionReport(
        title=entry["title"],
        slug=entry["slug"],
        status=status,
        articles=tuple(entry["articles"]),
        outputs=dict(entry["outputs"]),
        duration_ms=entry["duration_ms"],
        chapters=chapters,
        gap_ms=entry["gap_ms"],
        synthesized=spoken,
        articles_synthesized=spoken_for_articles,
        seconds=time.perf_counter() - started,
        warnings=warnings,
        m4b_encoded=m4b_encoded,
    )


__all__ = ["GAP_MS", "EditionReport", "build_edition", "select"]
