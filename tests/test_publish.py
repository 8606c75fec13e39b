"""Feed, pages, index and covers of a built archive, read back by real parsers."""

from __future__ import annotations

import io
import json
import shutil

import feedparser
import podcastparser
import pytest
from feed_schema import schema_problems
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from PIL import Image

from audiobook import AudiobookError
from audiobook.build import build_archive

HOSTILE = '<script>alert(1)</script> & "x" ]]>'
CONFIG = """publication = "Test Weekly"
[feed]
base_url = "https://audio.example.org/weekly/"
email = "editor@example.org"
"""


def article(title: str, date: str, extra: str = "") -> str:
    return (
        f"---\ntitle: '{title}'\ndate: {date}\nsummary: A summary of {date}.\n{extra}---\n"
        "An opening sentence. Another one.\n\n## First part\n\nSome words here. And more.\n\n"
        "## Second part\n\nThe last words.\n\n## References\n\n- [A source](https://example.org/source)\n"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    articles = root / "articles"
    articles.mkdir()
    (articles / "audiobook.toml").write_text(CONFIG, encoding="utf-8")
    (articles / "older.md").write_text(article("An older note", "2026-01-05"), encoding="utf-8")
    (articles / "newer.md").write_text(article(HOSTILE.replace("'", "''"), "2026-03-01"), encoding="utf-8")
    report = build_archive(articles, root / "out", cache_dir=root / "cache")
    assert report.ok
    return root


def test_feed_parses_cleanly_and_carries_every_episode(site):
    data = (site / "out" / "feed.xml").read_bytes()
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert schema_problems(data) == []  # every tag where, as often and as valued as apps expect
    assert [e.title for e in parsed.entries] == [HOSTILE, "An older note"]  # newest first, shown literally
    manifest = {a["title"]: a for a in json.loads((site / "out" / "manifest.json").read_text())["articles"]}
    for entry in parsed.entries:
        expected = manifest[entry.title]
        enclosure = entry.enclosures[0]
        assert enclosure.href == "https://audio.example.org/weekly/" + expected["outputs"]["mp3"]
        assert int(enclosure.length) == (site / "out" / expected["outputs"]["mp3"]).stat().st_size
        assert enclosure.type == "audio/mpeg"
        assert entry.itunes_duration == str(round(expected["duration_ms"] / 1000))
        assert entry.published.endswith("+0000") and entry.id == expected["guid"]
        assert "https://example.org/source" in entry.content[0].value  # references as links
    assert parsed.feed.itunes_type == "episodic" and parsed.feed.language == "en"
    assert b"<itunes:explicit>false</itunes:explicit>" in data  # Apple's spelling (feedparser maps it to None)

    episodes = podcastparser.parse("https://audio.example.org/weekly/feed.xml", io.BytesIO(data))["episodes"]
    assert len(episodes) == 2
    for episode in episodes:
        title = episode["title"]
        assert episode["enclosures"][0]["file_size"] == manifest[title]["sizes"]["mp3"]
        assert episode["total_time"] == round(manifest[title]["duration_ms"] / 1000)
        assert [c["title"] for c in episode["chapters"]] == [c["title"] for c in manifest[title]["chapters"]]


def test_podcasting_20_tags_point_at_real_files(site):
    text = (site / "out" / "feed.xml").read_text(encoding="utf-8")
    assert 'xmlns:podcast="https://podcastindex.org/namespace/1.0"' in text
    kinds = (
        ("chapters.json", "application/json+chapters"),
        ("vtt", "text/vtt"),
        ("transcript.json", "application/json"),
    )
    for kind, mime in kinds:
        assert f'.{kind}" type="{mime}"' in text
    # Both transcripts of every episode, each a file of the archive: the WebVTT and the JSON one.
    import xml.etree.ElementTree as ET

    namespace = "{https://podcastindex.org/namespace/1.0}"
    for item in ET.fromstring(text.encode()).iter("item"):
        found = {(t.get("type"), t.get("url").rsplit("/", 1)[1]) for t in item.iter(namespace + "transcript")}
        assert {mime for mime, _ in found} == {"text/vtt", "application/json"}
        for _, name in found:
            assert (site / "out" / name).is_file()
        words = json.loads((site / "out" / dict(found)["application/json"]).read_text(encoding="utf-8"))
        assert words["version"] == "1.0.0" and len(words["segments"]) > 5
    chapters = json.loads(next((site / "out").glob("an-older-note.chapters.json")).read_text())
    assert chapters["version"] == "1.2.0"


def test_guid_survives_a_retitle(site, tmp_path):
    articles = tmp_path / "articles"
    shutil.copytree(site / "articles", articles)
    build_archive(articles, tmp_path / "out", cache_dir=site / "cache")
    before = {e.id for e in feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes()).entries}
    (articles / "older.md").write_text(article("A renamed older note", "2026-01-05"), encoding="utf-8")
    build_archive(articles, tmp_path / "out", cache_dir=site / "cache")
    after = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes()).entries
    assert {e.id for e in after} == before
    assert "A renamed older note" in [e.title for e in after]
    assert not (tmp_path / "out" / "an-older-note.mp3").exists()  # the old slug's files are gone


def test_feed_without_base_url_is_skipped_and_explicit_feed_errors(tmp_path):
    from audiobook.feed import podcast_feed
    from audiobook.settings import FeedSettings

    with pytest.raises(AudiobookError, match="base_url"):
        podcast_feed(FeedSettings(), "P", [], "cover.png")


def test_covers_are_square_rgb_and_used_everywhere(site):
    out = site / "out"
    for name in ("cover.png", "an-older-note.png"):
        with Image.open(out / name) as image:
            assert image.mode == "RGB" and image.size[0] == image.size[1] and 1400 <= image.size[0] <= 3000
    apic = ID3(out / "an-older-note.mp3").getall("APIC")[0]
    assert apic.data == (out / "an-older-note.png").read_bytes()
    assert 'src="an-older-note.png"' in (out / "an-older-note.html").read_text()


def test_hostile_title_is_text_everywhere(site):
    out = site / "out"
    manifest = json.loads((out / "manifest.json").read_text())
    entry = next(a for a in manifest["articles"] if a["source"] == "newer.md")
    page = (out / entry["outputs"]["page"]).read_text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;x&#34; ]]&gt;" in page
    assert str(ID3(out / entry["outputs"]["mp3"])["TIT2"]) == HOSTILE
    assert "&lt;script&gt;" in (out / "index.html").read_text()
    assert MP3(out / entry["outputs"]["mp3"]).info.length > 1


def test_index_lists_newest_first_with_feed_link(site):
    index = (site / "out" / "index.html").read_text()
    assert index.index("&lt;script&gt;") < index.index("An older note")
    assert 'href="feed.xml"' in index and "January 5, 2026" in index
