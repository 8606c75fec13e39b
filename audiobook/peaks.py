"""True peaks: measuring them (ITU-R BS.1770) and holding them under a ceiling (the limiter).

A true peak is a peak of the continuous signal the samples stand for, which can lie between two
samples, above both. Piper's speech has much of its energy near its Nyquist frequency: limited
on its samples alone to −2.3 dBFS, its true peaks rose to +0.2 dBTP (measured on a sample
article), so the limiter works on the interpolated points too. Both interpolate only near the
loud samples (a 32-tap Kaiser-windowed sinc per point), at a factor that reaches
OVERSAMPLED_RATE: 8× at 22,050 Hz, 4× at 44,100 or 48,000 Hz — what a meter sees when it
measures the 44.1 kHz output 4× oversampled, as BS.1770 and ffmpeg's ebur128 do.
"""

from __future__ import annotations

import math

import numpy as np

from . import dsp

OVERSAMPLED_RATE = 176_400  # Hz: the rate true peaks are looked for at (44.1 kHz × 4)
TRUE_PEAK_TAPS = 32  # per interpolated point: a Kaiser-windowed sinc, ±16 samples
# How far a point between two samples may rise above the louder of them, where it matters: in
# espeak and Piper speech at 22,050 Hz (3 articles, 8× oversampled) at most 0.34 dB beside samples
# within 6 dB of the peak (up to 5.9 dB beside quiet ones, far below any ceiling). Only the gaps
# beside samples within this of a level are interpolated: no other can hold a point above it.
INTERSAMPLE_RISE_DB = 3.0
LIMITER_WINDOW_S = 0.004  # look-ahead; long enough for a smooth gain change on speech
LIMITER_BLOCK = 16  # samples that share one computed gain (interpolated in between)
_GAPS_AT_ONCE = 8192  # gaps interpolated per matrix product (a few MB)
# The limiting profile's levels (see `limiting_profile`): 0.1 dB steps, enough for any speech.
PROFILE_LOW_DB, PROFILE_HIGH_DB, PROFILE_STEP_DB = -80.0, 12.0, 0.1
PROFILE_BINS = round((PROFILE_HIGH_DB - PROFILE_LOW_DB) / PROFILE_STEP_DB) + 1


def oversampling(rate: int) -> int:
    """The factor that brings ``rate`` to OVERSAMPLED_RATE (at least 2)."""
    return max(2, math.ceil(OVERSAMPLED_RATE / rate - 1e-9))


def gap_peaks(audio: np.ndarray, gaps: np.ndarray, factor: int) -> np.ndarray:
    """The largest magnitude of the interpolated points between audio[n] and audio[n + 1], for
    each n in ``gaps`` (silence assumed beyond the ends)."""
    if gaps.size == 0:
        return np.zeros(0, dtype=audio.dtype)
    weights = dsp.interpolator(factor, TRUE_PEAK_TAPS).T.astype(audio.dtype)
    half = TRUE_PEAK_TAPS // 2
    if gaps.min() < half - 1 or gaps.max() + half >= audio.size:
        audio, gaps = np.pad(audio, TRUE_PEAK_TAPS), gaps + TRUE_PEAK_TAPS
    windows = np.lib.stride_tricks.sliding_window_view(audio, TRUE_PEAK_TAPS)  # samples n − 15 … n + 16
    peaks = np.empty(gaps.size, dtype=audio.dtype)
    for start in range(0, gaps.size, _GAPS_AT_ONCE):
        points = windows[gaps[start : start + _GAPS_AT_ONCE] - (half - 1)] @ weights
        peaks[start : start + _GAPS_AT_ONCE] = np.abs(points).max(axis=1)
    return peaks


def _gaps_near(audio: np.ndarray, level: float) -> np.ndarray:
    """Every gap (n, n + 1) beside a sample within INTERSAMPLE_RISE_DB of ``level``."""
    near = level * 10 ** (-INTERSAMPLE_RISE_DB / 20)
    loud = (audio >= near) | (audio <= -near)
    return np.flatnonzero(loud[:-1] | loud[1:])


def true_peak_dbtp(audio: np.ndarray, rate: int) -> float:
    """BS.1770 true peak in dBTP: the peak of the signal oversampled to OVERSAMPLED_RATE.

    Only the gaps beside samples within INTERSAMPLE_RISE_DB of the loudest are interpolated:
    nothing else can hold the maximum. The tests check it against oversampling everything.
    """
    sample_peak = max(float(audio.max()), -float(audio.min())) if audio.size else 0.0
    if sample_peak <= 0:
        return -120.0
    between = gap_peaks(audio, _gaps_near(audio, sample_peak), oversampling(rate))
    peak = max(sample_peak, float(between.max()) if between.size else 0.0)
    return 20 * math.log10(peak)


