"""Editions (issue 18): many built articles as one MP3 and one M4B, read back by independent readers.

A small archive of the project's own articles is built with real speech (espeak), then made into
an edition in both containers. ffmpeg (imageio-ffmpeg's binary) and mutagen read the chapters;
the M4B's QuickTime chapter track is read box by box from the file (mutagen's atom walker, our
own sample table reading), its Nero `chpl` by mutagen; articles are found in the joined audio by
cross-correlation; loudness is measured by pyloudnorm on ffmpeg's decoding of each file.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
from pathlib import Path

import feedparser
import numpy as np
import pyloudnorm
import pytest
from conftest import ffmpeg_chapters, ffmpeg_samples
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, Atoms
from scipy.signal import correlate, resample_poly

from audiobook.edition import build_edition, select

RATE = 44100
CONFIG = 'publication = "Harbour Notes"\n[feed]\nbase_url = "https://audio.example.org/harbour/"\n'
ARTICLES = {
    "ferries.md": """---
title: The Night Ferry Returns
author: Ada Lund
date: 2026-03-02
tags: [transport, sea]
---
The night ferry sails again after a winter in dry dock. Its engines were rebuilt by hand.

## On board

Cabins are small but warm, and the café opens at six. Passengers can watch the lights of the coast.

## The timetable

Sailings leave at ten each evening and arrive before breakfast. Tickets go on sale on Monday.
""",
    "lighthouse.md": """---
title: Keeping the Lighthouse
date: 2026-03-05
tags: sea, history
---
The old lighthouse has a new keeper, and she climbs its stairs twice a day.

## A history in stone

The tower was built in granite a century and a half ago. Its lamp once burned whale oil.
""",
    "market.md": """---
title: Saturday Market Grows
date: 2026-02-20
tags: [town]
---
The market square now holds forty stalls. Farmers bring cheese, apples and fresh bread.

## New stalls

