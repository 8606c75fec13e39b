"""Who starts when: computed once from sample counts; every output reads it from here.

Pure functions over plain numbers (no audio, no I/O), so chapter and cue times are exact and
testable without a TTS engine. Times are in milliseconds of the final audio.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Script


@dataclass(frozen=True)
class Cue:
    """One spoken sentence: when it starts and ends, and its caption for the transcript."""

    start_ms: int
    end_ms: int
    caption: str
    chapter: int


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


def build_timeline(script: Script, clip_samples: Sequence[int], sample_rate: int) -> Timeline:
    """Lay clips end to end with each utterance's pause after it."""
    utterances = script.utterances
    if len(clip_samples) != len(utterances):
        raise ValueError(f"{len(clip_samples)} clips for {len(utterances)} utterances")
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
            segments.append(Segment(position, speech, silence))
            cues.append(
                Cue(
                    samples_to_ms(position, sample_rate),
                    samples_to_ms(position + speech, sample_rate),
                    utterance.caption,
                    chapter_number,
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
        segments.append(Segment(start, speech, round(segment.silence * scale)))
        cues.append(Cue(samples_to_ms(start, rate), samples_to_ms(start + speech, rate), cue.caption, cue.chapter))
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

