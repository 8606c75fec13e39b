"""An edition's audio: the articles' built MP3 streams laid end to end, with silent gaps, and where
every chapter lands.

Pure layout plus the MP3 frame arithmetic; no container is written here (`edition` writes the MP3,
`formats.m4b` the M4B). Each article's MP3 was mastered on its own to the archive's loudness and
true-peak targets, so its frames are reused as they are: an MP3 edition is a byte copy of the
articles' frames (no decoding, no second lossy generation, I/O only), and each article starts
exactly at the first sample of its first frame, where its own chapters were measured from.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError
from ..formats.mp3 import SAMPLES_PER_FRAME, encode_mp3, mp3_frames
from ..timeline import ChapterMark, samples_to_ms

GAP_MS = 1500  # silence between two articles (rounded up to whole MP3 frames: see `gap_stream`)
READ_CHUNK = 1 << 20  # bytes of an article's MP3 copied at a time: memory flat in article count


@dataclass(frozen=True)
class EditionChapter:
    """A top-level chapter: the opening, or an article with its own chapters (``sections``, in
    the edition's time) nested under it."""

    title: str
    start_ms: int
    end_ms: int
    sections: tuple[ChapterMark, ...] = ()


@dataclass(frozen=True)
class Segment:
    """A run of MP3 frames in the edition: an article's file (after its tag), or bytes in memory."""

    frames: int
    path: Path | None = None
    offset: int = 0  # where the frames start in ``path``
    data: bytes = b""

    def chunks(self) -> Iterator[bytes]:
        if self.path is None:
            yield self.data
            return
        with open(self.path, "rb") as stream:
            stream.seek(self.offset)
            while chunk := stream.read(READ_CHUNK):
                yield chunk


def flat_chapters(chapters: Sequence[EditionChapter]) -> list[ChapterMark]:
    """The chapter list for a container (or a reader) without hierarchy: one mark per section,
    titled "Article — Section"; an article's opening section (titled as the article) keeps the
    article's title alone, and an entry without sections is one mark."""
    flat = []
    for top in chapters:
        if not top.sections:
            flat.append(ChapterMark(top.title, top.start_ms, top.end_ms))
        for section in top.sections:
            title = top.title if section.title == top.title else f"{top.title} — {section.title}"
            flat.append(ChapterMark(title, section.start_ms, section.end_ms))
    return flat


def article_frames(path: Path, rate: int, bitrate_kbps: int) -> Segment:
    """An article's MP3 (as the build wrote it: an ID3v2 tag, then CBR frames) as a segment,
    its frames counted and checked (a file another bitrate or rate cannot be joined: players
    take a CBR file's duration from its first frame)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OutputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    offset = _tag_size(data)
    try:
        frames = mp3_frames(memoryview(data)[offset:], rate) if len(data) > offset else 0  # type: ignore[arg-type]
    except OutputError:  # its message speaks of the encoder: here it is a file on disk
        raise OutputError(f"{path}: not an MP3 as the build writes it; remove it and build the archive again") from None
    if frames == 0:
        raise OutputError(f"{path}: holds no MP3 audio; build the archive again")
    expected = 144000 * bitrate_kbps // rate
    if not frames * expected <= len(data) - offset <= frames * (expected + 1):
        raise OutputError(f"{path}: not at {bitrate_kbps} kbps like the edition; build the archive again")
    return Segment(frames, path, offset)


def _tag_size(data: bytes) -> int:
    """Bytes of the ID3v2 tag in front of the frames (0 when there is none)."""
    if data[:3] != b"ID3" or len(data) < 10:
        return 0
    size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    return 10 + size + (10 if data[5] & 0x10 else 0)  # a footer follows the tag when flagged


def gap_stream(rate: int, bitrate_kbps: int) -> Segment:
    """Silence of at least GAP_MS as its own MP3 stream (whole frames; LAME's delay is silence too)."""
    import numpy as np

    data = encode_mp3([np.zeros(GAP_MS * rate // 1000, dtype=np.float32)], rate, bitrate_kbps)
    return Segment(mp3_frames(data, rate), data=data)


def frames_ms(frames: int, rate: int) -> int:
    return samples_to_ms(frames * SAMPLES_PER_FRAME, rate)


@dataclass(frozen=True)
class Layout:
    segments: tuple[Segment, ...]  # in order: opening, then each article, gaps between
    chapters: tuple[EditionChapter, ...]
    total_frames: int
    rate: int
    gap_frames: int

    @property
    def duration_ms(self) -> int:
        return frames_ms(self.total_frames, self.rate)

    def stream_chunks(self) -> Iterator[bytes]:
        for segment in self.segments:
            yield from segment.chunks()


def lay_out(
    opening_title: str,
    opening: Segment,
    articles: Sequence[tuple[str, Segment, Sequence[ChapterMark]]],
    gap: Segment,
    rate: int,
) -> Layout:
    """The opening, then each article (title, frames, its own chapters in its own time) after a
    gap; every chapter placed at the first sample of its stream plus its own offset."""
    segments = [opening]
    position = opening.frames
    chapters = [EditionChapter(opening_title, 0, frames_ms(position, rate))]
    for title, segment, own in articles:
        segments += [gap, segment]
        position += gap.frames
        start = frames_ms(position, rate)
        end = frames_ms(position + segment.frames, rate)
        sections = tuple(
            ChapterMark(mark.title, start + mark.start_ms, min(start + mark.end_ms, end)) for mark in own
        ) or (ChapterMark(title, start, end),)
        # The gap before an article ends the chapter before it: no moment belongs to no chapter.
        chapters[-1] = _ending(chapters[-1], start)
        chapters.append(EditionChapter(title, start, end, _ending_sections(sections, end)))
        position += segment.frames
    return Layout(tuple(segments), tuple(chapters), position, rate, gap.frames)


def _ending(chapter: EditionChapter, end_ms: int) -> EditionChapter:
    sections = chapter.sections
    if sections:
        last = sections[-1]
        sections = (*sections[:-1], ChapterMark(last.title, last.start_ms, end_ms))
    return EditionChapter(chapter.title, chapter.start_ms, end_ms, sections)


def _ending_sections(sections: tuple[ChapterMark, ...], end_ms: int) -> tuple[ChapterMark, ...]:
    """The last section ends with the article (its own end may round a millisecond short)."""
    last = sections[-1]
    return (*sections[:-1], ChapterMark(last.title, last.start_ms, end_ms))
