"""The web player: an HTML page per article (player bar, chapters, transcript), an embeddable
player page, and the archive index. Jinja2 with autoescaping: every article string is escaped.

Pages work from file:// and any static host: no CDN, no web fonts, no fetch (the transcript is
in the page); the shared player.js and player.css are written next to them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from .cache import content_key
from .files import write_atomic
from .model import Article, short_title
from .normalize import MONTHS
from .settings import Settings
from .timeline import Cue, Timeline, clock

STATIC_FILES = ("player.js", "player.css")
# The archive's episode list for the player's previous/next and the index's queue: a script, not
# JSON, because pages opened from file:// may not fetch. publish_archive writes the real one.
PLAYLIST_FILE = "playlist.js"
EMPTY_PLAYLIST = "window.audiobookPlaylist = null;\n"


@dataclass(frozen=True)
class Site:
    publication: str
    language: str = "en"
    description: str = ""
    base_url: str | None = None  # where the output folder is served; None: links stay relative
    feed: bool = False


@dataclass(frozen=True)
class Episode:
    """What the index needs about one article."""

    title: str
    page: str
    date: dt.date | None
    duration_ms: int
    audio: str = ""
    audio_bytes: int = 0

    @classmethod
    def from_manifest(cls, entry: dict, audio: str, audio_bytes: int = 0) -> Episode:
        """An article's or an edition's manifest entry as the index lists it."""
        return cls(
            title=entry["title"],
            page=entry["outputs"]["page"],
            date=dt.date.fromisoformat(entry["date"]) if entry.get("date") else None,
            duration_ms=entry["duration_ms"],
            audio=audio,
            audio_bytes=audio_bytes,
        )


def site_for(settings: Settings) -> Site:
    return Site(
        publication=settings.publication,
        language=settings.feed.language,
        description=settings.feed.description,
        base_url=settings.feed.base_url,
        feed=bool(settings.feed.base_url),
    )


def long_date(date: dt.date) -> str:
    return f"{MONTHS[date.month - 1]} {date.day}, {date.year}"


def fragment_time(ms: int) -> str:
    """A time for a ``#t=`` link (Media Fragments' npt): the clock, and its milliseconds when it
    has any, so a chapter's link lands on the chapter, not just before it."""
    return clock(ms) + (f".{ms % 1000:03d}" if ms % 1000 else "")


@cache
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(
        loader=PackageLoader("audiobook", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["clock"] = clock
    environment.filters["fragment"] = fragment_time
    environment.filters["longdate"] = long_date
    return environment


@cache
def design_key() -> str:
    """A digest of the page templates: an article's page is made again when they change (a new
    release's player markup), even if nothing else about the article did."""
    folder = resources.files("audiobook").joinpath("templates")
    templates = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".html")), key=lambda e: e.name)
    return content_key(*(part for entry in templates for part in (entry.name, entry.read_bytes())))


def static_file(name: str) -> bytes:
    return resources.files("audiobook").joinpath("static", name).read_bytes()


def write_static(out_dir: Path) -> None:
    """player.js and player.css beside the pages (rewritten only when they differ)."""
    for name in STATIC_FILES:
        data = static_file(name)
        target = out_dir / name
        if not target.is_file() or target.read_bytes() != data:
            write_atomic(target, data)
    if not (out_dir / PLAYLIST_FILE).is_file():  # a page converted alone still finds its script
        write_atomic(out_dir / PLAYLIST_FILE, EMPTY_PLAYLIST)


def _attribute(value: str) -> str:
    """``value`` fit for a double-quoted HTML attribute (only & and " need it; fewer changes)."""
    return value.replace("&", "&amp;").replace('"', "&quot;")


# The player reports its height (it wraps to two rows on a phone); the host page sizes its frame.
EMBED_RESIZER = (
    '<script>addEventListener("message",function(e){var h=e.data&&e.data.audiobookHeight;'
    'if(typeof h!=="number"||h<40||h>400)return;var f=document.getElementsByTagName("iframe");'
    'for(var i=0;i<f.length;i++)if(f[i].contentWindow===e.source)f[i].style.height=Math.ceil(h)+"px"})</script>'
)


