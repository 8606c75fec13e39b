"""The podcast feed: RSS 2.0 with the itunes and Podcasting 2.0 namespaces.

Built with ElementTree, so every title and summary is escaped whatever it contains; characters
XML cannot carry at all (control characters) are dropped first.

The channel says what apps and directories ask of a show: podcast:guid (its id for life),
podcast:medium, podcast:locked, itunes:explicit and itunes:type; each item names the article's
authors as podcast:person (group "writing", role "author": prose read verbatim, as the Podcast
Taxonomy defines it) and always has a pubDate (an undated article's is when its source file was
last changed: `source_dates`).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import format_datetime

from .errors import AudiobookError
from .formats import format_for_file, output_format
from .settings import FeedSettings
from .timeline import clock, timestamp

NAMESPACES = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
    "psc": "http://podlove.org/simple-chapters",
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Podcasting 2.0 (docs/tags/guid.md): podcast:guid is the UUIDv5 of the feed's URL, without its
# scheme and trailing slashes, in this namespace (its examples: "podnews.net/rss" gives
# 9b024349-ccf0-5f69-a609-6b82873eab3c).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
MAX_PERSON_CHARS = 128  # podcast:person: "may be truncated by aggregators" past this
_BYLINE = re.compile(r"^by\s+", re.IGNORECASE)
_BETWEEN_PEOPLE = re.compile(r"\s*;\s*|\s+(?:and|&)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class FeedEpisode:
    guid: str
    title: str
    summary: str | None
    date: dt.date | None
    duration_ms: int
    mp3: str  # file names in the output folder (``mp3``: the audio file, whatever its container)
    mp3_bytes: int
    page: str
    image: str
    chapters_file: str
    transcript: str
    chapters: Sequence[tuple[str, int]] = ()  # (title, start ms)
    references: Sequence[tuple[str, str | None]] = field(default=())  # (text, url)
    transcript_json: str | None = None  # the Podcasting 2.0 JSON transcript (word by word)
    author: str | None = None  # the article's byline, as written ("Ana Lima and Joe Roe")
    source_date: dt.datetime | None = None  # when the source was last changed: the pubDate when ``date`` is None

    @property
    def published(self) -> dt.datetime:
        """The item's pubDate: its article's date (at 06:00 UTC), else when its source was changed."""
        if self.date:
            return dt.datetime(self.date.year, self.date.month, self.date.day, 6, 0, tzinfo=dt.UTC)
        return (self.source_date or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)


def podcast_guid(feed_url: str) -> str:
    """The channel's podcast:guid for a feed served at ``feed_url``."""
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, _SCHEME.sub("", feed_url).rstrip("/")))


def people(byline: str | None) -> list[str]:
    """The names in a byline: "By Ana Lima, Joe Roe and Bo Li" → three names. Commas separate
    names only in a list that also has "and", "&" or ";" ("Ana Lima, Staff Writer" is one)."""
    text = _BYLINE.sub("", " ".join(_text(byline).split()))
    parts = _BETWEEN_PEOPLE.split(text)
    if len(parts) > 1:
        parts = [name for part in parts for name in part.split(",")]
    names: list[str] = []
    for part in parts:
        name = part.strip(" ,")
        if len(name) > MAX_PERSON_CHARS:
            name = name[: MAX_PERSON_CHARS - 1].rstrip() + "…"
        if name and name not in names:
            names.append(name)
    return names


def _text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def _sub(parent: ET.Element, tag: str, value: str | None = None, /, **attributes: str) -> ET.Element:
    prefix, _, name = tag.rpartition(":")
    qualified = f"{{{NAMESPACES[prefix]}}}{name}" if prefix else name
    element = ET.SubElement(parent, qualified, {k: _text(v) for k, v in attributes.items()})
    if value is not None:
        element.text = _text(value)
    return element


def show_notes(episode: FeedEpisode) -> str:
    """content:encoded: the summary, the chapter list and the references as links (HTML)."""
    parts = []
    if episode.summary:
        parts.append(f"<p>{html.escape(episode.summary)}</p>")
    if episode.chapters:
        items = "".join(f"<li>{clock(start)} {html.escape(title)}</li>" for title, start in episode.chapters)
        parts.append(f"<h3>Chapters</h3><ol>{items}</ol>")
    if episode.references:
        items = "".join(
            f'<li><a href="{html.escape(url, quote=True)}">{html.escape(text)}</a></li>'
            if url
            else f"<li>{html.escape(text)}</li>"
            for text, url in episode.references
        )
        parts.append(f"<h3>References</h3><ol>{items}</ol>")
    return "".join(parts)


