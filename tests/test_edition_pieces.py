"""M4B pieces made during `build` (issue 18): an archive that asks for M4B editions
(``[edition] formats = ["m4b"]``) gets each article's AAC encoded from its mastered audio by the
build, so the edition encodes nothing and only joins packets.

Real speech (espeak), real AAC; the M4B is read back by ffmpeg and mutagen, its loudness measured
by pyloudnorm on ffmpeg's decoding, articles found in it by cross-correlation with their MP3s.
"""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pyloudnorm
import pytest
from conftest import ffmpeg_chapters, ffmpeg_samples
from mutagen.mp4 import MP4
from scipy.signal import correlate, resample_poly
from test_edition import ARTICLES, CONFIG

from audiobook.build import build_archive
from audiobook.cache import ClipCache
from audiobook.config import load_settings
from audiobook.edition import build_edition
from audiobook.edition.layout import article_frames
from audiobook.edition.pieces import master_piece_key, stream_digest
from audiobook.errors import AudiobookError

RATE = 44100
M4B_EDITIONS = '[edition]\nformats = ["m4b"]\n'


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """An archive asking for M4B editions, built (the pieces made then), then its edition made."""
    root = tmp_path_factory.mktemp("pieces")
    articles = root / "articles"
    articles.mkdir()
    (articles / "audiobook.toml").write_text(CONFIG + M4B_EDITIONS, encoding="utf-8")
    for name, text in ARTICLES.items():
        (articles / name).write_text(text, encoding="utf-8")
    build = build_archive(articles, root / "out", cache_dir=root / "cache", jobs=2)
    assert all(a.status == "built" for a in build.articles)
    report = build_edition(articles, root / "out", title="Harbour Weekly", cache_dir=root / "cache")
    manifest = {e["source"]: e for e in json.loads((root / "out" / "manifest.json").read_text())["articles"]}
    return root, report, manifest


def _piece_file(root, manifest, source):
    """The cache file of an article's piece made from its master (by the built MP3's stream)."""
    segment = article_frames(root / "out" / manifest[source]["outputs"]["mp3"], RATE, 64)
    key = master_piece_key(segment.frames, stream_digest(segment.chunks()))
    return ClipCache(root / "cache").segments._path(key)


def test_the_archives_edition_setting_makes_an_m4b_edition_that_encodes_no_piece(prepared):
    root, report, manifest = prepared
    assert set(report.outputs) >= {"m4b"} and "mp3" not in report.outputs  # [edition] formats
    assert report.m4b_encoded == 0  # the opening's and every article's piece came from the build
    for source in report.articles:
        assert (root / "cache" / "segments").exists() and _piece_file(root, manifest, source)


def test_the_joined_pieces_chapters_audio_and_loudness_hold_on_the_decoded_file(prepared, ffmpeg):
    root, report, manifest = prepared
    m4b = root / "out" / report.outputs["m4b"]
    expected = [
        (section.start_ms, section.title) for chapter in report.chapters for section in (chapter.sections or (chapter,))
    ]
    for found in (
        [(start, title) for start, _, title in ffmpeg_chapters(ffmpeg, m4b)],
        [(round(c.start * 1000), c.title) for c in MP4(m4b).chapters],
    ):
        assert len(found) == len(expected)
        assert all(abs(a - b) <= 50 for (a, _), (b, _) in zip(found, expected, strict=True))
    joined = ffmpeg_samples(ffmpeg, m4b)
    assert abs(joined.size * 1000 / RATE - report.duration_ms) <= 50
    for chapter, source in zip(report.chapters[1:], report.articles, strict=True):
        own = ffmpeg_samples(ffmpeg, root / "out" / manifest[source]["outputs"]["mp3"])
        at = chapter.start_ms * RATE // 1000 + RATE
        window = joined[at - RATE : at + 2 * RATE]
        found = int(np.argmax(correlate(window, own[RATE : 2 * RATE], mode="valid", method="fft"))) + at - RATE
        assert abs(found - at) * 1000 / RATE <= 50, (source, found - at)
    audio = joined.astype(np.float64)
    loudness = pyloudnorm.Meter(RATE).integrated_loudness(audio)
    true_peak = 20 * np.log10(np.abs(resample_poly(audio, 4, 1)).max())
    assert abs(loudness + 16) <= 0.5 and true_peak <= -1.0, (loudness, true_peak)


def test_a_rebuild_encodes_only_the_changed_articles_piece(prepared, tmp_path):
    """Unchanged articles are not converted again, so their pieces stay as they were; the edited
    article gets a new piece, and the next edition still encodes none of the articles."""
    root, _, manifest = prepared
    work = tmp_path / "archive"
    shutil.copytree(root, work)
    before = {s: _piece_file(work, manifest, s) for s in manifest}
    stamps = {s: (path, os.stat(path).st_mtime_ns) for s, path in before.items()}
    market = work / "articles" / "market.md"
    market.write_text(market.read_text(encoding="utf-8") + "\nThe market closes at two.\n", encoding="utf-8")
    rebuilt = build_archive(work / "articles", work / "out", cache_dir=work / "cache", jobs=1)
    assert {a.source: a.status for a in rebuilt.articles} == {
        "ferries.md": "unchanged",
        "lighthouse.md": "unchanged",
        "market.md": "built",
    }
    after = {e["source"]: e for e in json.loads((work / "out" / "manifest.json").read_text())["articles"]}
    for source in ("ferries.md", "lighthouse.md"):
        path, stamp = stamps[source]
        assert os.stat(path).st_mtime_ns == stamp  # not written again
    new_piece = _piece_file(work, after, "market.md")
    assert new_piece != before["market.md"] and os.path.isfile(new_piece)
    edition = build_edition(work / "articles", work / "out", title="Harbour Weekly", cache_dir=work / "cache")
    assert edition.status == "built" and edition.m4b_encoded == 0


