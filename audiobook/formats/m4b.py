"""M4B: AAC in MP4 (the audiobook flavour of M4A) with both kinds of chapters audiobook apps read.

Encoded in-process by the FFmpeg inside PyAV's wheel (its native AAC encoder; no system ffmpeg):
muxing with `set_chapters` writes both the QuickTime chapter track (a text track the audio track
refers to: Apple Books, BookPlayer, Audiobookshelf) and the Nero `chpl` atom (Smart AudioBook
Player, mutagen, most Android players). MP4 has no chapter hierarchy, so an edition gives flat
"Article — Section" titles. The tags and the cover are written afterwards by mutagen (PyAV has no
way to attach a cover to an audio-only MP4).

The audio is AAC-LC at the voices' own rate (every engine speaks at 22,050 Hz: nothing above
11 kHz exists to keep), encoded in pieces (`encode_aac`: one article at a time, so pieces can be
encoded in parallel and cached) and joined packet by packet (`write_joined`). Each piece decodes to
whole AAC frames: one frame of encoder priming (silence), its samples, then silence to the frame's
end; the joins fall in the silent gaps between articles, and `edition.m4b` places every piece on
the frame grid. AAC-LC frames decode on their own, so joined packets play as one stream.

Not an `OutputFormat`: those encode an article in separately cached parts joined frame by frame
inside the MP3 build; an M4B is made from audio already mastered.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import OutputError
from ..timeline import ChapterMark
from .base import TagInfo

SUFFIX = ".m4b"
MIME = "audio/mp4"
AAC_RATE = 22050  # the engines' rate (espeak, Piper, the test tones): the MP3s' upper half is empty
# Speech in mono AAC-LC at 22,050 Hz, 64 kbps: the coding noise 27.9 dB under an article (44.1 kHz
# at 64 kbps: 28.8 dB; 22,050 Hz at 48 kbps: 23.2 dB — kept out). BENCHMARKS.md, editions.
AAC_BITRATE_KBPS = 64
# FFmpeg's "fast" AAC coder: 4x faster than its default ("twoloop") and it raises true peaks far
# less (espeak speech from our MP3s at 64 kbps: +0.07 dB against +1.3 dB; loudness within 0.05 LU).
AAC_CODER = "fast"
AAC_FRAME = 1024  # samples per AAC-LC frame (packet)
AAC_PRIMING = 1024  # FFmpeg's encoder delay: its first packet decodes to this much silence
# Room left for the encoder's overshoot under the true-peak target, plus the peaks between samples
# a sample limiter cannot see at 22,050 Hz (`audio.INTERSAMPLE_HEADROOM_DB`).
AAC_HEADROOM_DB = 0.5
INTERSAMPLE_HEADROOM_DB = 0.5
ENCODE_CHUNK = 1024 * 64  # samples per frame handed to the encoder


def aac_settings() -> str:
    """Everything that shapes an encoded piece's bytes, for cache keys."""
    import av

    return f"aac|{av.__version__}|{AAC_RATE}|{AAC_BITRATE_KBPS}|{AAC_CODER}|{AAC_HEADROOM_DB}|{INTERSAMPLE_HEADROOM_DB}"


def decode_mp3(source: Path | bytes, expected_samples: int, rate: int = AAC_RATE) -> Iterator[np.ndarray]:
    """An MP3 stream (a file, after its tag; or bytes) of ``expected_samples`` (its frames × 1152:
    a stream without a LAME header is decoded from its first frame on — anything else means it is
    not what the build wrote) as float32 mono samples at ``rate``, ENCODE_CHUNK at a time, exactly
    ``expected_samples`` × rate / 44,100 in all (FFmpeg's resampler, its delay compensated)."""
    import av

    name = source if isinstance(source, Path) else "an MP3 stream"
    try:
        opened = av.open(str(source) if isinstance(source, Path) else io.BytesIO(source), format="mp3")
    except (av.FFmpegError, OSError) as exc:
        raise OutputError(f"{name}: cannot be decoded ({exc})") from None
    wanted = expected_samples * rate // 44100
    chunk = np.zeros(ENCODE_CHUNK, dtype=np.float32)
    filled = total = produced = 0
    with opened as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        decoded = _decoded_frames(container)
        for frame in decoded:
            total += frame.samples if frame is not None else 0
            if total > expected_samples:
                raise OutputError(f"{name}: decodes to more than the {expected_samples} samples of its frames")
            for out in resampler.resample(frame):
                samples = out.to_ndarray().reshape(-1)[: max(0, wanted - produced)]
                produced += samples.size
                while samples.size:
                    taken = min(samples.size, ENCODE_CHUNK - filled)
                    chunk[filled : filled + taken] = samples[:taken]
                    filled, samples = filled + taken, samples[taken:]
                    if filled == ENCODE_CHUNK:
                        yield chunk.copy()
                        filled = 0
    if total != expected_samples:
        raise OutputError(f"{name}: decoded {total} samples, expected {expected_samples}")
    missing = wanted - produced  # the resampler's last few samples, when it holds them back: silence
    tail = np.concatenate((chunk[:filled], np.zeros(missing, dtype=np.float32)))
    for start in range(0, tail.size, ENCODE_CHUNK):
        yield tail[start : start + ENCODE_CHUNK]


