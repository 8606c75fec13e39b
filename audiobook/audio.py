"""Stage 4: clips + timeline → one loudness-normalized MP3 (mono, CBR, in-process LAME).

Steps: join all PCM once into one array (no repeated concatenation), resample to the output
rate, bring integrated loudness to the target (ITU-R BS.1770 via pyloudnorm), hold true peaks
under the ceiling with a look-ahead limiter, encode with lameenc, then decode the MP3 and measure
it again: the target is checked on what the listener gets, not on the WAV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import gcd

import numpy as np

from .errors import OutputError
from .model import Clip
from .settings import Settings
from .timeline import Timeline

LIMITER_WINDOW_S = 0.004  # look-ahead; long enough for a smooth gain change on speech
ENCODER_HEADROOM_DB = 0.8  # MP3 encoding overshoots sample peaks by up to ~0.5 dB on espeak speech


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float


@dataclass(frozen=True)
class EncodedAudio:
    mp3: bytes
    duration_ms: int
    loudness: Loudness  # measured on the decoded MP3


def join_clips(clips: Sequence[Clip], timeline: Timeline) -> np.ndarray:
    """All speech and silences as one float32 array at the engine's rate."""
    audio = np.zeros(timeline.total_samples, dtype=np.float32)
    for clip, segment in zip(clips, timeline.segments, strict=True):
        if clip.sample_rate != timeline.sample_rate:
            raise OutputError("clips of one article must share one sample rate")
        samples = np.frombuffer(clip.pcm, dtype="<i2")
        audio[segment.start : segment.start + segment.speech] = samples * (1.0 / 32768.0)
    return audio


def resample(audio: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    if source_rate == target_rate:
        return audio
    from scipy.signal import resample_poly

    common = gcd(source_rate, target_rate)
    return resample_poly(audio, target_rate // common, source_rate // common).astype(np.float32)


def integrated_loudness(audio: np.ndarray, rate: int) -> float:
    """ITU-R BS.1770-4 integrated loudness in LUFS (pyloudnorm); -inf for silence."""
    import pyloudnorm

    if audio.size < int(0.4 * rate):
        return float("-inf")
    return float(pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64)))


def true_peak_dbtp(audio: np.ndarray, rate: int) -> float:
    """BS.1770 true peak: the peak of the signal oversampled 4× (2× at ≥ 96 kHz).

    Only the stretches near the loudest samples are oversampled: an inter-sample peak exceeds its
    neighbouring samples by well under 3 dB, so nothing quieter than that can hold the maximum.
    """
    from scipy.signal import resample_poly

    magnitude = np.abs(audio)
    sample_peak = float(magnitude.max()) if audio.size else 0.0
    if sample_peak <= 0:
        return -120.0
    factor = 4 if rate < 96000 else 2
    candidates = np.flatnonzero(magnitude >= sample_peak * 10 ** (-3 / 20))
    peak = sample_peak
    margin = 64
    # Merge nearby candidates into windows and oversample each window.
    breaks = np.flatnonzero(np.diff(candidates) > 2 * margin)
    for first, last in zip(np.r_[0, breaks + 1], np.r_[breaks, candidates.size - 1], strict=True):
        lo = max(0, candidates[first] - margin)
        hi = min(audio.size, candidates[last] + margin + 1)
        peak = max(peak, float(np.abs(resample_poly(audio[lo:hi], factor, 1)).max()))
    return 20 * float(np.log10(peak))


def limit(audio: np.ndarray, ceiling: float, rate: int) -> np.ndarray:
    """Look-ahead brickwall limiter: gain never exceeds what keeps every sample ≤ ceiling.

    The required gain per sample is min-filtered over ±W then box-smoothed over W, so the
    smoothed gain at any sample is ≤ its own requirement (every value averaged comes from a
    window containing it) and gain changes take W instead of one sample (no clicks).
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    magnitude = np.abs(audio)
    if not np.any(magnitude > ceiling):
        return audio
    width = max(3, int(rate * LIMITER_WINDOW_S) | 1)
    required = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-9))
    held = minimum_filter1d(required, size=2 * width + 1, mode="nearest")
    gain = uniform_filter1d(held, size=width, mode="nearest")
    return (audio * np.minimum(gain, required)).astype(np.float32)


def normalize_loudness(
    audio: np.ndarray, rate: int, target_lufs: float, ceiling_dbtp: float, extra_headroom_db: float = 0.0
) -> np.ndarray:
    """Gain to the target, then limit; twice, since limiting lowers loudness a little."""
    ceiling = 10 ** ((ceiling_dbtp - ENCODER_HEADROOM_DB - extra_headroom_db) / 20)
    for _ in range(2):
        loudness = integrated_loudness(audio, rate)
        if not np.isfinite(loudness):
            return audio  # silence: nothing to normalize
        audio = limit(audio * np.float32(10 ** ((target_lufs - loudness) / 20)), ceiling, rate)
    return audio


def encode_mp3(audio: np.ndarray, rate: int, bitrate_kbps: int) -> bytes:
    import lameenc

    encoder = lameenc.Encoder()  # one encoder per file: flush() works once
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(5)
    pcm = (np.clip(audio, -1.0, 32767 / 32768) * 32768).astype("<i2").tobytes()
    return bytes(encoder.encode(pcm) + encoder.flush())


def decode_mp3(data: bytes) -> tuple[np.ndarray, int]:
    import miniaudio

    decoded = miniaudio.decode(data, output_format=miniaudio.SampleFormat.FLOAT32, nchannels=1)
    return np.asarray(decoded.samples, dtype=np.float32), decoded.sample_rate


def measure_mp3(data: bytes) -> Loudness:
    audio, rate = decode_mp3(data)
    return Loudness(integrated_loudness(audio, rate), true_peak_dbtp(audio, rate))


LOUDNESS_TOLERANCE_LU = 0.5  # re-level when the MP3 misses the target by more than this
# 64 kbps mono LAME low-passes what K-weighting boosts most: measured −0.6 to −0.7 LU on espeak
# speech (seed article and samples), so aim that much higher and let the check confirm it.
ENCODER_LOUDNESS_LOSS_LU = 0.6


def master(clips: Sequence[Clip], timeline: Timeline, settings: Settings) -> EncodedAudio:
    """Level, limit, encode; check the MP3 and correct once or twice if it missed.

    The encoder's low-pass and overshoot move loudness and peaks a little (typically −0.3 to −0.7 LU
    and +0.5 dB on espeak speech), so the correction is measured, not guessed.
    """
    rate = settings.sample_rate
    audio = resample(join_clips(clips, timeline), timeline.sample_rate, rate)
    target, offset, headroom = settings.target_lufs, ENCODER_LOUDNESS_LOSS_LU, 0.0
    for _ in range(3):
        leveled = normalize_loudness(audio, rate, target + offset, settings.true_peak_dbtp, headroom)
        mp3 = encode_mp3(leveled, rate, settings.bitrate_kbps)
        measured = measure_mp3(mp3)
        loud_ok = abs(measured.integrated_lufs - target) <= LOUDNESS_TOLERANCE_LU
        peak_ok = measured.true_peak_dbtp <= settings.true_peak_dbtp
        if (loud_ok and peak_ok) or not np.isfinite(measured.integrated_lufs):
            break
        offset += target - measured.integrated_lufs
        if not peak_ok:
            headroom += measured.true_peak_dbtp - settings.true_peak_dbtp + 0.2
    return EncodedAudio(mp3, timeline.duration_ms, measured)
