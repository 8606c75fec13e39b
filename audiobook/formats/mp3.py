"""MP3: MPEG-1 Layer III, mono, CBR, encoded in-process by LAME (lameenc); an ID3v2.3 tag in front.

LAME writes no Xing/Info header, so a player takes the duration from the constant bitrate. Each
part of an article is its own stream (one encoder per stream: `flush()` works once); the streams
are joined frame by frame after the tag, and never remuxed. What LAME does to the sound is stable
and measured once (the constants below); the tests re-measure the MP3s with ffmpeg and pyloudnorm.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ..errors import OutputError
from .base import OutputFormat

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np

    from ..timeline import ChapterMark
    from .base import ReadBack, TagInfo

SAMPLES_PER_FRAME = 1152  # MPEG-1 Layer III
ENCODER_DELAY_SAMPLES = 1105  # LAME's 576 + the decoder's 529; measured with miniaudio and ffmpeg
# LAME raises true peaks above those of its input (measured per 20 s part of espeak speech, 5
# articles: at most +0.63 dB at 64 kbps, below 0 from 96 kbps, up to +1.35 dB at 32 kbps; Piper's
# brighter speech, limited hard to reach −16 LUFS: up to +2.4 dB at 64 kbps). The limiter's ceiling
# leaves this much room at first; each encoded part's true peak is then measured on its decoded
# stream, and a part still over the target is limited lower and encoded again (audio.master).
ENCODER_HEADROOM_DB = 0.8
LOW_BITRATE_HEADROOM_DB = 1.6  # below 64 kbps
# What LAME takes off the K-weighted loudness of espeak speech (measured 0.41–0.45 LU at 64–128
# kbps, 0.5 at 48, 0.55 at 32: its psychoacoustic model drops the quiet highs K-weighting boosts).
ENCODER_LOSS_LU = 0.43
QUALITY = 5  # LAME's -q: its algorithm choice, not the bitrate

_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)  # MPEG-1 Layer III
_RATES = (44100, 48000, 32000)


def encode_mp3(chunks: Iterable[np.ndarray], rate: int, bitrate_kbps: int) -> bytes:
    """One MP3 stream from consecutive chunks of float audio (LAME's output does not depend on how
    its input is cut)."""
    import lameenc
    import numpy as np

    encoder = lameenc.Encoder()  # one encoder per stream: flush() works once
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)  # never let LAME pick a lower rate for a low bitrate
    encoder.set_channels(1)
    encoder.set_quality(QUALITY)
    mp3 = bytearray()
    for chunk in chunks:
        pcm = np.clip(chunk, -1.0, 32767 / 32768)
        pcm *= 32768
        mp3 += encoder.encode(pcm.astype("<i2").tobytes())
    return bytes(mp3 + encoder.flush())


def mp3_frames(data: bytes, rate: int) -> int:
    """Count the frames of an MPEG-1 Layer III stream, checking each header on the way."""
    count = position = 0
    while position < len(data):
        header = int.from_bytes(data[position : position + 4], "big")
        if (
            len(data) - position < 4
            or header >> 21 != 0x7FF
            or (header >> 17) & 0xF != 0b1101  # MPEG-1, Layer III
            or not 0 < (header >> 12) & 0xF < 15
            or (header >> 10) & 3 == 3
            or _RATES[(header >> 10) & 3] != rate
        ):
            raise OutputError(f"the MP3 encoder produced an unexpected stream (frame {count + 1})")
        position += 144000 * _BITRATES_KBPS[(header >> 12) & 0xF] // rate + ((header >> 9) & 1)
        count += 1
    return count


class Mp3Format(OutputFormat):
    name = "mp3"
    suffix = ".mp3"
    mime = "audio/mpeg"
    samples_per_frame = SAMPLES_PER_FRAME
    encoder_delay_samples = ENCODER_DELAY_SAMPLES
    loudness_loss_lu = ENCODER_LOSS_LU

    def true_peak_headroom_db(self, bitrate_kbps: int) -> float:
        return ENCODER_HEADROOM_DB if bitrate_kbps >= 64 else LOW_BITRATE_HEADROOM_DB

    def encode(self, chunks: Iterable[np.ndarray], rate: int, bitrate_kbps: int) -> bytes:
        return encode_mp3(chunks, rate, bitrate_kbps)

    def decode(self, stream: bytes) -> np.ndarray:
        import miniaudio  # its own MP3 decoder (dr_mp3): no ffmpeg
        import numpy as np

        decoded = miniaudio.decode(stream, output_format=miniaudio.SampleFormat.FLOAT32, nchannels=1)
        return np.asarray(decoded.samples, dtype=np.float32)

    def count_frames(self, stream: bytes, rate: int) -> int:
        return mp3_frames(stream, rate)

    def stream_fits(self, frames: int, size: int, rate: int, bitrate_kbps: int) -> bool:
        # A CBR stream: each frame is this many bytes, or one more when padded.
        frame_bytes = 144000 * bitrate_kbps // rate
        return frames * frame_bytes <= size <= frames * (frame_bytes + 1)

    def build_tag(self, info: TagInfo, chapters: Sequence[ChapterMark], duration_ms: int) -> bytes:
        from . import id3

        return id3.build_tag(info, chapters, duration_ms)

    def file_chunks(
        self, info: TagInfo, chapters: Sequence[ChapterMark], duration_ms: int, streams: Iterable[bytes]
    ) -> Iterator[bytes]:
        tag = self.build_tag(info, chapters, duration_ms)  # now: a tag that cannot be built fails first
        return itertools.chain([tag], streams)  # ID3v2 in front of the frames: one write, no remux

    def read_back(self, path: Path) -> ReadBack:
        from . import id3

        return id3.read_back(path)


MP3 = Mp3Format()