def test_pieces_missing_from_the_cache_are_encoded_by_the_edition_as_before(prepared, tmp_path):
    """Another cache (the build's pieces not in it): the edition encodes each article's piece from
    its MP3 itself; only the opening, converted now under the archive's setting, brings its own."""
    root, _, _ = prepared
    out = tmp_path / "out"
    shutil.copytree(root / "out", out)
    again = build_edition(
        root / "articles", out, title="Harbour Weekly, cold", formats=("m4b",), cache_dir=tmp_path / "cache"
    )
    assert again.m4b_encoded == len(again.articles)
    assert len(MP4(out / again.outputs["m4b"]).chapters) == len(_flat_titles(again))


def _flat_titles(report):
    from audiobook.edition.layout import flat_chapters

    return [mark.title for mark in flat_chapters(report.chapters)]


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ('formats = ["ogg"]', 'must be a list of "mp3" and/or "m4b"'),
        ('formats = "m4b"', 'must be a list of "mp3" and/or "m4b"'),
        ("formats = []", 'must be a list of "mp3" and/or "m4b"'),
        ('formats = ["m4b", "m4b"]', 'must be a list of "mp3" and/or "m4b"'),
        ("format = 1", "[edition] unknown setting 'format' (known: formats)"),
    ],
)
def test_a_bad_edition_setting_is_one_error_naming_the_file(tmp_path, table, said):
    (tmp_path / "audiobook.toml").write_text(f"[edition]\n{table}\n", encoding="utf-8")
    with pytest.raises(AudiobookError) as caught:
        load_settings(tmp_path)
    message = str(caught.value)
    assert "\n" not in message and "audiobook.toml" in message and said in message


def test_the_edition_setting_is_read_as_a_tuple_of_formats(tmp_path):
    (tmp_path / "audiobook.toml").write_text('[edition]\nformats = ["mp3", "m4b"]\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.edition.formats == ("mp3", "m4b") and settings.edition.prepares_m4b
    assert not load_settings(tmp_path / "elsewhere").edition.prepares_m4b


def test_inspect_reads_an_m4b_both_chapter_forms_its_tags_and_its_loudness(prepared, ffmpeg):
    """`audiobook inspect` on the edition's M4B agrees with ffprobe's chapters, with the edition's
    own chapter list, and with pyloudnorm on ffmpeg's decoding."""
    import subprocess

    from conftest import audiobook_command

    root, report, _ = prepared
    m4b = root / "out" / report.outputs["m4b"]
    done = subprocess.run(audiobook_command("inspect", m4b, "--json"), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["container"] == "MP4" and data["tags"]["title"] == "Harbour Weekly" and data["cover"] is True
    assert abs(data["duration_s"] * 1000 - report.duration_ms) <= 50
    expected = [(start, title) for start, _, title in ffmpeg_chapters(ffmpeg, m4b)]
    assert set(data["chapter_forms"]) == {"quicktime", "nero"}
    for form in data["chapter_forms"].values():
        assert [c["title"] for c in form] == [title for _, title in expected] == _flat_titles(report)
        assert all(abs(c["start_ms"] - start) <= 50 for c, (start, _) in zip(form, expected, strict=True))
    audio = ffmpeg_samples(ffmpeg, m4b).astype(np.float64)
    assert abs(data["loudness"]["integrated_lufs"] - pyloudnorm.Meter(RATE).integrated_loudness(audio)) <= 0.1
    true_peak = 20 * np.log10(np.abs(resample_poly(audio, 4, 1)).max())
    assert abs(data["loudness"]["true_peak_dbtp"] - true_peak) <= 0.2

    text = subprocess.run(audiobook_command("inspect", m4b), capture_output=True, text=True, timeout=600).stdout
    assert "QuickTime chapter track and Nero chpl" in text and "LUFS" in text


def test_inspect_of_a_damaged_m4b_is_one_line_naming_it(prepared, tmp_path):
    import subprocess

    from conftest import audiobook_command

    root, report, _ = prepared
    data = (root / "out" / report.outputs["m4b"]).read_bytes()
    for name, damaged in (("cut.m4b", data[: len(data) // 3]), ("noise.m4b", b"\x00\x00\x00\x18ftypM4B " + b"x" * 500)):
        path = tmp_path / name
        path.write_bytes(damaged)
        done = subprocess.run(audiobook_command("inspect", path), capture_output=True, text=True, timeout=600)
        assert done.returncode == 1 and name in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