A fishmonger and a bookbinder joined this month. Both sold out before noon.
""",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("edition")
    articles = root / "articles"
    articles.mkdir()
    (articles / "audiobook.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in ARTICLES.items():
        (articles / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def made(archive, ffmpeg):
    """The edition in both containers, made from an archive not built yet (the build runs first)."""
    report = build_edition(
        archive / "articles",
        archive / "out",
        title="Harbour Weekly",
        formats=("mp3", "m4b"),
        cache_dir=archive / "cache",
    )
    out = archive / "out"
    manifest = {e["source"]: e for e in json.loads((out / "manifest.json").read_text())["articles"]}
    return report, out, manifest


def test_the_articles_are_newest_first_after_an_opening_and_hold_their_own_chapters(made):
    report, _, manifest = made
    assert report.articles == ("lighthouse.md", "ferries.md", "market.md")
    opening, *articles = report.chapters
    assert opening.title == "Harbour Weekly" and opening.start_ms == 0 and not opening.sections
    for chapter, source in zip(articles, report.articles, strict=True):
        own = manifest[source]["chapters"]
        assert chapter.title == manifest[source]["title"]
        assert [s.title for s in chapter.sections] == [c["title"] for c in own]
        assert [s.start_ms - chapter.start_ms for s in chapter.sections] == [c["start_ms"] for c in own]


def test_ffmpeg_and_mutagen_agree_on_every_chapter_of_both_files(made, ffmpeg):
    report, out, _ = made
    mp3, m4b = out / report.outputs["mp3"], out / report.outputs["m4b"]
    by_ffmpeg_mp3 = ffmpeg_chapters(ffmpeg, mp3)
    by_ffmpeg_m4b = ffmpeg_chapters(ffmpeg, m4b)
    by_mutagen_mp3 = [(c.start_time, c.sub_frames["TIT2"].text[0]) for c in ID3(mp3).getall("CHAP")]
    by_mutagen_m4b = [(round(c.start * 1000), c.title) for c in MP4(m4b).chapters]
    expected = [(s.start_ms, s.title) for s in _flat(report)]
    for found in (by_ffmpeg_mp3, by_ffmpeg_m4b):
        assert [title for _, _, title in found] == [title for _, title in expected]
        assert all(abs(start - want) <= 50 for (start, _, _), (want, _) in zip(found, expected, strict=True))
    for found in (by_mutagen_mp3, by_mutagen_m4b):
        assert [title for _, title in found] == [title for _, title in expected]
        assert all(abs(start - want) <= 50 for (start, _), (want, _) in zip(found, expected, strict=True))
    assert "Keeping the Lighthouse — A history in stone" in [title for _, title in expected]


def test_the_mp3_nests_each_articles_chapters_under_a_child_table_of_contents(made):
    report, out, _ = made
    tag = ID3(out / report.outputs["mp3"])
    tocs = {toc.element_id: toc for toc in tag.getall("CTOC")}
    top = [toc for toc in tocs.values() if toc.flags & CTOCFlags.TOP_LEVEL]
    assert len(top) == 1
    children = top[0].child_element_ids
    assert len(children) == len(report.chapters)
    chaps = {chap.element_id: chap for chap in tag.getall("CHAP")}
    assert chaps[children[0]].sub_frames["TIT2"].text[0] == "Harbour Weekly"
    for element_id, chapter in zip(children[1:], report.chapters[1:], strict=True):
        toc = tocs[element_id]
        assert toc.sub_frames["TIT2"].text[0] == chapter.title
        assert [chaps[c].start_time for c in toc.child_element_ids] == [s.start_ms for s in chapter.sections]
    assert tag.getall("APIC") and tag["TIT2"].text[0] == "Harbour Weekly"


def test_the_m4b_has_a_quicktime_chapter_track_and_a_nero_chpl_that_agree(made):
    report, out, _ = made
    m4b = out / report.outputs["m4b"]
    quicktime = _quicktime_chapters(m4b)
    nero = [(round(c.start * 1000), c.title) for c in MP4(m4b).chapters]
    assert [title for _, title in quicktime] == [title for _, title in nero] == [c.title for c in _flat(report)]
    assert all(abs(a - b) <= 50 for (a, _), (b, _) in zip(quicktime, nero, strict=True))
    tags = MP4(m4b).tags
    assert tags["\xa9nam"] == ["Harbour Weekly"] and tags["covr"] and tags["stik"] == [2]


def test_each_article_is_heard_where_its_chapter_starts_in_both_files(made, ffmpeg):
    """The article's own audio, located in the joined audio by cross-correlation, starts within
    50 ms of the article's chapter."""
    report, out, manifest = made
    for container in ("mp3", "m4b"):
        joined = ffmpeg_samples(ffmpeg, out / report.outputs[container])
        for chapter, source in zip(report.chapters[1:], report.articles, strict=True):
            own = ffmpeg_samples(ffmpeg, out / manifest[source]["outputs"]["mp3"])
            snippet = own[RATE : 2 * RATE]  # a second of speech, one second in
            expected = chapter.start_ms * RATE // 1000 + RATE
            window = joined[expected - RATE : expected + 2 * RATE]
            score = correlate(window, snippet, mode="valid", method="fft")
            found = int(np.argmax(score)) + expected - RATE
            assert abs(found - expected) * 1000 / RATE <= 50, (container, source, found - expected)


def test_durations_are_the_parts_plus_the_declared_gaps(made, ffmpeg):
    report, out, manifest = made
    articles_ms = sum(MP3(out / manifest[s]["outputs"]["mp3"]).info.length * 1000 for s in report.articles)
    opening_ms = report.chapters[1].start_ms - report.gap_ms
    expected = opening_ms + articles_ms + len(report.articles) * report.gap_ms
    assert abs(MP3(out / report.outputs["mp3"]).info.length * 1000 - expected) <= 30  # the CBR reader's rounding
    assert abs(ffmpeg_samples(ffmpeg, out / report.outputs["mp3"]).size * 1000 / RATE - expected) <= 1
    assert abs(MP4(out / report.outputs["m4b"]).info.length * 1000 - expected) <= 50
    assert abs(ffmpeg_samples(ffmpeg, out / report.outputs["m4b"]).size * 1000 / RATE - expected) <= 50
    assert abs(report.duration_ms - expected) <= 1


def test_loudness_and_true_peak_hold_on_the_decoded_files(made, ffmpeg):
    report, out, _ = made
    for container in ("mp3", "m4b"):
        audio = ffmpeg_samples(ffmpeg, out / report.outputs[container]).astype(np.float64)
        loudness = pyloudnorm.Meter(RATE).integrated_loudness(audio)
        true_peak = 20 * np.log10(np.abs(resample_poly(audio, 4, 1)).max())
        assert abs(loudness + 16) <= 0.6, (container, loudness)
        assert true_peak <= -1.0, (container, true_peak)


