"""Who starts when: computed once from sample counts; every output reads it from here.

Pure functions over plain numbers (no audio, no I/O), so chapter and cue times are exact and
testable without a TTS engine. Times are in milliseconds of the final audio.
"""

from __future__ import annotations

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
    sample_rate: int  # rate of the sample counts below (the engine's rate)
    total_samples: int
    segments: tuple[Segment, ...]
    cues: tuple[Cue, ...]
    chapters: tuple[ChapterMark, ...]

    @property
    def duration_ms(self) -> int:
        return samples_to_ms(self.total_samples, self.sample_rate)


def samples_to_ms(samples: int, rate: int) -> int:
    return (samples * 1000 + rate // 2) // rate


def build_timeline(script: Script, clip_samples: Sequence[int], sample_rate: int) -> Timeline:
    """Lay clips end to end with each utterance's pause after it."""
    utterances = script.utterances
    if len(clip_samples) != len(utterances):
        raise ValueError(f"{len(clip_samples)} clips for {len(utterances)} utterances")
    segments: list[Segment] = []
    cues: list[Cue] = []
    chapter_starts: list[int] = []
    position = 0
    index = 0
    for chapter_number, chapter in enumerate(script.chapters):
        chapter_starts.append(position)
        for utterance in chapter.utterances:
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
            index += 1
    ends = chapter_starts[1:] + [position]
    chapters = tuple(
        ChapterMark(chapter.title, samples_to_ms(start, sample_rate), samples_to_ms(end, sample_rate))
        for chapter, start, end in zip(script.chapters, chapter_starts, ends, strict=True)
    )
    return Timeline(sample_rate, position, tuple(segments), tuple(cues), chapters)
