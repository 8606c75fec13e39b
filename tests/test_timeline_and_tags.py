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


# --- word-level timing -----------------------------------------------------------------------------

_TIMESTAMP = r"(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})"


def _ms(match) -> int:
    h, m, s, ms = (int(g) for g in match.groups())
    return ((h * 60 + m) * 60 + s) * 1000 + ms


def strict_webvtt(text: str) -> list[tuple[int, int, list[tuple[int, str]]]]:
    """Reads WebVTT as the spec's parser would refuse it (a strict subset of the W3C rules): the
    signature, numbered cues, one timing line each with end after start, one line of cue text
    whose only tags are timestamps strictly inside the cue and increasing, and whose only
    character references are &amp; &lt; &gt;. Returns (start, end, [(time, text)...]) per cue."""
    import re

    assert text.startswith("WEBVTT\n\n"), "no signature"
    cues = []
    blocks = text[len("WEBVTT\n\n") :].split("\n\n")
    for number, block in enumerate([b for b in blocks if b.strip()], start=1):
        lines = block.strip("\n").split("\n")
        assert lines[0] == str(number) and len(lines) == 3, block
        timing = re.fullmatch(f"{_TIMESTAMP} --> {_TIMESTAMP}", lines[1])
        assert timing, lines[1]
        start = _ms(re.match(_TIMESTAMP, lines[1]))
        end = _ms(re.match(_TIMESTAMP, lines[1].split(" --> ")[1]))
        assert start < end and (not cues or cues[-1][1] <= start)
        payload = lines[2]
        assert "-->" not in payload and payload.strip()
        pieces = re.split(r"<([^>]*)>", payload)
        words = [(start, pieces[0])]
        previous = start
        for tag, piece in zip(pieces[1::2], pieces[2::2], strict=True):
            stamp = re.fullmatch(_TIMESTAMP, tag)
            assert stamp, f"a tag that is not a timestamp: <{tag}>"
            assert previous < _ms(stamp) < end, f"timestamp {tag} not inside the cue and after the one before"
            previous = _ms(stamp)
            words.append((previous, piece))
        for _, piece in words:
            assert ">" not in piece and not re.search(r"&(?!amp;|lt;|gt;)", piece), piece
        cues.append((start, end, words))
    return cues


def test_tone_engine_word_timings_are_exact():
    from audiobook.speech.tones import ToneEngine

    engine = ToneEngine(None, 150, 1.0)
    clip = engine.synthesize("one two three")
    word, gap = round(22050 * 60 / 150 * 0.8), round(22050 * 60 / 150 * 0.2)
    assert [(w.text, w.start, w.end) for w in clip.words] == [
        ("one", 0, word),
        ("two", word + gap, 2 * word + gap),
        ("three", 2 * (word + gap), 3 * word + 2 * gap),
    ]


def test_caption_words_take_the_times_of_the_words_they_were_read_as():
    from audiobook.model import WordTiming
    from audiobook.timeline import caption_words

    spoken = [WordTiming(t, i * 10, i * 10 + 8) for i, t in enumerate(["It", "costs", "five", "dollars", "today"])]
    assert caption_words("It costs $5 — today.", spoken) == (
        ("It", 0, 8),
        ("costs", 10, 18),
        ("$5 —", 20, 38),  # "$5" read as two words; the dash as none: joined to the word before
        ("today.", 40, 48),
    )
    assert caption_words("— Yes", [WordTiming("Yes", 5, 9)]) == (("— Yes", 5, 9),)
    assert caption_words("Nothing matches", []) == ()


def test_word_times_are_placed_in_the_stream_like_their_sentences():
    from audiobook.model import WordTiming
    from audiobook.timeline import place_in_stream

    script = Script("T", "en", (ScriptChapter("One", (Utterance("a b", "A b.", 500), Utterance("c", "C!", 0))),))
    words = [(WordTiming("a", 0, 10_000), WordTiming("b", 11_025, 22_050)), (WordTiming("c", 100, 200),)]
    spoken = build_timeline(script, [22050, 1000], 22050, words)
    assert [(w.text, w.start_ms, w.end_ms) for w in spoken.cues[0].words] == [("A", 0, 454), ("b.", 500, 1000)]
    placed = place_in_stream(spoken, [60], 44100, 1152, 576)
    for cue in placed.cues:
        assert cue.words and " ".join(w.text for w in cue.words) == cue.caption
        times = [t for w in cue.words for t in (w.start_ms, w.end_ms)]
        assert times == sorted(times) and cue.start_ms <= times[0] and times[-1] <= cue.end_ms
    assert placed.cues[0].words[0].start_ms == placed.cues[0].start_ms  # 576 samples of codec delay: 13 ms
    vtt = webvtt(placed)
    assert strict_webvtt(vtt)[0][2] == [(13, "A "), (513, "b.")]


def test_tones_article_has_word_timed_vtt_and_json_transcript(tmp_path):
    import json

    from audiobook import Settings, convert_article

    source = tmp_path / "a.md"
    source.write_text(
        "# Words & more\n\nThe first sentence is here. A second one --> follows it, 3 < 4.\n", encoding="utf-8"
    )
    result = convert_article(source, tmp_path / "out", Settings(engine="test-tones"))
    cues = strict_webvtt(result.transcript.read_text(encoding="utf-8"))
    assert len(cues) == 3 and all(len(words) > 1 for _, _, words in cues)
    assert cues[0][2][0][1] == "Words &amp; " and [piece for _, piece in cues[2][2][-3:]] == [
        "it, ",
        "3 &lt; ",  # "<" has no letters: no time of its own (read as "less than", joined to the word before)
        "4.",
    ]
    transcript = json.loads(result.transcript_json.read_text(encoding="utf-8"))
    assert transcript["version"] == "1.0.0" and set(transcript) == {"version", "segments"}
    segments = transcript["segments"]
    for segment in segments:
        assert set(segment) == {"startTime", "endTime", "body"}
        assert isinstance(segment["body"], str) and segment["body"].strip() == segment["body"] != ""
        assert 0 <= segment["startTime"] < segment["endTime"]
    starts = [s["startTime"] for s in segments]
    assert starts == sorted(starts)
    assert [s["body"] for s in segments][:3] == ["Words &", "more", "The"]
    assert [s["body"] for s in segments][-3:] == ["it,", "3 <", "4."]
    vtt_words = [piece.strip() for _, _, words in cues for _, piece in words]
    assert len(vtt_words) == len(segments)  # every word timed in both
