"""Loudness as ITU-R BS.1770 measures it, from K-weighted block energies: a part's blocks are
measured once and gated over the whole article; and what a part's speech measures before it is
mastered — its block powers and its limiting profile (`peaks.limiting_profile`) — from which the
article's gain is found before anything is limited (`first_gain`).
"""

from __future__ import annotations

import numpy as np

from . import dsp
from .peaks import LIMITER_BLOCK, PROFILE_BINS, limited_change_db, limiting_profile


def measurable(rate: int) -> bool:
    """Whether BS.1770's 400 ms blocks are four whole 100 ms hops at this rate (block_powers works)."""
    return int(0.4 * rate) == 4 * int(0.1 * rate)


MEASURE_CHUNK = 16 * dsp.KWeighting.GRANULE  # samples K-weighted at a time (3 s at 22.05 kHz)


def block_powers(audio: np.ndarray, rate: int, limiter_blocks: np.ndarray | None = None) -> np.ndarray:
    """Mean square of the K-weighted signal in 400 ms blocks with 75 % overlap (BS.1770).

    ``limiter_blocks``: if given (one value per LIMITER_BLOCK samples of the whole hops), filled with
    the K-weighted energy of each of the limiter's blocks on the way (see `peaks.limiting_profile`)."""
    block, step = int(0.4 * rate), int(0.1 * rate)
    if audio.size < block:
        return np.zeros(0)
    if not measurable(rate):
        raise ValueError(f"{rate} Hz: 400 ms is not four 100 ms hops")
    hops = np.zeros(audio.size // step)
    k_weighting = dsp.KWeighting(rate, audio.dtype)
    # A few seconds at a time (no part-sized temporaries); a hop may straddle two chunks.
    for start in range(0, hops.size * step, MEASURE_CHUNK):
        stop = min(start + MEASURE_CHUNK, hops.size * step)
        weighted = k_weighting(audio[start:stop])
        np.square(weighted, out=weighted)
        first_hop = start // step
        cuts = np.arange((first_hop + 1) * step, stop, step) - start  # hops beginning in this chunk
        hops[first_hop : first_hop + cuts.size + 1] += np.add.reduceat(weighted, np.concatenate(([0], cuts)))
        if limiter_blocks is not None:  # chunks are whole limiter blocks (MEASURE_CHUNK is)
            first, whole = start // LIMITER_BLOCK, (stop - start) // LIMITER_BLOCK
            limiter_blocks[first : first + whole] = weighted[: whole * LIMITER_BLOCK].reshape(whole, -1).sum(axis=1)
    # A 400 ms block is four consecutive 100 ms hops (75 % overlap).
    return (hops[:-3] + hops[1:-2] + hops[2:-1] + hops[3:]) / block


def block_count(samples: int, source_rate: int, rate: int) -> int:
    """How many blocks `block_powers` gives for ``samples`` at ``source_rate`` resampled to ``rate``
    (how a cached list of block powers is checked before it is believed)."""
    size = -(-samples * rate // source_rate)  # the resampled length (both resamplers round up)
    return 0 if size < int(0.4 * rate) else size // int(0.1 * rate) - 3


def gated_loudness(powers: np.ndarray) -> float:
    """BS.1770 integrated loudness from block powers: absolute gate −70 LUFS, relative gate −10 LU."""
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(powers)
    above = powers[loudness >= -70.0]
    if above.size == 0:
        return float("-inf")
    relative = -0.691 + 10 * np.log10(above.mean()) - 10.0
    return float(-0.691 + 10 * np.log10(powers[(loudness >= -70.0) & (loudness >= relative)].mean()))


def integrated_loudness(audio: np.ndarray, rate: int) -> float:
    """ITU-R BS.1770-4 integrated loudness in LUFS; -inf for silence or < 400 ms."""
    return gated_loudness(block_powers(audio, rate))


SourceFigures = tuple[np.ndarray, np.ndarray]  # a part's block powers before mastering, its limiting profile


def source_figures(part: np.ndarray, rate: int) -> SourceFigures:
    """A part's K-weighted block powers and limiting profile (`peaks.limiting_profile`), at ``rate``."""
    step = int(0.1 * rate)
    energies = np.zeros(part.size // step * step // LIMITER_BLOCK)
    powers = block_powers(part, rate, energies)
    if powers.size == 0:  # under 400 ms: the limiter still sees it
        return powers, np.zeros(PROFILE_BINS)
    return powers, limiting_profile(part, energies, rate)


def first_gain(source_lufs: float, profile: np.ndarray, target_lufs: float, ceiling_dbtp: float) -> float:
    """The gain (dB) that brings audio measuring ``source_lufs`` to ``target_lufs`` once limited
    under ``ceiling_dbtp``, as the audio's limiting profile predicts it (the loudness grows with the
    gain, less and less as more of the audio is held at the ceiling): found by bisection."""
    low, high = -60.0, 80.0
    for _ in range(40):  # 140 dB halved 40 times: far below a gain step
        gain = (low + high) / 2
        if source_lufs + gain + limited_change_db(profile, gain, ceiling_dbtp) < target_lufs:
            low = gain
        else:
            high = gain
    return (low + high) / 2