def test_an_edition_of_unchanged_built_articles_speaks_no_sentence(made, archive):
    report, out, _ = made
    assert report.articles_synthesized > 0 and report.synthesized > 0  # first time: the build, then the opening
    articles, cache = archive / "articles", archive / "cache"
    again = build_edition(articles, out, title="Harbour Weekly", formats=("mp3", "m4b"), cache_dir=cache)
    assert again.status == "unchanged" and again.synthesized == 0 and again.articles_synthesized == 0
    sizes = {name: (out / name).stat().st_size for name in again.outputs.values()}
    # Made afresh (its files removed): from the articles' MP3s and the cached opening, no speech.
    (out / report.outputs["m4b"]).unlink()
    fresh = build_edition(articles, out, title="Harbour Weekly", formats=("mp3", "m4b"), cache_dir=cache)
    assert fresh.status == "built" and fresh.synthesized == 0 and fresh.articles_synthesized == 0
    assert {name: (out / name).stat().st_size for name in fresh.outputs.values()} == sizes


def test_a_changed_article_makes_the_edition_again(archive, tmp_path):
    import shutil

    articles = tmp_path / "articles"
    shutil.copytree(archive / "articles", articles)
    out, cache = tmp_path / "out", archive / "cache"
    first = build_edition(articles, out, title="Sea Edition", tag="sea", cache_dir=cache)
    assert first.articles == ("lighthouse.md", "ferries.md") and first.articles_synthesized == 0
    path = articles / "ferries.md"
    path.write_text(path.read_text().replace("at ten each evening", "at eleven each evening"))
    second = build_edition(articles, out, title="Sea Edition", tag="sea", cache_dir=cache)
    assert second.status == "built" and second.articles_synthesized == 1 and second.synthesized == 0


def test_the_page_lists_the_chapters_grouped_by_article_and_the_feed_has_the_edition(made):
    report, out, _ = made
    page = (out / report.outputs["page"]).read_text()
    assert page.count('class="ab-group-title"') == len(report.articles)
    assert f'src="{report.outputs["mp3"]}"' in page and report.outputs["m4b"] in page
    feed = feedparser.parse((out / "editions.xml").read_bytes())
    (item,) = feed.entries
    assert item.title == "Harbour Weekly"
    enclosure = item.enclosures[0]
    assert enclosure.href.endswith(report.outputs["mp3"]) and enclosure.type == "audio/mpeg"
    assert int(enclosure.length) == (out / report.outputs["mp3"]).stat().st_size
    assert "Harbour Weekly" not in (out / "feed.xml").read_text()  # the articles' feed is left alone


def test_selection_by_dates_tag_and_a_given_order(archive):
    entries = [
        {"source": "a.md", "title": "A", "date": "2026-01-01"},
        {"source": "b.md", "title": "B", "date": "2026-02-01"},
        {"source": "c.md", "title": "C", "date": None},
    ]
    import datetime as dt

    pick = lambda **options: [e["source"] for e in select(entries, archive, **options)]  # noqa: E731
    assert pick() == ["b.md", "a.md", "c.md"]
    assert pick(order="oldest") == ["c.md", "a.md", "b.md"]
    assert pick(since=dt.date(2026, 1, 15)) == ["b.md"]
    assert pick(until=dt.date(2026, 1, 15)) == ["a.md"]
    assert pick(names=["c.md", "a.md"], order="given") == ["c.md", "a.md"]
    assert pick(names=[str(archive / "a.md")], order="given") == ["a.md"]


def test_a_user_error_is_one_line_and_writes_nothing(archive, tmp_path):
    import os
    import sys

    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    for options, message in (
        (["--article", "missing.md"], "missing.md: no such article in the archive"),
        (["--since", "2030-01-01"], "no built article matches"),
        (["--since", "yesterday"], "--since yesterday: not a date"),
        (["--format", "ogg"], "format ogg: expected mp3, m4b or both"),
    ):
        command = [sys.executable, "-m", "audiobook.cli", "edition", str(archive / "articles"), "-o", str(out)]
        result = subprocess.run(
            [*command, "--cache-dir", str(archive / "cache"), *options], capture_output=True, text=True, env=env
        )
        assert result.returncode == 1, result.stderr
        assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr
        assert not list(out.glob("*.edition.*")) if out.exists() else True


# --- readers ---------------------------------------------------------------------------------------


def _flat(report):
    from audiobook.edition.layout import flat_chapters

    return flat_chapters(report.chapters)


