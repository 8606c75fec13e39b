"""M4B: AAC in MP4 (the audiobook flavour of M4A) with both kinds of chapters audiobook apps read.

Encoded in-process by the FFmpeg inside PyAV's wheel (its native AAC encoder; no system ffmpeg):
muxing with `set_chapters` writes both the QuickTime chapter track (a text track the audio track
refers to: Apple Books, BookPlayer, Audiobookshelf) and the Nero `chpl` atom (Smart AudioBook
Player, mutagen, most Android players). MP4 has no chapter hierarchy, so an edition gives flat
"Article — Section" titles. The tags and the cover are written afterwards by mutagen (PyAV has no
way to attach a cover to an audio-only MP4).

Not an `OutputFormat`: those encode an article in separately cached parts joined frame by frame,
which AAC's priming samples do not allow; an M4B is made whole from audio already mastered.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import OutputError
from ..timeline import ChapterMark
from .base import TagInfo

SUFFIX = ".m4b"
MIME = "audio/mp4"
# FFmpeg's "fast" AAC coder: 4x faster than its default ("twoloop") and it raises true peaks far
# less (espeak speech from our MP3s at 64 kbps: +0.07 dB against +1.3 dB; loudness within 0.05 LU).
AAC_CODER = "fast"
# Room left for the encoder's overshoot under the true-peak target, plus the peaks between samples
# a sample limiter cannot see (measured: at most 0.1 dB on our speech; 0.5 dB kept).
AAC_HEADROOM_DB = 0.5
INTERSAMPLE_HEADROOM_DB = 0.2
ENCODE_CHUNK = 1024 * 64  # samples per frame handed to the encoder (AAC frames are 1024 samples)


def decode_mp3(source: Path | bytes, expected_samples: int) -> Iterator[np.ndarray]:
    """An MP3 stream (a file, after its tag; or bytes) as float32 mono samples, ENCODE_CHUNK at a
    time, exactly ``expected_samples`` in all: a stream without a LAME header is decoded from its
    first frame on, so this is its frames × 1152 — anything else means it is not what the build wrote."""
    import av

    name = source if isinstance(source, Path) else "an MP3 stream"
    try:
        opened = av.open(str(source) if isinstance(source, Path) else io.BytesIO(source), format="mp3")
    except (av.FFmpegError, OSError) as exc:
        raise OutputError(f"{name}: cannot be decoded ({exc})") from None
    chunk = np.empty(ENCODE_CHUNK, dtype=np.float32)
    filled = total = 0
    with opened as container:
        for frame in container.decode(audio=0):
            samples = frame.to_ndarray().reshape(-1)
            total += samples.size
            if total > expected_samples:
                raise OutputError(f"{name}: decodes to more than the {expected_samples} samples of its frames")
            while samples.size:
                taken = min(samples.size, ENCODE_CHUNK - filled)
                chunk[filled : filled + taken] = samples[:taken]
                filled, samples = filled + taken, samples[taken:]
                if filled == ENCODE_CHUNK:
                    yield chunk.copy()
                    filled = 0
    if total != expected_samples:
        raise OutputError(f"{name}: decoded {total} samples, expected {expected_samples}")
    if filled:
        yield chunk[:filled].copy()


LIMIT_BLOCK = 1 << 17  # samples limited at a time (3 s at 44.1 kHz)
LIMIT_MARGIN = 1 << 12  # context on each side: more than the limiter's reach (~600 samples at 44.1 kHz)


def limited(chunks: Iterable[np.ndarray], ceiling: float, rate: int) -> Iterator[np.ndarray]:
    """The audio of ``chunks`` through the look-ahead limiter a few seconds at a time, each block
    limited with LIMIT_MARGIN samples of its neighbours around it (so as if limited whole): memory
    stays the same however long the edition."""
    from ..audio import limit

    raw = np.zeros(0, dtype=np.float32)
    start = 0  # raw[:start]: context already written; raw[start:]: still to write
    for chunk in chunks:
        raw = np.concatenate((raw, chunk))
        while raw.size - start >= LIMIT_BLOCK + LIMIT_MARGIN:
            window = limit(raw[: start + LIMIT_BLOCK + LIMIT_MARGIN], ceiling, rate)
            yield window[start : start + LIMIT_BLOCK]
            raw, start = raw[start + LIMIT_BLOCK - LIMIT_MARGIN :], LIMIT_MARGIN
    if raw.size > start:
        yield limit(raw, ceiling, rate)[start:]


def write_m4b(
    path: Path,
    chunks: Iterable[np.ndarray],
    rate: int,
    bitrate_kbps: int,
    chapters: Sequence[ChapterMark],
    info: TagInfo,
    true_peak_dbtp: float,
) -> int:
    """Encode consecutive chunks of mastered audio into ``path`` (a new file) with the chapters and
    tags; the number of samples encoded. The audio is limited again for the AAC encoder's overshoot."""
    import av

    ceiling = 10 ** ((true_peak_dbtp - AAC_HEADROOM_DB - INTERSAMPLE_HEADROOM_DB) / 20)
    samples = 0
    with av.open(str(path), "w", format="ipod", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("aac", rate=rate, options={"aac_coder": AAC_CODER})
        stream.bit_rate = bitrate_kbps * 1000
        stream.layout = "mono"
        container.set_chapters(
            [
                {
                    "id": number + 1,
                    "start": chapter.start_ms,
                    "end": chapter.end_ms,
                    "time_base": Fraction(1, 1000),
                    "metadata": {"title": chapter.title},
                }
                for number, chapter in enumerate(chapters)
            ]
        )
        for block in limited(chunks, ceiling, rate):
            for start in range(0, block.size, ENCODE_CHUNK):
                piece = np.ascontiguousarray(block[start : start + ENCODE_CHUNK]).reshape(1, -1)
                frame = av.AudioFrame.from_ndarray(piece, format="fltp", layout="mono")
                frame.sample_rate, frame.pts, frame.time_base = rate, samples, Fraction(1, rate)
                samples += piece.shape[1]
                for packet in stream.encode(frame):
                    container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    write_tags(path, info)
    return samples


def write_tags(path: Path, info: TagInfo) -> None:
    from mutagen.mp4 import MP4, MP4Cover

    audio = MP4(path)
    if audio.tags is None:
        audio.add_tags()
    audio.tags.clear()  # FFmpeg's own "encoder" tag: ours follow
    audio.tags["\xa9nam"] = [info.title]
    audio.tags["\xa9alb"] = [info.album]
    if info.artist:
        audio.tags["\xa9ART"] = [info.artist]
        audio.tags["aART"] = [info.artist]
    if info.date:
        audio.tags["\xa9day"] = [info.date]
    audio.tags["\xa9gen"] = [info.genre]
    if info.summary:
        audio.tags["desc"] = [info.summary]
        audio.tags["\xa9cmt"] = [info.summary]
    audio.tags["stik"] = [2]  # media kind: audiobook (Apple)
    if info.cover:
        kind = MP4Cover.FORMAT_PNG if info.cover_mime == "image/png" else MP4Cover.FORMAT_JPEG
        audio.tags["covr"] = [MP4Cover(info.cover, imageformat=kind)]
    audio.save()
