"""Hostile archives, round 2: the archive-level inputs — the manifest, front matter and settings
that name files, the build's own output inside the archive, file names — can never make a build
delete, read or write outside its output folder, hang, or stop the batch. Real speech throughout
(short articles, so each build takes seconds)."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import audiobook_command

from audiobook.build import build_archive
from audiobook.cover import MAX_COVER_BYTES, CoverError, read_cover
from audiobook.files import slugify
from audiobook.manifest import MANIFEST, SET_ASIDE

PROSE = "A short note, spoken in a few seconds. It has two sentences.\n"


def note(folder: Path, name: str, title: str, extra: str = "") -> Path:
    path = folder / name
    path.write_text(f"---\ntitle: {title}\n{extra}---\n{PROSE}", encoding="utf-8")
    return path


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small archive built once; tests copy its output before changing anything."""
    root = tmp_path_factory.mktemp("built")
    articles = root / "articles"
    articles.mkdir()
    note(articles, "one.md", "First note")
    note(articles, "two.md", "Second note")
    report = build_archive(articles, root / "out", jobs=1)
    assert report.ok
    return articles, root / "out"


def copy_of(built, tmp_path: Path) -> tuple[Path, Path]:
    import shutil

    articles, out = built
    shutil.copytree(articles, tmp_path / "articles")
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "articles", tmp_path / "out"


def test_a_manifest_naming_files_outside_the_output_never_deletes_them(built, tmp_path):
    articles, out = copy_of(built, tmp_path)
    victims = [tmp_path / "victim", tmp_path / "elsewhere" / "victim"]
    for victim in victims:
        victim.parent.mkdir(exist_ok=True)
        victim.write_text("precious", encoding="utf-8")
    manifest = json.loads((out / MANIFEST).read_text())
    # An orphan entry (its article is gone, so its outputs would be removed) naming outside files.
    manifest["articles"].append(
        {
            "source": "gone.md",
            "slug": "gone",
            "status": "built",
            "outputs": {"mp3": str(victims[1]), "page": "../victim"},
            "sizes": {"mp3": 8, "page": 8},
        }
    )
    (out / MANIFEST).write_text(json.dumps(manifest))
    events = []
    report = build_archive(articles, out, jobs=1, on_event=lambda kind, data: events.append((kind, data)))
    assert all(victim.read_text() == "precious" for victim in victims)
    assert report.ok and report.count("built") == 2  # as a first build
    warnings = [data["message"] for kind, data in events if kind == "warning"]
    assert len(warnings) == 1 and "not a valid manifest" in warnings[0] and SET_ASIDE in warnings[0]
    assert (out / SET_ASIDE).is_file()
    # The next build trusts the new manifest again: nothing to do.
    assert build_archive(articles, out, jobs=1).count("unchanged") == 2


@pytest.mark.parametrize(
    "damage",
    [
        {"outputs": "abc"},
        {"outputs": {"mp3": 5}},
        {"outputs": {"mp3": "."}},
        {"hashes": "x"},
        {"sizes": {"mp3": "big"}},
        {"chapters": [{"title": 3}]},
        {"date": "yesterday"},
        {"status": "done"},
        {"slug": "../up"},
        {"outputs": {"mp3": "second-note.mp3"}},  # another article's file
        {"surprise": True},
    ],
)
def test_a_wrongly_typed_manifest_is_set_aside_and_the_build_goes_on(built, tmp_path, damage):
    articles, out = copy_of(built, tmp_path)
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["articles"][0].update(damage)
    (out / MANIFEST).write_text(json.dumps(manifest))
    result = subprocess.run(
        audiobook_command("build", articles, "-o", out, "--jobs", "1"), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warning = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warning) == 1 and "not a valid manifest" in warning[0]
    entries = json.loads((out / MANIFEST).read_text())["articles"]
    assert [e["status"] for e in entries] == ["built", "built"]
    assert (out / "second-note.mp3").is_file() and (out / "first-note.mp3").is_file()


