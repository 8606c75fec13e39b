"""The web player: an HTML page per article (player bar, chapters, transcript), an embeddable
player page, and the archive index. Jinja2 with autoescaping: every article string is escaped.

Pages work from file:// and any static host: no CDN, no web fonts, no fetch (the transcript is
in the page); the shared player.js and player.css are written next to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from .files import write_atomic
from .model import Article
from .normalize import MONTHS
from .settings import Settings
from .timeline import Timeline, clock

STATIC_FILES = ("player.js", "player.css")


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
    environment.filters["longdate"] = long_date
    return environment


def static_file(name: str) -> bytes:
    return resources.files("audiobook").joinpath("static", name).read_bytes()


def write_static(out_dir: Path) -> None:
    """player.js and player.css beside the pages (rewritten only when they differ)."""
    for name in STATIC_FILES:
        data = static_file(name)
        target = out_dir / name
        if not target.is_file() or target.read_bytes() != data:
            write_atomic(target, data)


def _attribute(value: str) -> str:
    """``value`` fit for a double-quoted HTML attribute (only & and " need it; fewer changes)."""
    return value.replace("&", "&amp;").replace('"', "&quot;")


def embed_code(site: Site, slug: str, title: str) -> str:
    """The snippet other sites paste: built as a string (the page then escapes it once more, as
    text), so each value is escaped here — base_url too, although the settings refuse quotes in it."""
    source = f"{site.base_url.rstrip('/')}/{slug}.embed.html" if site.base_url else f"{slug}.embed.html"
    return (
        f'<iframe src="{_attribute(source)}" title="Audio edition: {_attribute(title)}" loading="lazy" '
        'style="width:100%;height:76px;border:0"></iframe>'
    )


def _player_context(article: Article, timeline: Timeline, site: Site, audio: str) -> dict:
    return {
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


def article_page(article: Article, timeline: Timeline, slug: str, cover: str, site: Site, audio: str) -> str:
    """The article's page; ``cover`` and ``audio`` are the names of its image and audio files."""
    transcript = [
        {"title": chapter.title, "cues": [c for c in timeline.cues if c.chapter == number]}
        for number, chapter in enumerate(timeline.chapters)
    ]
    return (
        _environment()
        .get_template("article.html")
        .render(
            **_player_context(article, timeline, site, audio),
            author=article.author,
            date=article.date,
            summary=article.summary,
            cover=cover,
            transcript=transcript,
            embed_code=embed_code(site, slug, article.title),
        )
    )


def embed_page(article: Article, timeline: Timeline, site: Site, audio: str) -> str:
    return _environment().get_template("embed.html").render(**_player_context(article, timeline, site, audio))


def index_page(episodes: Sequence[Episode], site: Site) -> str:
    newest_first = sorted(episodes, key=lambda e: (e.date or dt.date.min, e.title), reverse=True)
    return (
        _environment()
        .get_template("index.html")
        .render(
            publication=site.publication,
            language=site.language,
            description=site.description,
            feed=site.feed,
            episodes=newest_first,
        )
    )