def _required_gains(audio: np.ndarray, ceiling: float, rate: int, block: int) -> np.ndarray | None:
    """Per block of ``block`` samples, the largest gain that keeps its samples and the points
    between them (a point between two blocks counts in both) at or under ``ceiling``; None when
    nothing exceeds it."""
    over = np.flatnonzero((audio > ceiling) | (audio < -ceiling))
    gaps = _gaps_near(audio, ceiling)
    between = gap_peaks(audio, gaps, oversampling(rate))
    loud_gaps = between > ceiling
    gaps, between = gaps[loud_gaps], between[loud_gaps]
    if over.size == 0 and gaps.size == 0:
        return None
    where = np.concatenate((over, gaps, gaps + 1)) // block
    peaks = np.concatenate((np.abs(audio[over]), between, between)).astype(np.float64)
    required = np.ones(-(-audio.size // block))
    np.minimum.at(required, where, ceiling / peaks)
    return required


def limit(audio: np.ndarray, ceiling: float, rate: int, in_place: bool = False) -> np.ndarray:
    """Look-ahead true-peak limiter: the gain never exceeds what keeps every sample, and every
    point between samples (oversampled to OVERSAMPLED_RATE), ≤ ceiling.

    The gain is worked out per block of LIMITER_BLOCK samples (a 16th of the work): each block's
    required gain (from its loudest sample or point) is min-filtered over ±(W + 1 block) then
    box-smoothed over W, so the smoothed gain of any block is ≤ the requirement of it and of both
    neighbours (every value averaged comes from a window containing them), and gain changes take
    W (no clicks). Each sample's gain is interpolated between the two nearest block centres —
    between two values ≤ its own block's requirement — and only applied where some gain is
    below 1. The gain changes slowly (over W), so a point between two samples is scaled as they
    are. ``in_place``: change ``audio`` itself (no second copy of a long part).
    """
    block = LIMITER_BLOCK
    required = _required_gains(audio, ceiling, rate, block)
    if required is None:
        return audio
    width = _limiter_width(rate)
    gain = np.minimum(dsp.box_mean(dsp.running_min(required, 2 * width + 3), width), 1.0)
    # Per sample: linear between block centres, (offset − centre) / block of the way to a neighbour.
    gain = gain.astype(np.float32)
    before, after = np.concatenate((gain[:1], gain[:-1])), np.concatenate((gain[1:], gain[-1:]))
    reduced = np.flatnonzero(np.minimum(np.minimum(before, after), gain) < 1)
    half = block // 2
    offset = ((np.arange(block) - (block - 1) / 2) / block).astype(np.float32)
    g = np.empty((reduced.size, block), dtype=np.float32)
    g[:, :half] = (gain - before)[reduced, None] * offset[:half]
    g[:, half:] = (after - gain)[reduced, None] * offset[half:]
    g += gain[reduced, None]
    out = audio if in_place else audio.copy()
    whole = audio.size // block
    inside = reduced < whole
    rows = out[: whole * block].reshape(whole, block)
    rows[reduced[inside]] *= g[inside]
    if not inside.all():  # the last block, shorter than the others
        out[whole * block :] *= g[-1, : audio.size - whole * block]
    return out


def _limiter_width(rate: int) -> int:
    """The limiter's smoothing window W, in blocks (odd)."""
    return max(3, round(rate * LIMITER_WINDOW_S / LIMITER_BLOCK) | 1)


def limiting_profile(audio: np.ndarray, block_energies: np.ndarray, rate: int) -> np.ndarray:
    """How the limiter will treat this audio at any gain, in a few kB: the K-weighted energy of
    its LIMITER_BLOCK blocks (``block_energies``), summed by the level of the loudest sample
    within the limiter's reach of each block (PROFILE_BINS levels). Profiles of consecutive parts
    add up; `limited_change_db` reads one.

    The limiter gives a block at most ceiling / (gain × that level), so at a gain the energy kept
    is known without limiting anything. It leaves out what the limiter does beyond that (points
    between samples, the smoothing of the gain), so it is an estimate: on Piper's speech, 0.1 LU
    louder than the limited audio measures (the seed, three gains)."""
    blocks = block_energies.size
    block_peaks = np.abs(audio[: blocks * LIMITER_BLOCK]).reshape(blocks, LIMITER_BLOCK).max(axis=1)
    reach = -dsp.running_min(-block_peaks, 2 * _limiter_width(rate) + 3)  # the limiter's min-filter span
    with np.errstate(divide="ignore"):
        levels = 20 * np.log10(reach)
    bins = np.clip(np.rint((levels - PROFILE_LOW_DB) / PROFILE_STEP_DB), 0, PROFILE_BINS - 1).astype(np.int64)
    return np.bincount(bins, weights=block_energies, minlength=PROFILE_BINS)


def limited_change_db(profile: np.ndarray, gain_db: float, ceiling_dbtp: float) -> float:
    """By how many dB the limiter lowers the energy of audio with this profile raised by
    ``gain_db`` under ``ceiling_dbtp`` (≤ 0)."""
    total = float(profile.sum())
    if total <= 0:
        return 0.0
    levels = PROFILE_LOW_DB + PROFILE_STEP_DB * np.arange(profile.size)
    over = np.maximum(levels + gain_db - ceiling_dbtp, 0.0)  # dB the limiter takes off each level
    return 10 * math.log10(float((profile * 10 ** (-over / 10)).sum()) / total)