def test_a_manifest_that_is_not_json_is_set_aside_with_a_warning(built, tmp_path):
    articles, out = copy_of(built, tmp_path)
    (out / MANIFEST).write_text('{"articles": [', encoding="utf-8")
    report = build_archive(articles, out, jobs=1)
    assert report.ok and report.count("built") == 2 and len(report.warnings) == 1


def test_an_output_folder_inside_the_archive_is_not_read_back_as_articles(tmp_path):
    articles = tmp_path / "arts"
    articles.mkdir()
    note(articles, "one.md", "Only note")
    counts = []
    for _ in range(3):
        report = build_archive(articles, articles / "output", jobs=1, cache_dir=articles / "cache")
        assert report.ok and [a.source for a in report.articles] == ["one.md"]
        counts.append(len(files_under(articles / "output")))
    assert counts[0] == counts[1] == counts[2]


def test_articles_cannot_take_the_archives_own_file_names(tmp_path):
    for name in ("index", "cover", "feed", "player", "manifest", "Index", "COVER"):
        assert slugify(name) == f"article-{name.lower()}"
    articles = tmp_path / "articles"
    articles.mkdir()
    note(articles, "a.md", "Index")
    note(articles, "b.md", "A cover story", "slug: cover\n")
    report = build_archive(articles, tmp_path / "out", jobs=1)
    assert report.ok
    assert {a.slug for a in report.articles} == {"article-index", "article-cover"}
    index = (tmp_path / "out" / "index.html").read_text()
    assert "article-index.html" in index and "article-cover.html" in index  # the archive's index
    again = build_archive(articles, tmp_path / "out", jobs=1)
    assert again.count("unchanged") == 2  # not rebuilt on every run any more