def podcast_feed(channel: FeedSettings, publication: str, episodes: Sequence[FeedEpisode], image: str) -> bytes:
    """The whole feed, newest episode first; ``image`` is the channel cover's file name."""
    if not channel.base_url:
        raise AudiobookError(
            "the podcast feed needs [feed] base_url in audiobook.toml "
            "(the address where the output folder will be served)"
        )
    base = channel.base_url.rstrip("/") + "/"
    for prefix, uri in NAMESPACES.items():
        ET.register_namespace(prefix, uri)
    rss = ET.Element("rss", {"version": "2.0"})
    ch = _sub(rss, "channel")
    _sub(ch, "title", channel.title or publication)
    _sub(ch, "link", base + "index.html")
    _sub(ch, "description", channel.description)
    _sub(ch, "language", channel.language)
    _sub(ch, "generator", "audiobook")
    _sub(ch, "atom:link", href=base + "feed.xml", rel="self", type="application/rss+xml")
    newest = max((e.published for e in episodes), default=None)
    if newest:
        _sub(ch, "lastBuildDate", format_datetime(newest))
    picture = _sub(ch, "image")
    _sub(picture, "url", base + image)
    _sub(picture, "title", channel.title or publication)
    _sub(picture, "link", base + "index.html")
    _sub(ch, "itunes:image", href=base + image)
    _sub(ch, "itunes:author", channel.author or publication)
    _sub(ch, "itunes:summary", channel.description)
    if channel.email or channel.author:
        owner = _sub(ch, "itunes:owner")
        _sub(owner, "itunes:name", channel.author or publication)
        if channel.email:
            _sub(owner, "itunes:email", channel.email)
    _sub(ch, "itunes:category", text=channel.category)
    _sub(ch, "itunes:explicit", "true" if channel.explicit else "false")
    _sub(ch, "itunes:type", channel.show_type)
    _sub(ch, "podcast:guid", channel.guid or podcast_guid(base + "feed.xml"))
    _sub(ch, "podcast:medium", channel.medium)
    verified_by = {"owner": channel.email} if channel.email else {}  # who may unlock a move
    _sub(ch, "podcast:locked", "yes" if channel.locked else "no", **verified_by)

    # Episodic shows list the newest first; serial ones are heard in order, so Apple wants them
    # oldest first and numbered (adding an article older than the others renumbers those after it).
    serial = channel.show_type == "serial"
    in_order = sorted(episodes, key=lambda e: (e.published, e.title))
    for number, episode in enumerate(in_order if serial else in_order[::-1], start=1):
        item = _sub(ch, "item")
        _sub(item, "title", episode.title)
        _sub(item, "link", base + episode.page)
        _sub(item, "description", episode.summary or episode.title)
        _sub(item, "content:encoded", show_notes(episode))
        mime = (format_for_file(episode.mp3) or output_format()).mime
        _sub(item, "enclosure", url=base + episode.mp3, length=str(episode.mp3_bytes), type=mime)
        _sub(item, "guid", episode.guid, isPermaLink="false")
        _sub(item, "pubDate", format_datetime(episode.published))
        _sub(item, "itunes:duration", str(round(episode.duration_ms / 1000)))
        _sub(item, "itunes:image", href=base + episode.image)
        _sub(item, "itunes:episodeType", "full")
        if serial:
            _sub(item, "itunes:episode", str(number))
        _sub(item, "itunes:explicit", "true" if channel.explicit else "false")
        for name in people(episode.author):
            _sub(item, "podcast:person", name, group="writing", role="author")
        _sub(item, "podcast:chapters", url=base + episode.chapters_file, type="application/json+chapters")
        # The same chapters inline, as Podlove Simple Chapters: apps such as gPodder (podcastparser
        # 0.6) read these, and know the Podcasting 2.0 namespace only by an older URI.
        if episode.chapters:
            simple = _sub(item, "psc:chapters", version="1.2")
            for title, start in episode.chapters:
                _sub(simple, "psc:chapter", start=timestamp(start), title=title)
        _sub(item, "podcast:transcript", url=base + episode.transcript, type="text/vtt")
        if episode.transcript_json:
            _sub(item, "podcast:transcript", url=base + episode.transcript_json, type="application/json")
    ET.indent(rss)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"
