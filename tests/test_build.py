"""The archive build: incremental, parallel, deterministic, resumable, locked.

Orchestration is tested on the fake engine ("test-tones": a tone per word, `FAKE_ENGINE`), where
what is spoken does not matter and speed does; the outputs a listener gets, the determinism of
real speech across workers, and a build killed mid-speech are tested with espeak.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import audiobook_command, decode_mp3
from mutagen.mp3 import MP3

from audiobook import AudiobookError
from audiobook.build import build_archive, build_lock
from audiobook.manifest import MANIFEST

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from corpus import article_text  # noqa: E402

TOPICS = [
    "rivers",
    "bridges",
    "markets",
    "libraries",
    "orchards",
    "harbours",
    "trams",
    "bakeries",
    "choirs",
    "lighthouses",
    "canals",
    "meadows",
    "museums",
    "ferries",
    "gardens",
    "stations",
    "quarries",
    "mills",
    "islands",
    "forests",
    "beaches",
    "tunnels",
]


FAKE_ENGINE = 'engine = "test-tones"\n'


def write_archive(folder: Path, count: int = 20, settings: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if settings:
        (folder / "audiobook.toml").write_text(settings, encoding="utf-8")
    for number, topic in enumerate(TOPICS[:count], start=1):
        (folder / f"{number:02d}-{topic}.md").write_text(
            f"---\ntitle: A short note on {topic}\nauthor: Test Desk\ndate: 2026-01-{number:02d}\n---\n"
            f"People have always cared about {topic}. This note has two small parts.\n\n"
            f"## Then\n\nLong ago, {topic} looked different. Few records survive.\n\n"
            f"## Now\n\nToday, {topic} are studied closely. Volunteers count them every spring.\n",
            encoding="utf-8",
        )


def outputs(folder: Path) -> dict[str, bytes]:
    """Every file a build writes but the manifest (which records timings) and the lock."""
    skip = (MANIFEST, ".audiobook.lock")
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name not in skip}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """20 generated articles built once with two workers (first run, empty cache; fake engine)."""
    root = tmp_path_factory.mktemp("archive")
    write_archive(root / "articles", settings=FAKE_ENGINE)
    report = build_archive(root / "articles", root / "out", jobs=2, cache_dir=root / "cache")
    return root, report


def test_twenty_articles_built_with_manifest(built):
    root, report = built
    assert report.count("built") == 20 and report.ok
    manifest = json.loads((root / "out" / MANIFEST).read_text())
    assert len(manifest["articles"]) == 20
    entry = manifest["articles"][0]
    assert entry["source"] == "01-rivers.md" and entry["status"] == "built" and entry["error"] is None
    assert entry["slug"] == "a-short-note-on-rivers" and entry["title"] == "A short note on rivers"
    assert set(entry["outputs"]) == {"mp3", "transcript", "transcript_json", "chapters", "cover", "page", "embed"}
    assert [c["title"] for c in entry["chapters"]] == ["A short note on rivers", "Then", "Now"]
    assert entry["hashes"]["input"] and entry["hashes"]["settings"]
    for article in manifest["articles"]:
        mp3 = root / "out" / article["outputs"]["mp3"]
        assert abs(MP3(mp3).info.length * 1000 - article["duration_ms"]) < 50


def test_rebuild_without_changes_does_nothing(built):
    root, _ = built
    report = build_archive(root / "articles", root / "out", jobs=2, cache_dir=root / "cache")
    assert report.count("unchanged") == 20 and report.count("built") == 0
    assert sum(a.synthesized for a in report.articles) == 0


def test_fake_engine_new_page_templates_remake_the_pages_without_speaking(tmp_path, monkeypatch):
    """A release whose player markup changed must not leave old pages behind unchanged articles."""
    import audiobook.build

    articles = tmp_path / "articles"
    write_archive(articles, count=2, settings=FAKE_ENGINE)
    build_archive(articles, tmp_path / "out", jobs=1, cache_dir=tmp_path / "cache")
    assert build_archive(articles, tmp_path / "out", jobs=1, cache_dir=tmp_path / "cache").count("unchanged") == 2
    audio_before = files_as_written(tmp_path / "out", "*.mp3")
    monkeypatch.setattr(audiobook.build, "design_key", lambda: "templates of another release")
    report = build_archive(articles, tmp_path / "out", jobs=1, cache_dir=tmp_path / "cache")
    assert report.count("built") == 2 and sum(a.synthesized for a in report.articles) == 0
    assert files_as_written(tmp_path / "out", "*.mp3") == audio_before  # the audio files are not rewritten


def files_as_written(folder: Path, pattern: str = "*") -> dict[str, tuple[int, int]]:
    """Each file's identity and modification time: both change when a build rewrites it."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.glob(pattern) if p.is_file()}


