"""The output-format seam, MP3 behind it: its facts are what independent readers find in a real
edition (real speech, real LAME bytes), and the feed and the page take the file's name and type
from it. mutagen reads the frames and the tag, miniaudio (dr_mp3) decodes, pyloudnorm measures."""

from __future__ import annotations

import json
import re

import feedparser
import miniaudio
import numpy as np
import pyloudnorm
import pytest
from mutagen import mp3 as mutagen_mp3
from mutagen.id3 import ID3

from audiobook import convert_article
from audiobook.audio import true_peak_dbtp
from audiobook.build import build_archive
from audiobook.cache import ClipCache
from audiobook.formats import AUDIO_OUTPUT, DEFAULT_FORMAT, FORMATS, MP3, format_for_file, output_format
from audiobook.settings import Settings
from audiobook.tags import read_back

ARTICLE = """---
title: Tide Pools at Low Water
date: 2026-02-03
summary: What lives between the tides.
---
When the sea pulls back twice a day, a small world is left behind in the rocks. Crabs wait
under ledges, anemones close into soft buttons, and snails graze on a film of green algae.

## Who lives there

Barnacles glue themselves to the stone for life. They open at high water and sweep the sea
with feathery legs. Limpets wander at night and come home to the same scar on the rock.

## How to visit

Go on a falling tide, wear shoes that grip, and turn every stone back the way you found it.
The pool was there long before you came, and it should be there after you leave.
"""
CONFIG = 'publication = "Shore Notes"\n[feed]\nbase_url = "https://audio.example.org/shore/"\n'


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """A one-article archive built with the real engine: (output folder, manifest entry, format)."""
    root = tmp_path_factory.mktemp("formats")
    articles = root / "articles"
    articles.mkdir()
    (articles / "audiobook.toml").write_text(CONFIG, encoding="utf-8")
    (articles / "tide-pools.md").write_text(ARTICLE, encoding="utf-8")
    report = build_archive(articles, root / "out", cache_dir=root / "cache")
    assert report.ok, report
    (entry,) = json.loads((root / "out" / "manifest.json").read_text())["articles"]
    return root / "out", entry, output_format(Settings())


def test_the_default_format_is_mp3_and_the_registry_finds_it_by_name_and_suffix():
    fmt = output_format(Settings())
    assert fmt is MP3 is FORMATS[DEFAULT_FORMAT] is output_format()
    assert (fmt.name, fmt.suffix, fmt.mime) == ("mp3", ".mp3", "audio/mpeg")
    assert fmt.file_name("tide-pools") == "tide-pools.mp3"
    assert format_for_file("out/Tide-Pools.MP3") is fmt
    assert format_for_file("tide-pools.vtt") is None


