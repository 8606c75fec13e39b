"""Signal processing on numpy alone (no scipy import on the hot path: it costs ~1 s per process).

* K-weighting (ITU-R BS.1770): the two biquads of the standard, designed for any sample rate
  with the Audio EQ Cookbook formulas (as pyloudnorm does), run exactly in blocks of matrix products;
* band-limited upsampling by an integer factor (spectrum zero-padding);
* running minimum (van Herk / Gil-Werman) and box mean, for the look-ahead limiter.

The tests check each against scipy / pyloudnorm.
"""

from __future__ import annotations

import functools
import math

import numpy as np


def _next_fast_length(n: int) -> int:
    """A length ≥ n made of small primes (2, 3, 5): fast for numpy's FFT."""
    best = 1 << max(0, (n - 1).bit_length())
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            quotient = -(-n // p35)
            candidate = p35 * (1 << max(0, (quotient - 1).bit_length()))
            best = min(best, candidate)
            p35 *= 3
        p5 *= 5
    return best


def _biquad(kind: str, gain_db: float, q: float, fc: float, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Audio EQ Cookbook coefficients (b, a), normalised so that a[0] = 1."""
    amplitude = 10 ** (gain_db / 40)
    w0 = 2 * math.pi * fc / rate
    alpha = math.sin(w0) / (2 * q)
    cos_w0 = math.cos(w0)
    if kind == "high_shelf":
        root = 2 * math.sqrt(amplitude) * alpha
        b = [
            amplitude * ((amplitude + 1) + (amplitude - 1) * cos_w0 + root),
            -2 * amplitude * ((amplitude - 1) + (amplitude + 1) * cos_w0),
            amplitude * ((amplitude + 1) + (amplitude - 1) * cos_w0 - root),
        ]
        a = [
            (amplitude + 1) - (amplitude - 1) * cos_w0 + root,
            2 * ((amplitude - 1) - (amplitude + 1) * cos_w0),
            (amplitude + 1) - (amplitude - 1) * cos_w0 - root,
        ]
    elif kind == "high_pass":
        b = [(1 + cos_w0) / 2, -(1 + cos_w0), (1 + cos_w0) / 2]
        a = [1 + alpha, -2 * cos_w0, 1 - alpha]
    else:
        raise ValueError(kind)
    return np.array(b) / a[0], np.array(a) / a[0]


def k_weighting_filters(rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """BS.1770's pre-filter (+4 dB shelf above ~1.5 kHz) and RLB high-pass (38 Hz)."""
    return [_biquad("high_shelf", 4.0, 1 / math.sqrt(2), 1500.0, rate), _biquad("high_pass", 0.0, 0.5, 38.0, rate)]


# The K-weighting filters run exactly (not truncated) as one linear state-space system in blocks of
# _BLOCK samples: inside a block the output is a matrix product (BLAS), and only the 4-number
# state is carried from block to block, itself in groups of _GROUP blocks (again matrix products).
# A Python loop remains only once per _BLOCK * _GROUP samples: ~6x faster than FFT convolution.
_BLOCK = 128
_GROUP = 32  # 128 x 32 measured 12 % faster than 64 x 64 on 22.05 kHz speech (one BLAS thread)


def _state_space(b: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(A, B, C, D) of one biquad (transposed direct form II, a[0] = 1)."""
    return (
        np.array([[-a[1], 1.0], [-a[2], 0.0]]),
        np.array([b[1] - a[1] * b[0], b[2] - a[2] * b[0]]),
        np.array([1.0, 0.0]),
        float(b[0]),
    )


@functools.lru_cache(maxsize=8)
def _k_weight_plan(rate: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Matrices of the K-weighting (both biquads in series) for blocks of _BLOCK samples.

    state_in (L×n): a block's input → its contribution to the next block's state;
    carry (G·n × (G+1)·n): the inputs' contributions within a group → the state at each block;
    powers ((G+1)×n×n): the state matrix raised to 0…G blocks;
    out ((L+n)×L): [block input, block start state] → block output.
    """
    (a1, b1, c1, d1), (a2, b2, c2, d2) = (_state_space(b, a) for b, a in k_weighting_filters(rate))
    n = 4
    a = np.zeros((n, n))
    a[:2, :2], a[2:, :2], a[2:, 2:] = a1, np.outer(b2, c1), a2
    b, c, d = np.concatenate((b1, b2 * d1)), np.concatenate((d2 * c1, c2)), d2 * d1
    steps = [np.eye(n)]
    for _ in range(_BLOCK):
        steps.append(a @ steps[-1])
    response = np.array([d] + [c @ steps[k - 1] @ b for k in range(1, _BLOCK)])
    lag = np.arange(_BLOCK)[:, None] - np.arange(_BLOCK)[None, :]
    toeplitz = np.where(lag >= 0, response[np.clip(lag, 0, None)], 0.0)  # output n ← input m
    out = np.concatenate((toeplitz.T, np.array([c @ steps[k] for k in range(_BLOCK)]).T))
    state_in = np.array([steps[_BLOCK - 1 - m] @ b for m in range(_BLOCK)])
    powers = [np.eye(n)]
    for _ in range(_GROUP):
        powers.append(steps[_BLOCK] @ powers[-1])
    carry = np.zeros((_GROUP, n, _GROUP + 1, n))
    for i in range(1, _GROUP + 1):
        for j in range(i):
            carry[j, :, i, :] = powers[i - 1 - j].T
    return state_in, carry.reshape(_GROUP * n, (_GROUP + 1) * n), np.array(powers), out


def k_weight(audio: np.ndarray, rate: int) -> np.ndarray:
    """The K-weighted signal, exactly as the causal IIR filters give it starting from silence.

    Float32 audio is filtered in single precision (errors ~1e-5 of full scale: 0.0001 dB on a
    block's energy, at half the memory traffic), anything else in double.
    """
    dtype = np.float32 if audio.dtype == np.float32 else np.float64
    state_in, carry, powers, out = (m.astype(dtype, copy=False) for m in _k_weight_plan(rate))
    n = state_in.shape[1]
    count = audio.size
    groups = -(-count // (_BLOCK * _GROUP))
    # Each row: a block's samples, then (filled in below) the filter state at its start.
    rows = np.zeros((groups * _GROUP, _BLOCK + n), dtype=dtype)
    whole = count // _BLOCK
    rows[:whole, :_BLOCK] = audio[: whole * _BLOCK].reshape(-1, _BLOCK)
    if whole * _BLOCK < count:
        rows[whole, : count - whole * _BLOCK] = audio[whole * _BLOCK :]
    blocks = rows[:, :_BLOCK]
    # Each block's state: its group's start state carried forward, plus the group's own inputs.
    within = ((blocks @ state_in).reshape(groups, _GROUP * n) @ carry).reshape(groups, _GROUP + 1, n)
    starts = np.empty((groups, n), dtype=dtype)
    state = np.zeros(n, dtype=dtype)
    for group in range(groups):
        starts[group] = state
        state = powers[_GROUP] @ state + within[group, _GROUP]
    rows[:, _BLOCK:] = (np.einsum("iab,gb->gia", powers[:_GROUP], starts) + within[:, :_GROUP]).reshape(-1, n)
    return (rows @ out).reshape(-1)[:count]


def upsample(audio: np.ndarray, factor: int) -> np.ndarray:
    """Band-limited interpolation by an integer factor (zero-padded spectrum).

    Silence is padded on both sides first, so the FFT's periodicity cannot join the end to the start.
    Float32 audio is transformed in single precision (half the memory; errors ~1e-7, far below
    16-bit output), anything else in double.
    """
    if factor == 1:
        return audio
    pad = 256
    n = audio.size + 2 * pad
    size = _next_fast_length(n)
    spectrum = np.fft.rfft(np.pad(audio, pad), size)
    wide = np.zeros(size * factor // 2 + 1, dtype=spectrum.dtype)
    wide[: spectrum.size] = spectrum
    del spectrum
    if size % 2 == 0:
        wide[size // 2] *= 0.5  # split the old Nyquist bin between its two new homes
    out = np.fft.irfft(wide, size * factor)
    del wide
    out = out[pad * factor : (pad + audio.size) * factor]
    out *= factor
    return out.astype(audio.dtype, copy=False)


def running_min(values: np.ndarray, width: int) -> np.ndarray:
    """min(values[i - width//2 : i + width//2 + 1]) for every i (edges: the values at the edge)."""
    half = width // 2
    padded = np.pad(values, (half, half + width), mode="edge")
    blocks = padded[: (padded.size // width) * width].reshape(-1, width)
    prefix = np.minimum.accumulate(blocks, axis=1).ravel()
    suffix = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    count = values.size
    return np.minimum(suffix[:count], prefix[width - 1 : width - 1 + count])


def box_mean(values: np.ndarray, width: int) -> np.ndarray:
    """Centered moving average over ``width`` samples (edges: the values at the edge)."""
    half = width // 2
    padded = np.pad(values.astype(np.float64), (half, width - half), mode="edge")
    sums = np.concatenate(([0.0], np.cumsum(padded)))
    return (sums[width : width + values.size] - sums[: values.size]) / width


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """True wherever a True lies within ``radius`` samples (memory: the mask plus its True count)."""
    hits = np.flatnonzero(mask)
    edges = np.zeros(mask.size + 1, dtype=np.int32)
    np.add.at(edges, np.maximum(hits - radius, 0), 1)
    np.add.at(edges, np.minimum(hits + radius + 1, mask.size), -1)
    return np.cumsum(edges[:-1], dtype=np.int32) > 0
