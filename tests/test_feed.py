"""The podcast feed checked the way podcast apps and directories read it: feedparser and
podcastparser (as apps do), and a schema-level check of every tag the feed uses — written below
as one table (`TAGS`): where each may appear, how often, what its value and attributes must be.

The feed comes from a real build (real speech, real MP3 files) of a small archive written here."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import feedparser
import podcastparser
import pytest
from conftest import audiobook_command

from audiobook import AudiobookError
from audiobook.build import build_archive
from audiobook.config import load_settings
from audiobook.feed import NAMESPACES, people, podcast_guid
from audiobook.publish import publish_archive

BASE = "https://audio.example.org/feed-test/"
CONFIG = f"""publication = "Feed Test Weekly"
[feed]
base_url = "{BASE}"
email = "editor@example.org"
author = "Feed Test Weekly"
"""
PROSE = "An opening sentence. Another one follows.\n\n## A part\n\nSome words here. And more words.\n"


# --- the schema, as a table ------------------------------------------------------------------------

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


# --- a real archive ---------------------------------------------------------------------------------


def write_archive(articles: Path) -> None:
    articles.mkdir(parents=True)
    (articles / "audiobook.toml").write_text(CONFIG, encoding="utf-8")
    (articles / "pair.md").write_text(
        f"---\ntitle: Written by two\ndate: 2026-03-02\nauthor: By Ana Lima & Joe Roe\n---\n{PROSE}", encoding="utf-8"
    )
    (articles / "alone.md").write_text(
        f"---\ntitle: Written by one\ndate: 2026-01-15\nauthor: Maren Holt, Staff Writer\n---\n{PROSE}",
        encoding="utf-8",
    )
    # Plain text as copied from a page: no date, no author.
    (articles / "undated.txt").write_text(f"Undated and anonymous\n\n{PROSE.replace('## ', '')}", encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("feed")
    write_archive(root / "articles")
    report = build_archive(root / "articles", root / "out", cache_dir=root / "cache", jobs=1)
    assert report.ok and not report.warnings, report
    return root


def feed_of(site: Path) -> bytes:
    return (site / "out" / "feed.xml").read_bytes()


def manifest_entries(out: Path) -> list[dict]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["articles"]


def test_the_built_feed_meets_every_rule_of_the_schema_table(site):
    assert schema_problems(feed_of(site)) == []
    assert len(ET.fromstring(feed_of(site)).findall("channel/item")) == 3


@pytest.mark.parametrize(
    ("before", "after", "problem"),
    [
        (b'length="', b'lang="', "enclosure: no length"),
        (
            b"<itunes:explicit>false</itunes:explicit>",
            b"<itunes:explicit>no</itunes:explicit>",
            "itunes:explicit: value",
        ),
        (b"<itunes:type>episodic</itunes:type>", b"<itunes:type>daily</itunes:type>", "itunes:type: value"),
        (b">yes</podcast:locked>", b">maybe</podcast:locked>", "podcast:locked: value"),
        (b"<podcast:guid>", b"<podcast:guid>x", "podcast:guid: value"),
        (b' type="application/json+chapters"', b' type="application/json"', "podcast:chapters: type="),
        (b' type="text/vtt"', b"", "podcast:transcript: no type"),
        (b' role="author"', b' role="author" lang="en"', "podcast:person: unknown attribute lang"),
        (b"+0000</pubDate>", b"GMT+1</pubDate>", "pubDate: value"),
        (b"<language>en</language>", b"", "channel[1] language: 0 found"),
        (b'<itunes:image href="https://', b'<itunes:image href="ftp://', "itunes:image: href="),
    ],
)
def test_the_schema_table_catches_each_kind_of_breakage(site, before, after, problem):
    data = feed_of(site)
    assert before in data
    problems = schema_problems(data.replace(before, after, 1))
    assert any(problem in p for p in problems), problems


def test_the_schema_table_catches_a_repeated_item_guid(site):
    data = feed_of(site)
    guids = re.findall(rb"<guid isPermaLink=\"false\">([^<]+)</guid>", data)
    assert any("repeated" in p for p in schema_problems(data.replace(guids[1], guids[0])))


def test_podcast_apps_read_the_new_channel_tags(site):
    data = feed_of(site)
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    namespace = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")  # Podcasting 2.0's, for podcast:guid
    assert parsed.feed.podcast_guid == str(uuid.uuid5(namespace, "audio.example.org/feed-test/feed.xml"))
    assert parsed.feed.podcast_medium == "podcast" and parsed.feed.itunes_type == "episodic"
    assert parsed.feed.podcast_locked == {"owner": "editor@example.org"}  # feedparser keeps the attributes
    assert ET.fromstring(data).findtext("channel/" + qualified("podcast:locked")) == "yes"
    show = podcastparser.parse(BASE + "feed.xml", io.BytesIO(data))
    assert show["type"] == "episodic" and show["explicit"] is False and len(show["episodes"]) == 3


def test_each_author_of_a_byline_is_a_podcast_person_of_the_episode(site):
    items = {item.findtext("title"): item for item in ET.fromstring(feed_of(site)).iter("item")}

    def persons(title: str) -> list[tuple[str, str | None, str | None]]:
        return [(p.text, p.get("role"), p.get("group")) for p in items[title].iter(qualified("podcast:person"))]

    assert persons("Written by two") == [("Ana Lima", "author", "writing"), ("Joe Roe", "author", "writing")]
    assert persons("Written by one") == [("Maren Holt, Staff Writer", "author", "writing")]
    assert persons("Undated and anonymous") == []
    entry = next(e for e in feedparser.parse(feed_of(site)).entries if e.title == "Written by two")
    assert entry.podcast_person == {"group": "writing", "role": "author"}  # as apps read it


def test_every_item_has_a_date_and_an_undated_one_is_when_its_audio_was_made(site):
    entries = {e["title"]: e for e in manifest_entries(site / "out")}
    parsed = {e.title: e for e in feedparser.parse(feed_of(site)).entries}
    assert parsed["Written by two"].published == "Mon, 02 Mar 2026 06:00:00 +0000"
    undated = parsed["Undated and anonymous"]
    mp3 = site / "out" / entries["Undated and anonymous"]["outputs"]["mp3"]
    made = dt.datetime.fromtimestamp(int(mp3.stat().st_mtime), dt.UTC)
    assert parsedate_to_datetime(undated.published) == made
    # Newest first: the undated article's audio was made today, after both dated articles.
    assert [e.title for e in feedparser.parse(feed_of(site)).entries] == [
        "Undated and anonymous",
        "Written by two",
        "Written by one",
    ]


def test_a_serial_show_lists_its_episodes_oldest_first_and_numbered(site, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(site / "out", out)
    settings = load_settings(site / "articles")
    serial = replace(settings, feed=replace(settings.feed, show_type="serial", medium="newsletter", locked=False))
    publish_archive(out, serial, manifest_entries(out))
    data = (out / "feed.xml").read_bytes()
    assert schema_problems(data) == []
    show = podcastparser.parse(BASE + "feed.xml", io.BytesIO(data))
    assert show["type"] == "serial"
    assert [(e["number"], e["title"]) for e in show["episodes"]] == [
        (1, "Written by one"),
        (2, "Written by two"),
        (3, "Undated and anonymous"),
    ]
    assert feedparser.parse(data).feed.podcast_medium == "newsletter"
    assert ET.fromstring(data).findtext("channel/" + qualified("podcast:locked")) == "no"


def test_a_set_show_guid_outlives_a_move_to_a_new_base_url(site, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(site / "out", out)
    settings = load_settings(site / "articles")
    first = feedparser.parse(feed_of(site)).feed.podcast_guid
    moved = replace(settings, feed=replace(settings.feed, base_url="https://new-host.example.net/", guid=first))
    publish_archive(out, moved, manifest_entries(out))
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert parsed.feed.podcast_guid == first and parsed.feed.link.startswith("https://new-host.example.net/")


# --- the rules themselves ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("feed_url", "expected"),
    [
        # The namespace's own examples (docs/tags/guid.md), given with and without a scheme.
        ("mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
        ("https://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
        ("podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
        ("http://podnews.net/rss/", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
        ("https://podnews.net/rss//", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
    ],
)
def test_the_show_guid_follows_the_podcast_namespace(feed_url, expected):
    assert podcast_guid(feed_url) == expected


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Ana Lima", ["Ana Lima"]),
        ("By Ana Lima", ["Ana Lima"]),
        ("by Ana Lima and Joe Roe", ["Ana Lima", "Joe Roe"]),
        ("Ana Lima, Joe Roe, and Bo Li", ["Ana Lima", "Joe Roe", "Bo Li"]),
        ("Ana Lima; Joe Roe", ["Ana Lima", "Joe Roe"]),
        ("Ana Lima & Ana Lima", ["Ana Lima"]),
        ("Maren Holt, Staff Writer", ["Maren Holt, Staff Writer"]),
        ("Byron Smith", ["Byron Smith"]),
        ("  ", []),
        (None, []),
        ("x" * 300, ["x" * 127 + "…"]),
    ],
)
def test_a_byline_is_split_into_the_people_who_wrote_it(byline, names):
    assert people(byline) == names


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[feed]\ntype = "daily"\n', "feed 'type' must be one of episodic, serial"),
        ('[feed]\nmedium = "music"\n', "feed 'medium' must be one of podcast, audiobook"),
        ("[feed]\nmedium = 1\n", "feed 'medium' must be one of"),
        ('[feed]\nlocked = "yes"\n', "feed 'locked' must be true or false"),
        ('[feed]\nguid = "my-show"\n', "feed 'guid' must be a UUID"),
        ("[feed]\nguid = 5\n", "feed 'guid' must be a UUID"),
        ('[feed]\nowner = "x@example.org"\n', "[feed] unknown setting 'owner'"),
    ],
)
def test_a_bad_feed_setting_is_one_line_naming_the_file_and_the_setting(tmp_path, content, message):
    (tmp_path / "audiobook.toml").write_text(content, encoding="utf-8")
    with pytest.raises(AudiobookError) as error:
        load_settings(tmp_path)
    assert str(error.value).startswith(f"{tmp_path / 'audiobook.toml'}: ") and message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_bad_feed_setting_stops_the_build_before_any_output(tmp_path):
    articles = tmp_path / "articles"
    write_archive(articles)
    (articles / "audiobook.toml").write_text(CONFIG + 'type = "weekly"\n', encoding="utf-8")
    result = subprocess.run(
        audiobook_command("build", articles, "-o", tmp_path / "out"), capture_output=True, text=True
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"error: {articles / 'audiobook.toml'}: ") and "feed 'type' must be one of" in lines[0]
    assert not (tmp_path / "out" / "feed.xml").exists()


def test_a_repeated_feed_id_is_left_out_with_a_warning_and_the_feed_stays_valid(tmp_path):
    """End to end through the command: one article's front matter `guid` is another's `url`."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "audiobook.toml").write_text(CONFIG, encoding="utf-8")
    story = "https://example.org/story"
    (articles / "a.md").write_text(f"---\ntitle: The original\nurl: {story}\n---\n{PROSE}", encoding="utf-8")
    (articles / "b.md").write_text(f"---\ntitle: The copy\nguid: ' {story} '\n---\n{PROSE}", encoding="utf-8")
    (articles / "c.md").write_text(f"---\ntitle: Its own id\n---\n{PROSE}", encoding="utf-8")
    result = subprocess.run(
        audiobook_command("build", articles, "-o", tmp_path / "out", "--jobs", "1"), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert f"warning: b.md: its feed id '{story}' is already a.md's; left out of the feed" in result.stderr
    data = (tmp_path / "out" / "feed.xml").read_bytes()
    assert schema_problems(data) == []
    parsed = feedparser.parse(data)
    assert sorted(e.title for e in parsed.entries) == ["Its own id", "The original"]
    assert [e.id for e in parsed.entries if e.title == "The original"] == [story]


def test_the_feed_of_a_page_copied_as_plain_text_meets_the_schema(seed, tmp_path):
    """The seed articles (the project's own, and the shared fixture where it lies beside the
    clone): plain text has no date and its byline is not read, yet the item is complete."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "audiobook.toml").write_text(CONFIG, encoding="utf-8")
    shutil.copy(seed.path, articles / seed.path.name)
    report = build_archive(articles, tmp_path / "out", jobs=1)
    assert report.ok, report
    data = (tmp_path / "out" / "feed.xml").read_bytes()
    assert schema_problems(data) == []
    [episode] = podcastparser.parse(BASE + "feed.xml", io.BytesIO(data))["episodes"]
    assert episode["published"] > 0 and [c["title"] for c in episode["chapters"]] == seed.chapters
