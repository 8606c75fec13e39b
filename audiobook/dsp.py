"""Signal processing on numpy alone (no scipy import on the hot path: it costs ~1 s per process).

* K-weighting (ITU-R BS.1770): the two biquads of the standard, designed for any sample rate
  with the Audio EQ Cookbook formulas (as pyloudnorm does), run exactly in blocks of matrix products;
* band-limited upsampling by an integer factor (a windowed sinc, in blocks of matrix products);
* running minimum (van Herk / Gil-Werman) and box mean, for the look-ahead limiter.

The tests check each against scipy / pyloudnorm.
"""

from __future__ import annotations

import functools
import math

import numpy as np


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
    plan = (state_in, carry.reshape(_GROUP * n, (_GROUP + 1) * n), np.array(powers), out)
    return tuple(_read_only(matrix) for matrix in plan)


class KWeighting:
    """The K-weighting filters over consecutive chunks of one signal, starting from silence.

    Every chunk but the last must be a whole number of GRANULE samples (the filter state is carried
    exactly from one chunk to the next). Float32 audio is filtered in single precision (errors
    ~1e-5 of full scale: 0.0001 dB on a block's energy, at half the memory traffic), anything
    else in double.
    """

    GRANULE = _BLOCK * _GROUP

    def __init__(self, rate: int, dtype: type = np.float32):
        self.dtype = np.float32 if dtype == np.float32 else np.float64
        self.state_in, self.carry, self.powers, self.out = (
            m.astype(self.dtype, copy=False) for m in _k_weight_plan(rate)
        )
        self.state = np.zeros(self.state_in.shape[1], dtype=self.dtype)
        self.ended = False  # a chunk that was not whole granules ends the signal

    def __call__(self, chunk: np.ndarray) -> np.ndarray:
        if self.ended:
            raise ValueError("only the last chunk may be a partial granule")
        self.ended = chunk.size % self.GRANULE != 0
        n = self.state.size
        count = chunk.size
        groups = -(-count // self.GRANULE)
        # Each row: a block's samples, then (filled in below) the filter state at its start.
        rows = np.zeros((groups * _GROUP, _BLOCK + n), dtype=self.dtype)
        whole = count // _BLOCK
        rows[:whole, :_BLOCK] = chunk[: whole * _BLOCK].reshape(-1, _BLOCK)
        if whole * _BLOCK < count:
            rows[whole, : count - whole * _BLOCK] = chunk[whole * _BLOCK :]
        blocks = rows[:, :_BLOCK]
        # Each block's state: its group's start state carried forward, plus the group's own inputs.
        within = ((blocks @ self.state_in).reshape(groups, _GROUP * n) @ self.carry).reshape(groups, _GROUP + 1, n)
        starts = np.empty((groups, n), dtype=self.dtype)
        state = self.state
        for group in range(groups):
            starts[group] = state
            state = self.powers[_GROUP] @ state + within[group, _GROUP]
        self.state = state
        rows[:, _BLOCK:] = (np.einsum("iab,gb->gia", self.powers[:_GROUP], starts) + within[:, :_GROUP]).reshape(-1, n)
        return (rows @ self.out).reshape(-1)[:count]


def k_weight(audio: np.ndarray, rate: int) -> np.ndarray:
    """The K-weighted signal, exactly as the causal IIR filters give it starting from silence."""
    return KWeighting(rate, audio.dtype)(audio)


@functools.lru_cache(maxsize=8)
def interpolator(factor: int, taps: int) -> np.ndarray:
    """Weights (factor−1 × taps) of the points n + p/factor (p = 1 … factor−1) from the samples
    n − taps/2 + 1 … n + taps/2: a Kaiser-windowed sinc (β = 8), each row summing to 1 (no ripple at DC)."""
    half = taps // 2
    distance = np.arange(1, factor)[:, None] / factor - np.arange(-half + 1, half + 1)[None, :]
    window = np.i0(8.0 * np.sqrt(np.clip(1 - (distance / half) ** 2, 0, None))) / np.i0(8.0)
    weights = np.sinc(distance) * window
    return _read_only(weights / weights.sum(axis=1, keepdims=True))


def _read_only(array: np.ndarray) -> np.ndarray:
    """Cached plans are shared by every thread: an in-place change would corrupt all later results."""
    array.setflags(write=False)
    return array


# Upsampling keeps every input sample and interpolates the points between from 64 neighbours: flat
# within 0.01 dB to 10 kHz at 22.05 kHz, −6 dB at the old Nyquist. As a matrix product per block
# of _UP_BLOCK samples (6x faster than the zero-padded FFT it replaced, and it streams: any range
# of the output can be computed alone, equal to that range of the whole up to float rounding).
UPSAMPLE_TAPS = 64
_UP_BLOCK = 64


@functools.lru_cache(maxsize=8)
def _upsample_plan(factor: int, dtype: type) -> np.ndarray:
    """((_UP_BLOCK + taps − 1) × _UP_BLOCK·(factor−1)): a block's inputs with their margins → its new points."""
    weights = interpolator(factor, UPSAMPLE_TAPS)
    plan = np.zeros((_UP_BLOCK + UPSAMPLE_TAPS - 1, _UP_BLOCK, factor - 1))
    for offset in range(_UP_BLOCK):
        plan[offset : offset + UPSAMPLE_TAPS, offset, :] = weights.T
    return _read_only(plan.reshape(_UP_BLOCK + UPSAMPLE_TAPS - 1, -1).astype(dtype))


def upsample(audio: np.ndarray, factor: int, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Band-limited interpolation by an integer factor of audio[start:stop] (silence beyond the
    ends of ``audio``; inside, the neighbours of the range are read from it)."""
    stop = audio.size if stop is None else stop
    if factor == 1:
        return audio[start:stop]
    dtype = np.float32 if audio.dtype == np.float32 else np.float64
    half = UPSAMPLE_TAPS // 2
    count = stop - start
    if count <= 0:
        return np.zeros(0, dtype=dtype)
    blocks = -(-count // _UP_BLOCK)
    # The inputs every block needs: its own samples and `half` on either side.
    low, high = start - half + 1, start + blocks * _UP_BLOCK + half
    inputs = np.zeros(high - low, dtype=dtype)
    inputs[max(low, 0) - low : min(high, audio.size) - low] = audio[max(low, 0) : min(high, audio.size)]
    rows = np.lib.stride_tricks.sliding_window_view(inputs, _UP_BLOCK + UPSAMPLE_TAPS - 1)[::_UP_BLOCK]
    out = np.empty((blocks * _UP_BLOCK, factor), dtype=dtype)
    out[:, 0] = inputs[half - 1 : half - 1 + blocks * _UP_BLOCK]
    out[:, 1:] = (rows @ _upsample_plan(factor, dtype)).reshape(-1, factor - 1)
    return out[:count].reshape(-1)


def running_min(values: np.ndarray, width: int) -> np.ndarray:
    """min(values[i - width//2 : i - width//2 + width]) for every i (edges: the values at the edge)."""
    half = width // 2
    result = np.pad(values, (half, width - half - 1), mode="edge")
    span = 1  # result[i] is the minimum of `span` values from i on: doubled until a window holds two
    while 2 * span <= width:
        result = np.minimum(result[:-span], result[span:])
        span *= 2
    # A window is the union of the span starting where it starts and the span ending where it ends.
    return np.minimum(result[: values.size], result[width - span : width - span + values.size])


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
