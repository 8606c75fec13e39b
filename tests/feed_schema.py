"""The feed schema as podcast apps and directories expect it, written as one table (`TAGS`):
where each tag may appear, how often, what its value and its attributes must be (RSS 2.0, Apple's
itunes namespace, Podcasting 2.0). `schema_problems` lists every way a feed breaks it."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime

from audiobook.feed import NAMESPACES

Check = Callable[[str], bool]


def url(value: str) -> bool:  # absolute, as feeds must give every link
    return re.fullmatch(r"https?://[^\s/]+/\S*", value) is not None


def rfc2822(value: str) -> bool:
    """RSS 2.0 dates: RFC 822/2822 with a day name and a numeric zone ("Mon, 02 Feb 2026 06:00:00 +0000")."""
    day, month = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)", "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    shape = rf"{day}, \d\d {month} \d{{4}} \d\d:\d\d:\d\d [+-]\d{{4}}"
    if not re.fullmatch(shape, value):
        return False
    try:
        return format_datetime(parsedate_to_datetime(value)) == value  # the day name agrees with the date
    except (TypeError, ValueError):
        return False


def a_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def one_of(*allowed: str) -> Check:
    return lambda value: value in allowed


def digits(value: str) -> bool:
    return re.fullmatch(r"\d+", value) is not None


def positive(value: str) -> bool:
    return digits(value) and int(value) > 0


def text(value: str) -> bool:
    return bool(value.strip())


def name(value: str) -> bool:  # podcast:person: "cannot be blank", at most 128 characters
    return text(value) and len(value) <= 128


def email(value: str) -> bool:
    return re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) is not None


def language(value: str) -> bool:
    return re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value) is not None


@dataclass(frozen=True)
class Tag:
    parent: str  # "channel" or "item"
    tag: str  # prefixed as in NAMESPACES: "itunes:type"
    count: str  # "1": exactly one; "?": at most one; "*": any number; "+": at least one
    value: Check | None = None  # what the node's text must be (None: no text expected)
    required: dict[str, Check] = field(default_factory=dict)  # attributes it must carry
    optional: dict[str, Check] = field(default_factory=dict)  # attributes it may carry; others are errors


TRANSCRIPTS = one_of(
    "text/vtt", "application/json", "application/x-subrip", "application/srt", "text/html", "text/plain"
)
TAGS: tuple[Tag, ...] = (
    # RSS 2.0: a channel's required elements; an item's title, enclosure, guid and date.
    Tag("channel", "title", "1", text),
    Tag("channel", "link", "1", url),
    Tag("channel", "description", "1", text),
    Tag("channel", "language", "1", language),
    Tag("channel", "lastBuildDate", "?", rfc2822),
    Tag("channel", "atom:link", "1", None, {"href": url, "rel": one_of("self"), "type": one_of("application/rss+xml")}),
    # Apple Podcasts.
    Tag("channel", "itunes:image", "1", None, {"href": url}),
    Tag("channel", "itunes:category", "+", None, {"text": text}),
    Tag("channel", "itunes:explicit", "1", one_of("true", "false")),
    Tag("channel", "itunes:type", "1", one_of("episodic", "serial")),
    Tag("channel", "itunes:author", "?", text),
    # Podcasting 2.0.
    Tag("channel", "podcast:guid", "1", a_uuid),
    Tag("channel", "podcast:locked", "1", one_of("yes", "no"), optional={"owner": email}),
    Tag("channel", "podcast:medium", "?", one_of("podcast", "audiobook", "newsletter", "blog", "course")),
    Tag("channel", "item", "*"),
    Tag("item", "title", "1", text),
    Tag("item", "enclosure", "1", None, {"url": url, "length": positive, "type": one_of("audio/mpeg", "audio/mp4")}),
    Tag("item", "guid", "1", text, optional={"isPermaLink": one_of("true", "false")}),
    Tag("item", "pubDate", "1", rfc2822),
    Tag("item", "link", "?", url),
    Tag("item", "itunes:duration", "1", digits),
    Tag("item", "itunes:image", "?", None, {"href": url}),
    Tag("item", "itunes:explicit", "?", one_of("true", "false")),
    Tag("item", "itunes:episodeType", "?", one_of("full", "trailer", "bonus")),
    Tag("item", "itunes:episode", "?", positive),
    Tag("item", "podcast:chapters", "?", None, {"url": url, "type": one_of("application/json+chapters")}),
    Tag("item", "podcast:transcript", "*", None, {"url": url, "type": TRANSCRIPTS},
        optional={"language": language, "rel": name}),
    Tag("item", "podcast:person", "*", name, optional={"role": text, "group": text, "href": url, "img": url}),
)  # fmt: skip


def qualified(tag: str) -> str:
    prefix, _, local = tag.rpartition(":")
    return f"{{{NAMESPACES[prefix]}}}{local}" if prefix else local


def schema_problems(data: bytes) -> list[str]:
    """Every way the feed breaks `TAGS` (and RSS's own rules: version 2.0, unique item guids)."""
    root = ET.fromstring(data)
    problems = [] if root.tag == "rss" and root.get("version") == "2.0" else ["not <rss version=2.0>"]
    channels = root.findall("channel")
    if len(channels) != 1:
        return [*problems, f"{len(channels)} channels"]
    parents = {"channel": channels, "item": channels[0].findall("item")}
    for rule in TAGS:
        for number, parent in enumerate(parents[rule.parent], start=1):
            where = f"{rule.parent}[{number}] {rule.tag}"
            found = parent.findall(qualified(rule.tag))
            allowed = {"1": (1, 1), "?": (0, 1), "*": (0, 10**9), "+": (1, 10**9)}[rule.count]
            if not allowed[0] <= len(found) <= allowed[1]:
                problems.append(f"{where}: {len(found)} found")
            for element in found:
                if rule.value is not None and not rule.value(element.text or ""):
                    problems.append(f"{where}: value {element.text!r}")
                for attribute in rule.required:
                    if attribute not in element.attrib:
                        problems.append(f"{where}: no {attribute}")
                for attribute, value in element.attrib.items():
                    check = rule.required.get(attribute) or rule.optional.get(attribute)
                    if check is None:
                        problems.append(f"{where}: unknown attribute {attribute}")
                    elif not check(value):
                        problems.append(f"{where}: {attribute}={value!r}")
    guids = [item.findtext("guid") for item in parents["item"]]
    problems += [f"item guid {g!r} repeated" for g in sorted({g for g in guids if guids.count(g) > 1})]
    return problems