def test_the_file_is_the_formats_tag_then_whole_frames_of_its_size(edition):
    out, entry, fmt = edition
    path = out / entry["outputs"][AUDIO_OUTPUT]
    assert path.name == fmt.file_name(entry["slug"])
    data = path.read_bytes()
    tag = ID3(path)
    assert tag.version == (2, 3, 0)
    tag_bytes = tag.size  # header included
    assert data[:3] == b"ID3" and data[tag_bytes : tag_bytes + 2] == b"\xff\xfb"  # the first frame's sync
    settings = Settings()
    frames = fmt.count_frames(data[tag_bytes:], settings.sample_rate)  # every byte after the tag is a frame
    info = mutagen_mp3.MP3(path).info
    assert (info.version, info.layer, info.sample_rate, info.channels) == (1, 3, settings.sample_rate, 1)
    assert info.bitrate == settings.bitrate_kbps * 1000
    # mutagen takes the duration of a headerless CBR stream from its size: it is the frames the
    # format counted, of the size the format declares (within a frame of padding bytes).
    spf = fmt.samples_per_frame
    assert abs(info.length - frames * spf / info.sample_rate) < spf / info.sample_rate
    assert entry["duration_ms"] == round(frames * spf * 1000 / info.sample_rate)
    # The cache's check accepts the real stream, and refuses it for half or twice its frames.
    size, rate, kbps = len(data) - tag_bytes, settings.sample_rate, settings.bitrate_kbps
    assert fmt.stream_fits(frames, size, rate, kbps)
    assert not fmt.stream_fits(2 * frames, size, rate, kbps) and not fmt.stream_fits(frames // 2, size, rate, kbps)
    # dr_mp3, a decoder of its own, finds the same frames: all of them, and no more.
    decoded = miniaudio.decode(data, output_format=miniaudio.SampleFormat.FLOAT32, nchannels=1)
    assert decoded.sample_rate == settings.sample_rate
    assert decoded.num_frames == frames * spf  # no Xing/LAME header: nothing trimmed


def test_the_encoder_delay_is_what_a_decoder_finds_on_real_speech(edition):
    """Speech out of the edition, encoded again by the format and decoded by miniaudio, comes back
    ``encoder_delay_samples`` later: the offset every chapter and cue time is placed with."""
    out, entry, fmt = edition
    speech, rate = _decode(out / entry["outputs"][AUDIO_OUTPUT])
    source = speech[rate : 4 * rate].copy()  # three seconds of the narration
    again, again_rate = _decode_bytes(fmt.encode(np.array_split(source, 7), rate, Settings().bitrate_kbps))
    assert again_rate == rate
    lag = int(np.argmax(np.correlate(again[: source.size], source[:4096])))
    assert lag == fmt.encoder_delay_samples
    assert np.corrcoef(again[lag : lag + source.size], source)[0, 1] > 0.99


def test_the_chapters_in_the_tag_are_those_of_the_manifest_and_read_back_by_the_format(edition):
    out, entry, fmt = edition
    path = out / entry["outputs"][AUDIO_OUTPUT]
    back = fmt.read_back(path)
    assert back == read_back(path)  # the public reader picks the format by the file
    assert back.version == "2.3"
    assert [(c.title, c.start_ms, c.end_ms) for c in back.chapters] == [
        (c["title"], c["start_ms"], c["end_ms"]) for c in entry["chapters"]
    ]
    assert back.fields["title"] == "Tide Pools at Low Water" and back.has_cover
    # Each chapter starts on a frame boundary of the joined stream (its part's first frame).
    rate, spf = back.sample_rate, fmt.samples_per_frame
    for chapter in back.chapters:
        frames = chapter.start_ms * rate / 1000 / spf
        assert abs(frames - round(frames)) * spf < rate / 1000  # within the millisecond rounding


def test_the_encoders_loudness_and_peak_facts_hold_on_the_decoded_file(edition):
    """What the build reports is the mastered audio's measurement with the format's facts applied
    (loudness lost, true peak added); measured on the MP3 itself, it holds."""
    out, entry, fmt = edition
    audio, rate = _decode(out / entry["outputs"][AUDIO_OUTPUT])
    measured = pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64))
    settings = Settings()
    # The manifest keeps no loudness: the same conversion again, from the build's cache (the same
    # audio; the tag differs: no audiobook.toml here).
    result = convert_article(
        out.parent / "articles" / "tide-pools.md", out.parent / "again", settings, cache=ClipCache(out.parent / "cache")
    )
    built = out / entry["outputs"][AUDIO_OUTPUT]
    assert result.audio_file.read_bytes()[ID3(result.audio_file).size :] == built.read_bytes()[ID3(built).size :]
    reported = result.loudness
    assert abs(reported.integrated_lufs - measured) < 0.15
    # Without the format's loudness loss, the report would miss by more.
    assert abs(reported.integrated_lufs + fmt.loudness_loss_lu - measured) > abs(reported.integrated_lufs - measured)
    assert true_peak_dbtp(audio, rate) <= reported.true_peak_dbtp <= settings.true_peak_dbtp
    assert fmt.true_peak_headroom_db(settings.bitrate_kbps) > 0


def test_the_feed_and_the_page_take_the_name_and_type_from_the_format(edition):
    out, entry, fmt = edition
    name = fmt.file_name(entry["slug"])
    assert entry["outputs"][AUDIO_OUTPUT] == name
    assert entry["sizes"][AUDIO_OUTPUT] == (out / name).stat().st_size
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo
    (enclosure,) = parsed.entries[0].enclosures
    assert enclosure.href == "https://audio.example.org/shore/" + name
    assert enclosure.type == fmt.mime
    assert int(enclosure.length) == (out / name).stat().st_size
    for page in (entry["outputs"]["page"], entry["outputs"]["embed"]):
        html = (out / page).read_text(encoding="utf-8")
        assert re.findall(r'<audio [^>]*src="([^"]+)"', html) == [name]


def _decode(path):
    return _decode_bytes(path.read_bytes())


def _decode_bytes(data: bytes):
    decoded = miniaudio.decode(data, output_format=miniaudio.SampleFormat.FLOAT32, nchannels=1)
    return np.asarray(decoded.samples, dtype=np.float32), decoded.sample_rate
