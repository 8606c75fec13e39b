"""The podcast feed checked the way podcast apps and directories read it: feedparser and
podcastparser (as apps do), and a schema-level check of every tag the feed uses — the table in
`feed_schema.py`: where each may appear, how often, what its value and attributes must be.

The feed comes from a real build (real speech, real MP3 files) of a small archive written here."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import replace
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import feedparser
import podcastparser
import pytest
from conftest import audiobook_command
from feed_schema import qualified, schema_problems

from audiobook import AudiobookError
from audiobook.build import build_archive
from audiobook.config import load_settings
from audiobook.feed import people, podcast_guid
from audiobook.manifest import EARLIER_OUTPUT_FORMATS, MANIFEST, OUTPUT_FORMAT, load_manifest
from audiobook.publish import publish_archive
from audiobook.source_dates import SOURCE_DATE_EPOCH, source_date, source_date_epoch

BASE = "https://audio.example.org/feed-test/"
CONFIG = f"""publication = "Feed Test Weekly"
[feed]
base_url = "{BASE}"
email = "editor@example.org"
author = "Feed Test Weekly"
"""
PROSE = "An opening sentence. Another one follows.\n\n## A part\n\nSome words here. And more words.\n"


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
    # Plain text as copied from a page: no date, no author; its file last changed between the two.
    (articles / "undated.txt").write_text(f"Undated and anonymous\n\n{PROSE.replace('## ', '')}", encoding="utf-8")
    set_changed(articles / "undated.txt", UNDATED_CHANGED)


UNDATED_CHANGED = dt.datetime(2026, 2, 10, 8, 30, 15, tzinfo=dt.UTC)


def set_changed(path: Path, moment: dt.datetime) -> None:
    """Give a file a modification time (the date an undated article takes), to the nanosecond
    0.7 s past ``moment``: a date is whole seconds, cut down, never rounded up."""
    nanoseconds = int(moment.timestamp()) * 1_000_000_000 + 700_000_000
    os.utime(path, ns=(nanoseconds, nanoseconds))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("feed")
    write_archive(root / "articles")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(SOURCE_DATE_EPOCH, raising=False)  # the dates here are the files' own
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


def test_every_item_has_a_date_and_an_undated_one_is_when_its_source_was_last_changed(site):
    entries = {e["title"]: e for e in manifest_entries(site / "out")}
    parsed = feedparser.parse(feed_of(site)).entries
    dates = {e.title: e.published for e in parsed}
    assert dates["Written by two"] == "Mon, 02 Mar 2026 06:00:00 +0000"
    # Not when its audio was made (today): when its file was last changed, as recorded by the build.
    assert dates["Undated and anonymous"] == "Tue, 10 Feb 2026 08:30:15 +0000"
    assert parsedate_to_datetime(dates["Undated and anonymous"]) == UNDATED_CHANGED
    assert entries["Undated and anonymous"]["source_date"] == "2026-02-10T08:30:15+00:00"
    # Newest first: the undated article takes its place among the dated ones by that date.
    assert [e.title for e in parsed] == ["Written by two", "Undated and anonymous", "Written by one"]


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
        (2, "Undated and anonymous"),
        (3, "Written by two"),
    ]
    assert feedparser.parse(data).feed.podcast_medium == "newsletter"
    assert ET.fromstring(data).findtext("channel/" + qualified("podcast:locked")) == "no"


@pytest.mark.parametrize(
    ("feed_lines", "locked", "owner"),
    [
        ("", "yes", None),  # the default: a copied feed URL cannot be imported elsewhere
        ('email = "editor@example.org"\n', "yes", "editor@example.org"),  # the address a host verifies
        ('email = "editor@example.org"\nlocked = false\n', "no", "editor@example.org"),  # moving hosts
    ],
)
def test_the_feed_is_locked_unless_the_config_says_otherwise(site, tmp_path, feed_lines, locked, owner):
    articles, out = tmp_path / "articles", tmp_path / "out"
    articles.mkdir()
    shutil.copytree(site / "out", out)
    (articles / "audiobook.toml").write_text(f'[feed]\nbase_url = "{BASE}"\n{feed_lines}', encoding="utf-8")
    publish_archive(out, load_settings(articles), manifest_entries(out))
    data = (out / "feed.xml").read_bytes()
    assert schema_problems(data) == []
    tag = ET.fromstring(data).find("channel/" + qualified("podcast:locked"))
    assert (tag.text, tag.get("owner")) == (locked, owner)


def test_a_set_show_guid_outlives_a_move_to_a_new_base_url(site, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(site / "out", out)
    settings = load_settings(site / "articles")
    first = feedparser.parse(feed_of(site)).feed.podcast_guid
    moved = replace(settings, feed=replace(settings.feed, base_url="https://new-host.example.net/", guid=first))
    publish_archive(out, moved, manifest_entries(out))
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert parsed.feed.podcast_guid == first and parsed.feed.link.startswith("https://new-host.example.net/")


# --- undated articles: a date from the input (orchestration: the fake engine) ---------------------

FAKE_CONFIG = 'engine = "test-tones"\n' + CONFIG  # a tone per word: what is spoken does not matter here
OLDER_CHANGED = dt.datetime(2025, 11, 3, 14, 5, 9, tzinfo=dt.UTC)
NEWER_CHANGED = dt.datetime(2026, 4, 20, 21, 45, 30, tzinfo=dt.UTC)


def write_undated_archive(articles: Path) -> None:
    """Two pages copied as plain text (no dates), their files last changed months apart."""
    articles.mkdir(parents=True)
    (articles / "audiobook.toml").write_text(FAKE_CONFIG, encoding="utf-8")
    for name, title, moment in (
        ("older.txt", "The older page", OLDER_CHANGED),
        ("newer.txt", "The newer page", NEWER_CHANGED),
    ):
        (articles / name).write_text(f"{title}\n\n{PROSE.replace('## ', '')}", encoding="utf-8")
        set_changed(articles / name, moment)


def pub_dates(out: Path) -> dict[str, str]:
    return {e.title: e.published for e in feedparser.parse((out / "feed.xml").read_bytes()).entries}


@pytest.fixture
def undated(tmp_path, monkeypatch):
    monkeypatch.delenv(SOURCE_DATE_EPOCH, raising=False)
    write_undated_archive(tmp_path / "articles")
    return tmp_path


def test_two_fresh_builds_of_undated_articles_give_byte_identical_files(undated):
    articles = undated / "articles"
    first = build_archive(articles, undated / "one", cache_dir=undated / "cache-one", jobs=1)
    time.sleep(1.05)  # the second build runs in a later second: a date taken from the build would differ
    second = build_archive(articles, undated / "two", cache_dir=undated / "cache-two", jobs=2)
    assert first.ok and second.ok and first.count("built") == second.count("built") == 2
    names = sorted(p.name for p in (undated / "one").iterdir() if p.name != MANIFEST)  # it holds timings
    assert names == sorted(p.name for p in (undated / "two").iterdir() if p.name != MANIFEST)
    assert "feed.xml" in names
    for name in names:
        assert (undated / "one" / name).read_bytes() == (undated / "two" / name).read_bytes(), name
    assert pub_dates(undated / "one") == {
        "The newer page": format_datetime(NEWER_CHANGED),
        "The older page": format_datetime(OLDER_CHANGED),
    }
    # The index keeps undated articles undated, as before: it shows a date only where the article has one.
    assert "<time" not in (undated / "one" / "index.html").read_text(encoding="utf-8")


def test_touching_an_undated_source_re_dates_its_episode_without_converting_it_again(undated):
    articles, out = undated / "articles", undated / "out"
    build_archive(articles, out, cache_dir=undated / "cache", jobs=1)
    touched = dt.datetime(2026, 6, 1, 9, 0, 0, tzinfo=dt.UTC)
    set_changed(articles / "older.txt", touched)
    again = build_archive(articles, out, cache_dir=undated / "cache", jobs=1)
    assert again.count("unchanged") == 2 and again.count("built") == 0  # same bytes: nothing spoken again
    assert pub_dates(out) == {
        "The newer page": format_datetime(NEWER_CHANGED),
        "The older page": format_datetime(touched),
    }
    assert [e.title for e in feedparser.parse((out / "feed.xml").read_bytes()).entries][0] == "The older page"
    entries = {e["source"]: e for e in manifest_entries(out)}
    assert entries["older.txt"]["source_date"] == "2026-06-01T09:00:00+00:00"


def test_source_date_epoch_caps_the_date_of_a_source_changed_after_it(undated, monkeypatch):
    cap = dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=dt.UTC)  # between the two files' times
    monkeypatch.setenv(SOURCE_DATE_EPOCH, str(int(cap.timestamp())))
    report = build_archive(undated / "articles", undated / "out", cache_dir=undated / "cache", jobs=1)
    assert report.ok
    # The newer file is dated at the cap; the older one, changed before it, keeps its own time.
    assert pub_dates(undated / "out") == {
        "The newer page": format_datetime(cap),
        "The older page": format_datetime(OLDER_CHANGED),
    }


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5", " 1700000000", "253402300800", "１７"])
def test_a_malformed_source_date_epoch_stops_the_build_before_any_output(undated, monkeypatch, value):
    monkeypatch.setenv(SOURCE_DATE_EPOCH, value)
    with pytest.raises(AudiobookError) as error:
        build_archive(undated / "articles", undated / "out", cache_dir=undated / "cache", jobs=1)
    message = str(error.value)
    assert message.startswith(f"{SOURCE_DATE_EPOCH}={value!r}: not a whole number of seconds") and "\n" not in message
    assert not (undated / "out").exists()


def test_a_malformed_source_date_epoch_is_one_line_from_the_command(undated):
    environment = {**os.environ, SOURCE_DATE_EPOCH: "last tuesday"}
    result = subprocess.run(
        audiobook_command("build", undated / "articles", "-o", undated / "out"),
        capture_output=True,
        text=True,
        env=environment,
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and "Traceback" not in result.stderr
    assert (
        lines[0]
        == f"error: {SOURCE_DATE_EPOCH}='last tuesday': not a whole number of seconds since 1970 (0 to 253402300799)"
    )
    assert not (undated / "out").exists()


def test_a_manifest_from_before_source_dates_loads_and_its_articles_are_dated(undated):
    articles, out = undated / "articles", undated / "out"
    build_archive(articles, out, cache_dir=undated / "cache", jobs=1)
    feed = (out / "feed.xml").read_bytes()
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for entry in manifest["articles"]:
        del entry["source_date"]  # as a build before the field wrote it
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    entries, problem = load_manifest(out, OUTPUT_FORMAT, EARLIER_OUTPUT_FORMATS)
    assert problem is None and sorted(entries) == ["newer.txt", "older.txt"]
    again = build_archive(articles, out, cache_dir=undated / "cache", jobs=1)
    assert again.warnings == () and again.count("unchanged") == 2  # read as valid, nothing rebuilt
    assert {e["source"]: e["source_date"] for e in manifest_entries(out)} == {
        "newer.txt": "2026-04-20T21:45:30+00:00",
        "older.txt": "2025-11-03T14:05:09+00:00",
    }
    assert (out / "feed.xml").read_bytes() == feed


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-02-10T08:30:15", "2026-02-10T08:30:15+02:00", 1770712215, "", ["2026-02-10"]]
)
def test_a_source_date_that_is_not_a_utc_time_sets_the_manifest_aside(undated, value):
    """The manifest may be edited by hand: a date the build did not write is not trusted."""
    out = undated / "out"
    build_archive(undated / "articles", out, cache_dir=undated / "cache", jobs=1)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["articles"][0]["source_date"] = value
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    entries, problem = load_manifest(out, OUTPUT_FORMAT, EARLIER_OUTPUT_FORMATS)
    assert entries == {} and problem and "field 'source_date' has a wrong value" in problem


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


TENTH_FEB_NS = 1770712215_999_999_999  # 2026-02-10 08:30:15.999999999 UTC


@pytest.mark.parametrize(
    ("changed_ns", "epoch", "expected"),
    [
        (TENTH_FEB_NS, None, "2026-02-10T08:30:15+00:00"),  # whole seconds, cut down
        (TENTH_FEB_NS, 1770712215, "2026-02-10T08:30:15+00:00"),
        (TENTH_FEB_NS, 1700000000, "2023-11-14T22:13:20+00:00"),  # changed after the epoch: dated at it
        (TENTH_FEB_NS, 1800000000, "2026-02-10T08:30:15+00:00"),  # changed before it: its own time
        (TENTH_FEB_NS, 0, "1970-01-01T00:00:00+00:00"),
        (-315619200 * 10**9, None, "1970-01-01T00:00:00+00:00"),  # 1960: no article was saved then
    ],
)
def test_a_source_date_is_its_file_time_in_utc_seconds_capped_by_the_epoch(tmp_path, changed_ns, epoch, expected):
    path = tmp_path / "page.txt"
    path.write_text("A page\n\nSome words.\n", encoding="utf-8")
    os.utime(path, ns=(changed_ns, changed_ns))
    assert source_date(path, epoch) == expected
    assert source_date(tmp_path / "gone.txt", epoch) is None


@pytest.mark.parametrize(("value", "epoch"), [(None, None), ("", None), ("0", 0), ("253402300799", 253402300799)])
def test_source_date_epoch_is_read_as_the_specification_writes_it(value, epoch):
    assert source_date_epoch({} if value is None else {SOURCE_DATE_EPOCH: value}) == epoch


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