def test_a_lock_file_planted_as_a_link_creates_nothing_outside(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    note(articles, "a.md", "A note")
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "outside" / "created-by-the-build"
    target.parent.mkdir()
    (out / ".audiobook.lock").symlink_to(target)
    result = subprocess.run(audiobook_command("build", articles, "-o", out), capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {out / '.audiobook.lock'}: the build's lock file cannot be opened (it is a symbolic link)"
    ]
    assert not target.exists()


def test_voice_files_go_to_a_private_folder_that_is_removed_at_exit(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    note(articles, "a.md", "A note")
    code = (
        "import os, stat\n"
        "from audiobook import convert_article\n"
        "from audiobook.speech.espeak import _private_folder\n"
        f"convert_article({str(articles / 'a.md')!r}, {str(tmp_path / 'out')!r})\n"
        "folder = _private_folder()\n"
        "assert folder.name != f'audiobook-voices-{os.getpid()}', folder\n"  # not a predictable name
        "assert stat.S_IMODE(folder.stat().st_mode) == 0o700, oct(folder.stat().st_mode)\n"
        "assert any(folder.iterdir())\n"  # the steady voice file was written there
        "print(folder)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.strip().splitlines()[-1])
    assert folder.name.startswith("audiobook-") and not folder.exists()  # removed when the process ended


# --- covers ------------------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    """A PNG whose header declares the size given (its pixels are not needed to refuse it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00" * 3)  # one row of one pixel (enough for the header)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    from PIL import Image

    Image.new("RGB", (32, 32), (10, 120, 200)).save(folder / "good.png")
    return folder


def test_a_cover_inside_the_archive_is_read(archive):
    image = read_cover(archive / "good.png", archive)
    assert image.mime == "image/png" and image.suffix == ".png"


def test_a_cover_outside_the_archive_is_refused_unless_links_are_followed(archive, tmp_path):
    outside = tmp_path / "private.png"
    outside.write_bytes((archive / "good.png").read_bytes())
    with pytest.raises(CoverError, match="outside the archive"):
        read_cover(archive / ".." / "private.png", archive)
    (archive / "link.png").symlink_to(outside)
    with pytest.raises(CoverError, match="outside the archive"):
        read_cover(archive / "link.png", archive)
    assert read_cover(archive / "link.png", archive, follow_links=True).mime == "image/png"


def test_a_device_or_a_fifo_as_cover_is_refused_at_once(archive):
    (archive / "zero.png").symlink_to("/dev/zero")
    with pytest.raises(CoverError, match="not a regular file"):
        read_cover(archive / "zero.png", archive, follow_links=True)  # reads nothing
    os.mkfifo(archive / "fifo.png")
    with pytest.raises(CoverError, match="not a regular file"):
        read_cover(archive / "fifo.png", archive)  # no writer: it must not wait for one


def test_a_huge_or_bomb_cover_is_refused_without_reading_it_all(archive):
    big = archive / "big.png"
    with open(big, "wb") as stream:
        stream.write(png(64, 64))
        stream.truncate(270 * 1024 * 1024)  # sparse: a PNG header, then 270 MB
    with pytest.raises(CoverError, match=f"the limit is {MAX_COVER_BYTES // 2**20} MB"):
        read_cover(big, archive)
    (archive / "bomb.png").write_bytes(png(100_000, 100_000))
    with pytest.raises(CoverError, match="too large an image"):
        read_cover(archive / "bomb.png", archive)
    (archive / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(256))
    with pytest.raises(CoverError, match="not a PNG or JPEG|damaged"):
        read_cover(archive / "fake.png", archive)


def test_a_bad_cover_fails_its_article_with_one_line_and_the_batch_goes_on(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    secret = tmp_path / "secret.png"
    from PIL import Image

    Image.new("RGB", (16, 16)).save(secret)
    note(articles, "escape.md", "Escape", f"cover: {secret}\n")
    note(articles, "device.md", "Device", "cover: /dev/zero\n")
    note(articles, "fine.md", "Fine")
    result = subprocess.run(
        audiobook_command("build", articles, "-o", tmp_path / "out", "--jobs", "1"), capture_output=True, text=True
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed")]
    assert len(failed) == 2 and all("outside the archive" in line for line in failed)
    assert (tmp_path / "out" / "fine.mp3").is_file()
    assert not any(p.read_bytes() == secret.read_bytes() for p in (tmp_path / "out").iterdir() if p.is_file())


@pytest.mark.parametrize("image", ["/etc/passwd", "../secret.png", "missing.png"])
def test_the_feed_image_must_be_an_image_inside_the_archive_before_any_work(tmp_path, image):
    articles = tmp_path / "articles"
    articles.mkdir()
    (tmp_path / "secret.png").write_bytes(png(16, 16))
    (articles / "audiobook.toml").write_text(f'[feed]\nimage = "{image}"\n', encoding="utf-8")
    note(articles, "a.md", "A note")
    result = subprocess.run(
        audiobook_command("build", articles, "-o", tmp_path / "out"), capture_output=True, text=True
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "[feed] image" in lines[0]
    assert not (tmp_path / "out" / "a-note.mp3").exists()  # refused before any article was spoken


# --- names and ids -------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="file names as raw bytes")
def test_a_file_name_that_is_not_utf8_fails_alone_with_its_name_shown(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    note(articles, "fine.md", "Fine")
    bad = os.path.join(os.fsencode(articles), b"caf\xe9.md")
    with open(bad, "wb") as stream:
        stream.write(f"---\ntitle: Cafe\n---\n{PROSE}".encode())
    result = subprocess.run(
        audiobook_command("build", articles, "-o", tmp_path / "out", "--json"), capture_output=True, text=True
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    by_status = {a["status"]: a for a in report["articles"]}
    assert by_status["built"]["source"] == "fine.md"
    assert by_status["failed"]["error"] == "caf\ufffd.md: the file name is not valid UTF-8"
    json.loads((tmp_path / "out" / MANIFEST).read_text())  # still written, still valid


def test_two_articles_with_one_feed_id_keep_the_first_and_warn(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "audiobook.toml").write_text('[feed]\nbase_url = "https://example.org/audio/"\n', encoding="utf-8")
    note(articles, "a.md", "The original", "url: https://example.org/story\n")
    note(articles, "b.md", "The copy", "url: https://example.org/story\n")
    report = build_archive(articles, tmp_path / "out", jobs=1)
    assert report.ok
    assert report.warnings == ("b.md: its feed id 'https://example.org/story' is already a.md's; left out of the feed",)
    feed = (tmp_path / "out" / "feed.xml").read_text()
    assert feed.count("<guid") == 1 and "The original" in feed and "The copy" not in feed


def test_a_huge_source_is_refused_by_its_size_before_the_build_reads_it(tmp_path):
    from audiobook.parse import MAX_BYTES

    articles = tmp_path / "articles"
    articles.mkdir()
    note(articles, "fine.md", "Fine")
    with open(articles / "huge.md", "wb") as stream:
        stream.write(b"# Huge\n\n")
        stream.truncate(MAX_BYTES["markdown"] * 50)  # sparse: reading it whole would take 500 MB
    # Measured from a fresh parent: the peak of the build's processes alone.
    command = audiobook_command("build", articles, "-o", tmp_path / "out", "--jobs", "1", "--json")
    code = (
        "import json, resource, subprocess, sys\n"
        f"out = subprocess.run({command!r}, capture_output=True, text=True).stdout\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'peak_mb': peak, 'report': json.loads(out)}))\n"
    )
    measured = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
    peak_mb = measured["peak_mb"]
    by_source = {a["source"]: a for a in measured["report"]["articles"]}
    assert by_source["fine.md"]["status"] == "built"
    assert by_source["huge.md"]["status"] == "failed" and "is too large" in by_source["huge.md"]["error"]
    assert peak_mb < 400, peak_mb


def test_a_new_article_never_takes_the_slug_of_one_still_in_the_archive(tmp_path):
    # b.md was built as "foo"; a new a.md (sorted first) is titled "Foo" too, and b.md changes.
    articles = tmp_path / "articles"
    articles.mkdir()
    note(articles, "b.md", "Foo")
    out = tmp_path / "out"
    settings = {"engine": "test-tones"}  # orchestration only: the fake engine speaks
    assert build_archive(articles, out, jobs=1, overrides=settings).ok
    note(articles, "a.md", "Foo")
    note(articles, "b.md", "Foo", "author: Someone New\n")
    report = build_archive(articles, out, jobs=2, overrides=settings)
    slugs = {a.source: a.slug for a in report.articles}
    assert slugs == {"b.md": "foo", "a.md": "foo-2"}  # b keeps its files' names
    assert all((out / f"{slug}.mp3").is_file() for slug in slugs.values())
    entries = json.loads((out / MANIFEST).read_text())["articles"]
    assert {e["slug"] for e in entries} == {"foo", "foo-2"} and report.warnings == ()


def test_a_failed_rebuild_keeps_its_earlier_files_and_the_manifest_stays_valid(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    note(articles, "a.md", "Old title")
    out = tmp_path / "out"
    settings = {"engine": "test-tones"}
    assert build_archive(articles, out, jobs=1, overrides=settings).ok
    (articles / "a.md").write_text("---\ntitle: New title\ncover: missing.png\n---\n" + PROSE, encoding="utf-8")
    failed = build_archive(articles, out, jobs=1, overrides=settings)
    assert not failed.ok and (out / "old-title.mp3").is_file()
    again = build_archive(articles, out, jobs=1, overrides=settings)
    assert again.warnings == ()  # the manifest written after the failure was read back as valid
    assert (out / "old-title.mp3").is_file()


def test_output_names_the_build_cannot_remove_do_not_stop_it(built, tmp_path):
    articles, out = copy_of(built, tmp_path)
    (articles / "two.md").unlink()  # its outputs become orphans…
    (out / "second-note.vtt").unlink()
    (out / "second-note.vtt").mkdir()  # …and one of them is now a folder
    report = build_archive(articles, out, jobs=1)
    assert report.ok and (out / "second-note.vtt").is_dir() and not (out / "second-note.mp3").exists()


def test_a_cameras_jpeg_with_a_second_picture_is_a_jpeg_cover(archive):
    from PIL import Image

    first, second = Image.new("RGB", (32, 32), (200, 0, 0)), Image.new("RGB", (32, 32), (0, 200, 0))
    first.save(archive / "camera.jpg", "MPO", save_all=True, append_images=[second])
    image = read_cover(archive / "camera.jpg", archive)
    assert (image.mime, image.suffix) == ("image/jpeg", ".jpg")