def embed_code(site: Site, slug: str, title: str) -> str:
    """The snippet other sites paste: the frame and the few lines that size it to the player's
    height. Built as a string (the page then escapes it once more, as text), so each value is
    escaped here — base_url too, although the settings refuse quotes in it."""
    source = f"{site.base_url.rstrip('/')}/{slug}.embed.html" if site.base_url else f"{slug}.embed.html"
    return EMBED_RESIZER + (
        f'<iframe src="{_attribute(source)}" title="Audio edition: {_attribute(title)}" loading="lazy" '
        'style="width:100%;height:76px;border:0"></iframe>'
    )


def _player_context(article: Article, timeline: Timeline, site: Site, audio: str, cover: str) -> dict:
    return {
        "cover": cover,
        "title": article.title,
        "language": article.language,
        "publication": site.publication,
        "mp3": audio,  # the template's name for the audio file, whatever its container
        "duration_ms": max(timeline.duration_ms, 1),
        "duration_s": f"{timeline.duration_ms / 1000:.3f}",
        "duration_clock": clock(timeline.duration_ms),
        "chapters": timeline.chapters,
        "feed": site.feed,
    }


def transcript_parts(timeline: Timeline) -> list[dict]:
    """The transcript by chapter: its heading (the chapter's spoken title, when the narration opens
    with it, so it is not run into the paragraph after it) and its paragraphs, cut where the pause
    between two sentences is longer than the usual one (paragraph, list item and heading pauses)."""
    gaps = [b.start_ms - a.end_ms for a, b in zip(timeline.cues, timeline.cues[1:], strict=False)]
    sentence_gap = min((gap for gap in gaps if gap >= 50), default=0)  # the shortest pause narrated
    paragraph_gap = sentence_gap + 100  # list items (450 ms by default) stand apart too
    parts = []
    for number, chapter in enumerate(timeline.chapters):
        cues = [c for c in timeline.cues if c.chapter == number]
        heading = None
        if cues and short_title(" ".join(cues[0].caption.split())) == chapter.title:
            heading, cues = cues[0], cues[1:]
        paragraphs: list[list[Cue]] = []
        for previous, cue in zip([None, *cues], cues, strict=False):
            if previous is None or cue.start_ms - previous.end_ms > paragraph_gap:
                paragraphs.append([])
            paragraphs[-1].append(cue)
        parts.append(
            {"title": chapter.title, "start_ms": chapter.start_ms, "heading": heading, "paragraphs": paragraphs}
        )
    return parts


def article_page(
    article: Article, timeline: Timeline, slug: str, cover: str, site: Site, audio: str, transcript_file: str
) -> str:
    """The article's page; ``cover``, ``audio`` and ``transcript_file`` name its image, audio and
    WebVTT files."""
    return (
        _environment()
        .get_template("article.html")
        .render(
            **_player_context(article, timeline, site, audio, cover),
            author=article.author,
            date=article.date,
            summary=article.summary,
            transcript=transcript_parts(timeline),
            transcript_file=transcript_file,
            embed_code=embed_code(site, slug, article.title),
        )
    )


def embed_page(article: Article, timeline: Timeline, site: Site, audio: str, cover: str) -> str:
    return _environment().get_template("embed.html").render(**_player_context(article, timeline, site, audio, cover))


def index_order(episodes: Sequence[Episode]) -> list[Episode]:
    """Newest first: the index's order, and so the playlist's."""
    return sorted(episodes, key=lambda e: (e.date or dt.date.min, e.title), reverse=True)


def playlist_script(episodes: Sequence[Episode], site: Site) -> str:
    """playlist.js: the episodes in index order, as the pages' script reads them. JSON inside a
    script: "<" is escaped so no title can close the script element."""
    data = {
        "publication": site.publication,
        "episodes": [
            {"title": e.title, "page": e.page, "audio": e.audio, "bytes": e.audio_bytes, "duration_ms": e.duration_ms}
            for e in index_order(episodes)
        ],
    }
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.audiobookPlaylist = {text};\n"


def index_page(episodes: Sequence[Episode], site: Site, editions: Sequence[Episode] = ()) -> str:
    """The archive's front page: its articles, and the editions made of them (each its player page)."""
    newest_first = index_order(episodes)
    return (
        _environment()
        .get_template("index.html")
        .render(
            publication=site.publication,
            language=site.language,
            description=site.description,
            feed=site.feed,
            episodes=newest_first,
            editions=index_order(editions),
        )
    )