def _decoded_frames(container):
    yield from container.decode(audio=0)
    yield None  # flushes the resampler


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


@dataclass(frozen=True)
class EncodedAudio:
    """AAC-LC packets of one piece: ``samples`` of audio after AAC_PRIMING samples of priming,
    ``len(packets)`` × AAC_FRAME samples when decoded on their own."""

    config: bytes  # the AudioSpecificConfig (MP4's decoder configuration)
    packets: tuple[bytes, ...]
    samples: int


def encode_aac(chunks: Iterable[np.ndarray], true_peak_dbtp: float, rate: int = AAC_RATE) -> EncodedAudio:
    """Consecutive chunks of mastered audio, limited again for the encoder's overshoot, as AAC."""
    import av

    ceiling = 10 ** ((true_peak_dbtp - AAC_HEADROOM_DB - INTERSAMPLE_HEADROOM_DB) / 20)
    encoder = av.CodecContext.create("aac", "w")
    encoder.sample_rate, encoder.layout, encoder.format = rate, "mono", "fltp"
    encoder.bit_rate, encoder.time_base = AAC_BITRATE_KBPS * 1000, Fraction(1, rate)
    encoder.options = {"aac_coder": AAC_CODER}
    encoder.open()
    packets: list[bytes] = []
    samples = 0
    for block in limited(chunks, ceiling, rate):
        for start in range(0, block.size, ENCODE_CHUNK):
            piece = np.ascontiguousarray(block[start : start + ENCODE_CHUNK]).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(piece, format="fltp", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = rate, samples, Fraction(1, rate)
            samples += piece.shape[1]
            packets += (bytes(packet) for packet in encoder.encode(frame))
    packets += (bytes(packet) for packet in encoder.encode(None))
    if len(packets) != packets_for(samples):
        raise OutputError(f"the AAC encoder gave {len(packets)} packets for {samples} samples")
    return EncodedAudio(bytes(encoder.extradata or b""), tuple(packets), samples)


def packets_for(samples: int) -> int:
    """AAC packets the encoder gives for ``samples``: priming and samples, in whole frames."""
    return -(-(samples + AAC_PRIMING) // AAC_FRAME)


def silent_packet(rate: int = AAC_RATE) -> tuple[bytes, bytes]:
    """(config, one packet of digital silence): repeated, it fills a gap of whole frames."""
    encoded = encode_aac([np.zeros(4 * AAC_FRAME, dtype=np.float32)], 0.0, rate)
    return encoded.config, encoded.packets[2]  # past the first (which carries the encoder's name)


def write_joined(
    path: Path,
    config: bytes,
    packets: Iterable[bytes],
    total_samples: int,
    chapters: Sequence[ChapterMark],
    info: TagInfo,
    rate: int = AAC_RATE,
) -> None:
    """Mux consecutive AAC packets into ``path`` (a new file) as one track of ``total_samples``
    (the first packet is the priming the edit list skips; the last is cut to end there), with the
    chapters and tags."""
    import av

    with av.open(str(path), "w", format="ipod", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("aac", rate=rate)
        stream.layout = "mono"
        stream.bit_rate = AAC_BITRATE_KBPS * 1000
        stream.codec_context.extradata = config
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
        end = total_samples  # in presentation time: priming runs from −AAC_PRIMING to 0
        position = -AAC_PRIMING
        for data in packets:
            if position >= end:
                raise OutputError(f"{path}: more AAC packets than its {total_samples} samples")
            packet = av.Packet(data)
            packet.pts = packet.dts = position
            packet.duration = min(AAC_FRAME, end - position)
            packet.time_base, packet.stream = Fraction(1, rate), stream
            container.mux(packet)
            position += AAC_FRAME
        if position < end:
            raise OutputError(f"{path}: AAC packets for {position} samples, expected {total_samples}")
    write_tags(path, info)


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