FEED = {"base_url": '"https://audio.example.org/a/"', "email": '"desk@example.org"', "image": '"art.png"'}
# Every [feed] setting, changed (as written in audiobook.toml).
FEED_CHANGES = {
    "base_url": '"https://audio.example.org/moved/"',
    "title": '"Another title"',
    "description": '"Another description."',
    "author": '"Another Desk"',
    "email": '"other@example.org"',
    "language": '"de"',
    "category": '"Education"',
    "explicit": "true",
    "type": '"serial"',
    "medium": '"newsletter"',
    "locked": "false",
    "guid": '"917393e3-1b1e-5cef-ace4-edaa54e1f810"',
    "image": '"other-art.png"',
}


def feed_settings(**changes: str) -> str:
    return FAKE_ENGINE + "[feed]\n" + "".join(f"{key} = {value}\n" for key, value in {**FEED, **changes}.items())


@pytest.fixture(scope="module")
def feed_archive(tmp_path_factory):
    """One article built with a feed (fake engine)."""
    from PIL import Image

    root = tmp_path_factory.mktemp("feed-archive")
    write_archive(root / "articles", count=1, settings=feed_settings())
    for name, colour in (("art.png", "navy"), ("other-art.png", "teal")):
        Image.new("RGB", (1400, 1400), colour).save(root / "articles" / name)
    build_archive(root / "articles", root / "out", jobs=1, cache_dir=root / "cache")
    return root


def test_the_feed_changes_table_covers_every_feed_setting():
    from audiobook.settings import SCHEMA

    assert set(FEED_CHANGES) == {rule.key for rule in SCHEMA if rule.section == "feed"}


@pytest.mark.parametrize("key", sorted(FEED_CHANGES))
def test_fake_engine_a_feed_setting_change_remakes_only_the_files_that_show_it(feed_archive, tmp_path, key):
    from audiobook.settings import FEED_FIELDS_ON_ARTICLE_PAGES, SCHEMA

    shutil.copytree(feed_archive / "articles", tmp_path / "articles")
    shutil.copytree(feed_archive / "out", tmp_path / "out")
    articles, out, cache = tmp_path / "articles", tmp_path / "out", feed_archive / "cache"
    entry = json.loads((out / MANIFEST).read_text())["articles"][0]
    before = files_as_written(out)
    (articles / "audiobook.toml").write_text(feed_settings(**{key: FEED_CHANGES[key]}), encoding="utf-8")

    report = build_archive(articles, out, jobs=1, cache_dir=cache)
    on_pages = next(r.attribute for r in SCHEMA if r.key == key) in FEED_FIELDS_ON_ARTICLE_PAGES
    remade = {entry["outputs"][kind] for kind in ("page", "embed")} if on_pages else set()
    after = files_as_written(out)
    for kind, name in entry["outputs"].items():
        assert (after[name] != before[name]) == (name in remade), f"{kind} {'not ' * (name in remade)}rewritten"
    assert report.count("built" if on_pages else "unchanged") == 1
    assert sum(a.synthesized for a in report.articles) == 0
    # What an incremental build leaves is what a fresh build with the new settings makes.
    build_archive(articles, tmp_path / "fresh", jobs=1, cache_dir=cache)
    assert outputs(out) == outputs(tmp_path / "fresh")
    # And the manifest records it: the next build has nothing to do.
    assert build_archive(articles, out, jobs=1, cache_dir=cache).count("unchanged") == 1


def test_real_speech_serial_and_parallel_builds_are_byte_identical(tmp_path):
    # Each worker's espeak speaks a different sequence of articles: the audio must not depend on it.
    write_archive(tmp_path / "articles", count=4)
    serial = build_archive(tmp_path / "articles", tmp_path / "serial", jobs=1, cache_dir=tmp_path / "cache-1")
    parallel = build_archive(tmp_path / "articles", tmp_path / "parallel", jobs=2, cache_dir=tmp_path / "cache-2")
    assert serial.count("built") == parallel.count("built") == 4
    assert outputs(tmp_path / "serial") == outputs(tmp_path / "parallel")


def test_serial_parallel_and_cached_builds_are_byte_identical(built, tmp_path):
    root, _ = built
    serial = build_archive(root / "articles", tmp_path / "serial", jobs=1, cache_dir=tmp_path / "fresh-cache")
    # A fresh cache: everything spoken anew (sentences shared between articles, such as the
    # headings, are spoken once and reused within the build).
    assert serial.count("built") == 20 and sum(a.synthesized for a in serial.articles) >= 20 * 5
    cached = build_archive(root / "articles", tmp_path / "cached", jobs=2, cache_dir=root / "cache")
    assert sum(a.synthesized for a in cached.articles) == 0
    reference = outputs(root / "out")
    assert len(reference) == 20 * 7 + 5  # seven files per article; index, cover, player.js, player.css, playlist.js
    assert outputs(tmp_path / "serial") == reference
    assert outputs(tmp_path / "cached") == reference


