"""Pure logic: timeline arithmetic, and CHAP frames in time order in the written tag."""

from __future__ import annotations

import struct

from audiobook.model import Script, ScriptChapter, Utterance
from audiobook.publish import chapters_json, webvtt
from audiobook.tags import TagInfo, build_tag
from audiobook.timeline import ChapterMark, build_timeline, timestamp


def _script() -> Script:
    def u(text, pause):
        return Utterance(text, text, pause)

    return Script(
        "T",
        "en",
        (
            ScriptChapter("Opening", (u("a", 100), u("b", 1000))),
            ScriptChapter("Second", (u("c", 0),)),
        ),
    )


def test_timeline_is_exact_from_sample_counts():
    timeline = build_timeline(_script(), [22050, 11025, 44100], 22050)
    # a: 0–1000 ms, pause 100 ms; b: 1100–1600, pause 1000; c starts at 2600.
    assert [(c.start_ms, c.end_ms) for c in timeline.cues] == [(0, 1000), (1100, 1600), (2600, 4600)]
    assert [(c.title, c.start_ms, c.end_ms) for c in timeline.chapters] == [
        ("Opening", 0, 2600),
        ("Second", 2600, 4600),
    ]
    assert timeline.duration_ms == 4600
    assert timestamp(3_723_004) == "01:02:03.004"
    assert webvtt(timeline).startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\na\n")
    assert '"startTime": 2.6' in chapters_json(timeline)


def _chap_order(tag: bytes) -> list[int]:
    """Start times of CHAP frames in the order they are stored in a v2.3 tag."""
    starts, position = [], 10
    while tag[position : position + 4].strip(b"\x00"):
        size = struct.unpack(">I", tag[position + 4 : position + 8])[0]
        if tag[position : position + 4] == b"CHAP":
            body = tag[position + 10 : position + 10 + size]
            starts.append(struct.unpack(">I", body[body.index(b"\x00") + 1 :][:4])[0])
        position += 10 + size
    return starts


def test_chap_frames_are_written_in_time_order_whatever_their_sizes():
    # Title lengths chosen so that mutagen's size-based order would shuffle them.
    titles = ["A very long opening chapter title indeed", "B", "Medium sized", "Tiny", "x" * 30]
    chapters = [ChapterMark(t, i * 1000, (i + 1) * 1000) for i, t in enumerate(titles)]
    tag = build_tag(TagInfo("T", "A", "P", "2026-01-02", "en", "S", None, None), chapters, 5000)
    assert tag[:5] == b"ID3\x03\x00"
    assert _chap_order(tag) == [0, 1000, 2000, 3000, 4000]
