"""Who starts when: computed once from sample counts; every output reads it from here.

Pure functions over plain numbers (no audio, no I/O), so chapter, cue and word times are exact
and testable without a TTS engine. Times are in milliseconds of the final audio. A word's time is
placed as its sentence's is: an offset in samples from its clip's start, carried through the
same resampling and part-stream arithmetic (``place_in_stream``), so words stay inside their cue.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .model import Script, WordTiming


@dataclass(frozen=True)
class CueWord:
    """A word of a caption as a reader sees it (with its punctuation), and when it is spoken."""

    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Cue:
    """One spoken sentence: when it starts and ends, and its caption for the transcript.

    ``words``: the caption's words with their times, in order, inside the cue, together the whole
    caption (its words joined by single spaces); empty when the engine reported no word timings.
    """

    start_ms: int
    end_ms: int
    caption: str
    chapter: int
    words: tuple[CueWord, ...] = ()


@dataclass(frozen=True)
class ChapterMark:
    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Segment:
    """A clip followed by silence, placed at ``start`` (in samples of the source rate)."""

    start: int
    speech: int
    silence: int
    # Where the cue's words are heard: (start, end) in samples from ``start``, one per Cue word.
    words: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Timeline:
    sample_rate: int  # rate of the sample counts below
    total_samples: int
    segments: tuple[Segment, ...]
    cues: tuple[Cue, ...]
    chapters: tuple[ChapterMark, ...]
    chapter_starts: tuple[int, ...]  # first sample of each chapter
    part_starts: tuple[int, ...]  # where the audio is cut into separately encoded parts

    @property
    def duration_ms(self) -> int:
        return samples_to_ms(self.total_samples, self.sample_rate)


def samples_to_ms(samples: int, rate: int) -> int:
    return (samples * 1000 + rate // 2) // rate


# The audio is encoded in parts of at least PART_MIN_MS, cut only at chapter starts and in pauses of
# at least CUT_PAUSE_MS (where the codec's delay and padding fall in silence): an edited sentence
# re-encodes its part, not its whole chapter. A part that reaches PART_MAX_MS without such a pause
# is cut at the next pause between sentences, so memory stays bounded by the part, not the chapter.
PART_MIN_MS = 15_000
PART_MAX_MS = 30_000
CUT_PAUSE_MS = 600
SENTENCE_CUT_PAUSE_MS = 200


def _comparable(word: str) -> str:
    return "".join(c for c in word.casefold() if c.isalnum())


def caption_words(caption: str, spoken: Sequence[WordTiming]) -> tuple[tuple[str, int, int], ...]:
    """The caption's words with the times of the spoken words they were read as.

    The engine was given the sentence normalized for speech ("$5" → "five dollars"), the reader
    sees the caption, so the two word lists are matched (difflib, on letters and digits only):
    equal words take their spoken word's time; a run of caption words read as a different run of
    spoken words shares that run's time evenly, in order; a caption word spoken as nothing (a
    dash) joins the word before it (the first such word, the word after it). Returns
    (text, start, end) per timed word, texts joined by spaces giving the caption's words; empty
    when nothing could be matched.
    """
    tokens = caption.split()
    if not tokens or not spoken:
        return ()
    times: list[tuple[int, int] | None] = [None] * len(tokens)
    # Only words with letters or digits are matched; the others (dashes, bullets) are spoken as nothing.
    wordy = [index for index, token in enumerate(tokens) if _comparable(token)]
    keys = [_comparable(tokens[index]) for index in wordy]
    matcher = SequenceMatcher(None, keys, [_comparable(w.text) for w in spoken], False)
    last = -1  # the caption word timed last, for spoken words that have none
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "insert":
            if last >= 0:
                times[last] = (times[last][0], spoken[j2 - 1].end)  # type: ignore[index]
            continue
        if tag == "delete":
            continue
        count, words = i2 - i1, j2 - j1
        for k in range(count):
            first, end = j1 + k * words // count, j1 + (k + 1) * words // count
            if end > first:
                last = wordy[i1 + k]
                times[last] = (spoken[first].start, spoken[end - 1].end)
    timed: list[list] = []
    waiting: list[str] = []  # untimed words before the first timed one
    for token, time in zip(tokens, times, strict=True):
        if time is None:
            if timed:
                timed[-1][0] += " " + token
            else:
                waiting.append(token)
        else:
            timed.append([" ".join([*waiting, token]), *time])
            waiting = []
    return tuple((text, start, end) for text, start, end in timed)


def build_timeline(
    script: Script,
    clip_samples: Sequence[int],
    sample_rate: int,
    clip_words: Sequence[Sequence[WordTiming]] | None = None,
) -> Timeline:
    """Lay clips end to end with each utterance's pause after it; ``clip_words``, per clip, the
    engine's word timings (inside the clip, as ``Clip.words``) time the cues' words."""
    utterances = script.utterances
    if len(clip_samples) != len(utterances):
        raise ValueError(f"{len(clip_samples)} clips for {len(utterances)} utterances")
    if clip_words is not None and len(clip_words) != len(utterances):
        raise ValueError(f"word timings for {len(clip_words)} clips of {len(utterances)}")
    segments: list[Segment] = []
    cues: list[Cue] = []
    chapter_starts: list[int] = []
    part_starts: list[int] = []
    part_min = PART_MIN_MS * sample_rate // 1000
    part_max = PART_MAX_MS * sample_rate // 1000
    position = 0
    index = 0
    previous_pause_ms = 0
    for chapter_number, chapter in enumerate(script.chapters):
        chapter_starts.append(position)
        part_starts.append(position)
        for number, utterance in enumerate(chapter.utterances):
            length = position - part_starts[-1]
            if number and (
                (previous_pause_ms >= CUT_PAUSE_MS and length >= part_min)
                or (previous_pause_ms >= SENTENCE_CUT_PAUSE_MS and length >= part_max)
            ):
                part_starts.append(position)
            speech = clip_samples[index]
            silence = (utterance.pause_after_ms * sample_rate + 500) // 1000
            words = caption_words(utterance.caption, clip_words[index]) if clip_words else ()
            words = tuple(w for w in words if w[2] <= speech)  # the clip's own words: always
            segments.append(Segment(position, speech, silence, tuple((start, end) for _, start, end in words)))
            cues.append(
                Cue(
                    samples_to_ms(position, sample_rate),
                    samples_to_ms(position + speech, sample_rate),
                    utterance.caption,
                    chapter_number,
                    _cue_words(words, position, sample_rate),
                )
            )
            position += speech + silence
            previous_pause_ms = utterance.pause_after_ms
            index += 1
    ends = chapter_starts[1:] + [position]
    chapters = tuple(
        ChapterMark(chapter.title, samples_to_ms(start, sample_rate), samples_to_ms(end, sample_rate))
        for chapter, start, end in zip(script.chapters, chapter_starts, ends, strict=True)
    )
    return Timeline(
        sample_rate, position, tuple(segments), tuple(cues), chapters, tuple(chapter_starts), tuple(part_starts)
    )


def _cue_words(words: Sequence[tuple[str, int, int]], position: int, rate: int) -> tuple[CueWord, ...]:
    return tuple(
        CueWord(text, samples_to_ms(position + start, rate), samples_to_ms(position + end, rate))
        for text, start, end in words
    )


def place_in_stream(
    timeline: Timeline, part_frames: Sequence[int], rate: int, samples_per_frame: int, delay: int
) -> Timeline:
    """Where everything lands once each part is its own encoded stream, joined end to end.

    Part i starts at the first sample of its stream (the sum of the earlier streams' frames); its
    audio follows after the codec ``delay``, resampled from the engine's rate to ``rate``. A chapter
    mark sits at the start of the stream of the part that opens the chapter.
    """
    if len(part_frames) != len(timeline.part_starts):
        raise ValueError(f"{len(part_frames)} encoded parts for {len(timeline.part_starts)}")
    stream_starts = [0]
    for frames in part_frames:
        stream_starts.append(stream_starts[-1] + frames * samples_per_frame)
    scale = rate / timeline.sample_rate
    part_of = {start: number for number, start in enumerate(timeline.part_starts)}

    def placed(sample: int) -> int:
        part = bisect_right(timeline.part_starts, sample) - 1
        return stream_starts[part] + delay + round((sample - timeline.part_starts[part]) * scale)

    segments, cues = [], []
    for segment, cue in zip(timeline.segments, timeline.cues, strict=True):
        start = placed(segment.start)
        speech = round(segment.speech * scale)
        spans = tuple((round(a * scale), round(b * scale)) for a, b in segment.words)
        segments.append(Segment(start, speech, round(segment.silence * scale), spans))
        texts = [word.text for word in cue.words]
        words = _cue_words([(t, a, b) for t, (a, b) in zip(texts, spans, strict=True)], start, rate)
        cues.append(
            Cue(samples_to_ms(start, rate), samples_to_ms(start + speech, rate), cue.caption, cue.chapter, words)
        )
    chapter_streams = [stream_starts[part_of[start]] for start in timeline.chapter_starts]
    ends = chapter_streams[1:] + [stream_starts[-1]]
    chapters = tuple(
        ChapterMark(mark.title, samples_to_ms(start, rate), samples_to_ms(end, rate))
        for mark, start, end in zip(timeline.chapters, chapter_streams, ends, strict=True)
    )
    return Timeline(
        rate,
        stream_starts[-1],
        tuple(segments),
        tuple(cues),
        chapters,
        tuple(chapter_streams),
        tuple(stream_starts[:-1]),
    )


# --- how times are written -----------------------------------------------------------------------


def clock(ms: int) -> str:
    """A duration or position as players show it: "4:07", "1:02:03" (whole seconds, cut down)."""
    seconds = max(0, int(ms) // 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def timestamp(ms: int) -> str:
    """HH:MM:SS.mmm, as WebVTT cues and Podlove Simple Chapters write a time."""
    seconds, millis = divmod(max(0, int(ms)), 1000)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{millis:03d}"