def _quicktime_chapters(path: Path) -> list[tuple[int, str]]:
    """The chapters of the MP4's QuickTime chapter track: the text track the audio track's
    `tref/chap` names, its samples (a 16-bit length, then UTF-8) at the times of its sample table."""
    data = path.read_bytes()
    with open(path, "rb") as stream:
        atoms = Atoms(stream)

    def body(atom) -> bytes:
        return data[atom.offset + 8 : atom.offset + atom.length]

    tracks = {}
    chapter_ids = set()
    for trak in atoms.path(b"moov")[-1].findall(b"trak"):
        tkhd = body(trak[b"tkhd",])
        track_id = struct.unpack(">I", tkhd[12:16] if tkhd[0] == 0 else tkhd[20:24])[0]
        tracks[track_id] = trak
        if trak.children and any(child.name == b"tref" for child in trak.children):
            chap = body(trak[b"tref",])  # child boxes: size, b"chap", track ids
            assert chap[4:8] == b"chap"
            chapter_ids |= set(struct.unpack(f">{(len(chap) - 8) // 4}I", chap[8:]))
    (track_id,) = chapter_ids
    mdia = tracks[track_id][b"mdia",]
    assert body(mdia[b"hdlr",])[8:12] == b"text"
    mdhd = body(mdia[b"mdhd",])
    timescale = struct.unpack(">I", mdhd[12:16] if mdhd[0] == 0 else mdhd[20:24])[0]
    stbl = mdia[b"minf", b"stbl"]
    stts, stsz, stco, stsc = (body(stbl[name,]) for name in (b"stts", b"stsz", b"stco", b"stsc"))
    durations = []
    for i in range(struct.unpack(">I", stts[4:8])[0]):
        count, delta = struct.unpack(">II", stts[8 + 8 * i : 16 + 8 * i])
        durations += [delta] * count
    (size_all, count) = struct.unpack(">II", stsz[4:12])
    sizes = [size_all] * count if size_all else list(struct.unpack(f">{count}I", stsz[12 : 12 + 4 * count]))
    (chunks,) = struct.unpack(">I", stco[4:8])
    chunk_offsets = struct.unpack(f">{chunks}I", stco[8 : 8 + 4 * chunks])
    runs = [struct.unpack(">III", stsc[8 + 12 * i : 20 + 12 * i]) for i in range(struct.unpack(">I", stsc[4:8])[0])]
    offsets = []  # each sample's place: its chunk's offset plus the samples before it in the chunk
    for number, chunk_offset in enumerate(chunk_offsets, 1):
        per_chunk = [samples for first, samples, _ in runs if first <= number][-1]
        for _ in range(per_chunk):
            offsets.append(chunk_offset)
            chunk_offset += sizes[len(offsets) - 1]
    chapters, time = [], 0
    for offset, duration in zip(offsets, durations, strict=True):
        (length,) = struct.unpack(">H", data[offset : offset + 2])
        chapters.append((round(time * 1000 / timescale), data[offset + 2 : offset + 2 + length].decode("utf-8")))
        time += duration
    return chapters