def test_editing_one_sentence_respeaks_only_that_sentence(built, tmp_path):
    root, _ = built
    articles = tmp_path / "articles"
    write_archive(articles, count=2, settings=FAKE_ENGINE)
    (articles / "long.md").write_text(article_text(1, 700), encoding="utf-8")  # the benchmark's article
    build_archive(articles, tmp_path / "out", jobs=2, cache_dir=root / "cache")
    target = articles / "long.md"
    text = target.read_text(encoding="utf-8")
    cut = text.index(".", text.index("## Part 2")) + 1
    target.write_text(text[:cut] + " An added sentence about rain." + text[cut:], encoding="utf-8")
    report = build_archive(articles, tmp_path / "out", jobs=2, cache_dir=root / "cache")
    by_source = {a.source: a for a in report.articles}
    assert by_source["long.md"].status == "built" and by_source["long.md"].synthesized == 1
    assert [by_source[s].status for s in ("01-rivers.md", "02-bridges.md")] == ["unchanged", "unchanged"]
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
    # Only the part of the audio holding the new sentence is encoded again (the article's gain is
    # rounded to 0.25 dB, and this edit does not move it).
    assert next(a for a in manifest["articles"] if a["source"] == "long.md")["encoded_parts"] == 1


def test_removed_articles_lose_their_outputs_unless_kept(built, tmp_path):
    root, _ = built
    articles = tmp_path / "articles"
    write_archive(articles, count=3, settings=FAKE_ENGINE)
    build_archive(articles, tmp_path / "out", cache_dir=root / "cache")
    (articles / "03-markets.md").unlink()
    build_archive(articles, tmp_path / "out", cache_dir=root / "cache", keep_orphans=True)
    assert (tmp_path / "out" / "a-short-note-on-markets.mp3").exists()
    (articles / "02-bridges.md").unlink()
    build_archive(articles, tmp_path / "out", cache_dir=root / "cache")
    assert not list((tmp_path / "out").glob("a-short-note-on-bridges.*"))
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
    assert [a["source"] for a in manifest["articles"]] == ["01-rivers.md"]


def test_a_failing_article_does_not_stop_the_build(built, tmp_path):
    root, _ = built
    articles = tmp_path / "articles"
    write_archive(articles, count=2, settings=FAKE_ENGINE)
    (articles / "00-empty.md").write_bytes(b"")
    result = subprocess.run(
        audiobook_command("build", articles, "-o", tmp_path / "out", "--cache-dir", root / "cache", "--json"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert (report["built"], report["failed"]) == (2, 1)
    failed = next(a for a in report["articles"] if a["status"] == "failed")
    assert failed["source"] == "00-empty.md" and "the file is empty" in failed["error"]
    assert "Traceback" not in result.stderr


def test_second_concurrent_build_is_refused_or_waits(built, tmp_path):
    root, _ = built
    articles = tmp_path / "articles"
    write_archive(articles, count=1, settings=FAKE_ENGINE)
    command = audiobook_command("build", articles, "-o", tmp_path / "out", "--cache-dir", root / "cache")
    with build_lock(tmp_path / "out", wait_for_lock=False):
        refused = subprocess.run([*command, "--no-wait"], capture_output=True, text=True)
        assert refused.returncode == 1
        assert refused.stderr.strip() == f"error: {tmp_path / 'out'}: another build is running on this folder"
        waiting = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        assert waiting.poll() is None  # still waiting for the lock
        with pytest.raises(AudiobookError, match="another build"):
            build_archive(articles, tmp_path / "out", wait_for_lock=False)
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0 and "waiting for another build" in err
    assert (tmp_path / "out" / "a-short-note-on-rivers.mp3").exists()


def test_killed_build_resumes_and_every_mp3_is_whole(built, tmp_path):
    root, _ = built
    articles = tmp_path / "articles"
    write_archive(articles, count=8)
    out = tmp_path / "out"
    command = audiobook_command("build", articles, "-o", out, "--jobs", "2", "--cache-dir", tmp_path / "cache")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*.mp3"))) < 2:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the build and its workers, mid-way
    process.wait()
    finished_before = len(list(out.glob("*.mp3")))
    assert 2 <= finished_before < 8

    rerun = subprocess.run(command, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    manifest = json.loads((out / MANIFEST).read_text())
    assert len(manifest["articles"]) == 8 and {a["status"] for a in manifest["articles"]} <= {"built", "unchanged"}
    for article in manifest["articles"]:
        audio, rate = decode_mp3((out / article["outputs"]["mp3"]).read_bytes())
        assert abs(len(audio) / rate * 1000 - article["duration_ms"]) < 30
    assert not list(out.glob(".*part"))