def test_the_page_plays_in_a_browser_and_a_sections_button_seeks_to_it(made):
    """Real Chromium (Debian's package, as the player tests use): the page loads cleanly, the
    chapter list is grouped by article, and a section's button seeks the edition there."""
    import os
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        if os.environ.get("CI"):
            raise RuntimeError("the browser tests need Debian's chromium (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    report, out, _ = made
    section = report.chapters[2].sections[1]  # the second article's second section
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            problems = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto((out / report.outputs["page"]).as_uri())
            page.wait_for_function("document.querySelector('audio').readyState >= 1")
            groups = page.locator(".ab-group-title")
            assert [groups.nth(i).inner_text() for i in range(groups.count())] == [c.title for c in report.chapters[1:]]
            page.locator(f".ab-chapter[data-start='{section.start_ms / 1000:.3f}']").click()
            page.wait_for_function(
                "Math.abs(document.querySelector('audio').currentTime - %f) < 0.3" % (section.start_ms / 1000)
            )
            duration = page.evaluate("document.querySelector('audio').duration")
            assert abs(duration * 1000 - report.duration_ms) < 100 and problems == []
        finally:
            browser.close()


def test_a_tampered_edition_manifest_or_article_file_is_handled_without_a_traceback(made, archive, tmp_path):
    """The output folder is published and may be edited: a hand-edited edition manifest means
    "make it again" (and never names another file to remove); a damaged article MP3 is one error
    naming it."""
    import shutil

    report, built, _ = made
    out = tmp_path / "out"
    shutil.copytree(built, out)
    articles, cache = archive / "articles", archive / "cache"
    # Untouched, a change of containers removes the one no longer asked for.
    mp3_only = build_edition(articles, out, title="Harbour Weekly", formats=("mp3",), cache_dir=cache)
    assert mp3_only.status == "built" and not (out / report.outputs["m4b"]).exists()
    manifest = out / f"{report.slug}.edition.json"
    data = json.loads(manifest.read_text())
    data["chapters"][1]["title"] = 5
    page = next(out.glob("keeping-the-lighthouse*.html"))
    data["outputs"]["stolen"] = page.name  # not the edition's own: must never be removed
    manifest.write_text(json.dumps(data))
    again = build_edition(articles, out, title="Harbour Weekly", formats=("mp3",), cache_dir=cache)
    assert again.status == "built" and again.synthesized == 0 and page.exists()
    mp3 = out / json.loads((out / "manifest.json").read_text())["articles"][0]["outputs"]["mp3"]
    data = bytearray(mp3.read_bytes())
    data[-5000:] = bytes(5000)  # same size: the build still takes it as built
    mp3.write_bytes(data)
    from audiobook.errors import AudiobookError

    with pytest.raises(AudiobookError, match=f"^{re.escape(str(mp3))}: not an MP3"):
        build_edition(articles, out, title="Another", cache_dir=cache)
    assert not list(out.glob("another.edition.*"))


def test_an_article_whose_build_failed_is_left_out_with_a_warning(archive, tmp_path):
    import shutil

    articles = tmp_path / "articles"
    shutil.copytree(archive / "articles", articles)
    (articles / "empty.md").write_text("---\ntitle: Nothing Here\ndate: 2026-03-09\n---\n", encoding="utf-8")
    report = build_edition(articles, tmp_path / "out", title="Without It", cache_dir=archive / "cache")
    assert "empty.md" not in report.articles and len(report.articles) == 3
    (warning,) = report.warnings
    assert warning.startswith(f"{articles / 'empty.md'}: left out of the edition, its build failed")


def test_limiting_a_few_seconds_at_a_time_gives_what_limiting_the_whole_gives():
    """The M4B's audio is limited in blocks with context around them (memory flat in length);
    the result is the whole signal limited at once, however the input is cut."""
    from audiobook.audio import limit
    from audiobook.formats.m4b import LIMIT_BLOCK, limited

    rng = np.random.default_rng(7)
    audio = (rng.standard_normal(3 * LIMIT_BLOCK + 12345) * 0.3).astype(np.float32)
    audio[LIMIT_BLOCK - 3 : LIMIT_BLOCK + 3] = 1.0  # a peak right on a block boundary
    cuts = [0, 1000, 70000, 200000, 390000, audio.size]
    pieces = list(limited((audio[a:b] for a, b in zip(cuts, cuts[1:], strict=False)), 0.5, RATE))
    joined = np.concatenate(pieces)
    assert joined.size == audio.size and np.abs(joined).max() <= 0.5 + 1e-6
    np.testing.assert_allclose(joined, limit(audio, 0.5, RATE), atol=1e-6)


def test_front_matter_tags_are_a_list_or_comma_separated_and_anything_else_is_one_error(tmp_path):
    from audiobook.errors import InputError
    from audiobook.parse import read_article

    path = tmp_path / "a.md"
    for tags, expected in (("[sea, 'old town']", ("sea", "old town")), ("sea,  history ,", ("sea", "history"))):
        path.write_text(f"---\ntitle: T\ntags: {tags}\n---\nText here.\n", encoding="utf-8")
        assert read_article(path).tags == expected
    path.write_text("---\ntitle: T\ntags: {sea: 1}\n---\nText here.\n", encoding="utf-8")
    with pytest.raises(InputError, match="front matter 'tags' must be a list"):
        read_article(path)


def test_a_second_m4b_edition_encodes_only_its_opening_and_its_joined_chapters_hold(made, archive, tmp_path, ffmpeg):
    """The articles' AAC pieces are cached by their MP3's content: an edition of articles another
    edition already encoded (other title, other choice) encodes only its own opening, and the
    joined file's chapters (both readers) and audio are where the articles start."""
    import shutil

    report, built, manifest = made
    assert report.m4b_encoded == 1 + len(report.articles)  # first M4B: every piece
    out = tmp_path / "out"
    shutil.copytree(built, out)
    second = build_edition(
        archive / "articles", out, title="Sea Extra", tag="sea", formats=("m4b",), cache_dir=archive / "cache"
    )
    assert second.articles == ("lighthouse.md", "ferries.md") and second.m4b_encoded == 1
    m4b = out / second.outputs["m4b"]
    expected = [(s.start_ms, s.title) for s in _flat(second)]
    for found in (
        [(start, title) for start, _, title in ffmpeg_chapters(ffmpeg, m4b)],
        [(round(c.start * 1000), c.title) for c in MP4(m4b).chapters],
    ):
        assert [title for _, title in found] == [title for _, title in expected]
        assert all(abs(start - want) <= 50 for (start, _), (want, _) in zip(found, expected, strict=True))
    joined = ffmpeg_samples(ffmpeg, m4b)
    assert abs(joined.size * 1000 / RATE - second.duration_ms) <= 50
    for chapter, source in zip(second.chapters[1:], second.articles, strict=True):
        own = ffmpeg_samples(ffmpeg, out / manifest[source]["outputs"]["mp3"])
        expected_at = chapter.start_ms * RATE // 1000 + RATE
        window = joined[expected_at - RATE : expected_at + 2 * RATE]
        found = int(np.argmax(correlate(window, own[RATE : 2 * RATE], mode="valid", method="fft"))) + expected_at - RATE
        assert abs(found - expected_at) * 1000 / RATE <= 50, (source, found - expected_at)
    again = build_edition(
        archive / "articles", out, title="Sea Extra, again", tag="sea", formats=("m4b",), cache_dir=archive / "cache"
    )
    assert again.m4b_encoded == 1  # the new title's opening only


def test_pieces_are_placed_within_half_an_aac_frame_and_the_file_ends_where_the_layout_ends():
    """Pure placement arithmetic over awkward lengths: every piece lands within half a frame of
    its place (the last within a frame before it, never after), and the packets add up to the layout's length."""
    from audiobook.edition.m4b import place
    from audiobook.formats.m4b import AAC_FRAME, AAC_PRIMING, packets_for

    rng = np.random.default_rng(3)
    for _ in range(200):
        lengths = [int(n) for n in rng.integers(1, 400_000, size=int(rng.integers(1, 8)))]
        gaps = [int(g) for g in rng.integers(33_000, 40_000, size=len(lengths))]
        starts, position = [], 0
        for length, gap in zip(lengths, gaps, strict=True):
            position += gap if starts else 0
            starts.append(position)
            position += length
        placements, tail = place(starts, lengths, position)
        assert placements[0].silent_packets == 0 and placements[0].shift == 0
        assert all(-AAC_FRAME / 2 <= p.shift <= AAC_FRAME / 2 for p in placements[:-1])
        assert -AAC_FRAME < placements[-1].shift <= 0
        packets = sum(p.silent_packets + packets_for(n) for p, n in zip(placements, lengths, strict=True)) + tail
        assert 0 <= packets * AAC_FRAME - AAC_PRIMING - position < AAC_FRAME


def test_a_damaged_or_foreign_aac_piece_in_the_cache_is_encoded_again(made, archive, tmp_path):
    """Fault injection on the cache: every cached piece damaged (its checksum fails) is encoded
    again; an entry whose numbers do not fit together (a crafted one, checksum valid) is refused."""
    import shutil

    from audiobook.edition.piece_store import pack, unpack
    from audiobook.formats.m4b import EncodedAudio

    report, built, _ = made
    out, cache = tmp_path / "out", tmp_path / "cache"
    shutil.copytree(built, out)
    shutil.copytree(archive / "cache", cache)
    pieces = [p for p in (cache / "segments").rglob("*") if p.is_file()]
    assert pieces
    for piece in pieces:
        data = bytearray(piece.read_bytes())
        data[len(data) // 2] ^= 0xFF
        piece.write_bytes(data)
    again = build_edition(archive / "articles", out, title="Harbour Weekly, damaged", formats=("m4b",), cache_dir=cache)
    assert again.m4b_encoded == 1 + len(again.articles)
    assert MP4(out / again.outputs["m4b"]).chapters  # written whole
    good = EncodedAudio(b"\x13\x88", (b"\x01\x18\x20\x07",) * 2, 1000)
    assert unpack(pack(good), 1000) == good
    assert unpack(pack(good), 5000) is None  # two packets cannot hold 5,000 samples
    assert unpack(pack(good)[:-1], 1000) is None and unpack(b"\xff" * 12, 1000) is None
