"""Signal processing on numpy alone (no scipy import on the hot path: it costs ~1 s per process).

* K-weighting (ITU-R BS.1770): the two biquads of the standard, designed for any sample rate
  with the Audio EQ Cookbook formulas (as pyloudnorm does), applied in the frequency domain;
* band-limited upsampling by an integer factor (spectrum zero-padding);
* running minimum (van Herk / Gil-Werman) and box mean, for the look-ahead limiter.

The tests check each against scipy / pyloudnorm.
"""

from __future__ import annotations

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


K_WEIGHT_TAPS = 8192  # the filters' impulse response has decayed below 1e-9 of its peak by then
_BLOCK = 1 << 16


def _k_weight_spectrum(rate: int) -> np.ndarray:
    """Spectrum (size _BLOCK) of the K-weighting impulse response, truncated to K_WEIGHT_TAPS."""
    z = np.exp(-2j * np.pi * np.arange(_BLOCK // 2 + 1) / _BLOCK)
    response = np.ones_like(z)
    for b, a in k_weighting_filters(rate):
        response *= (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
    taps = np.fft.irfft(response, _BLOCK)[:K_WEIGHT_TAPS]
    return np.fft.rfft(taps, _BLOCK)


def k_weight(audio: np.ndarray, rate: int) -> np.ndarray:
    """The K-weighted signal, as the causal IIR filters give it starting from silence.

    Overlap-save FFT convolution with the filters' impulse response (truncated where it has
    decayed to nothing), processed in blocks so memory stays proportional to the block size.
    """
    spectrum = _k_weight_spectrum(rate)
    step = _BLOCK - K_WEIGHT_TAPS + 1
    x = np.concatenate((np.zeros(K_WEIGHT_TAPS - 1), audio.astype(np.float64)))
    out = np.empty(audio.size)
    for start in range(0, audio.size, step * 16):
        count = min(step * 16, audio.size - start)
        blocks = -(-count // step)
        segment = x[start : start + blocks * step + K_WEIGHT_TAPS - 1]
        segment = np.pad(segment, (0, blocks * step + K_WEIGHT_TAPS - 1 - segment.size))
        frames = np.lib.stride_tricks.sliding_window_view(segment, _BLOCK)[::step]
        filtered = np.fft.irfft(np.fft.rfft(frames, axis=1) * spectrum, _BLOCK, axis=1)
        out[start : start + count] = filtered[:, K_WEIGHT_TAPS - 1 :].ravel()[:count]
    return out


def upsample(audio: np.ndarray, factor: int) -> np.ndarray:
    """Band-limited interpolation by an integer factor (zero-padded spectrum).

    Silence is padded on both sides first, so the FFT's periodicity cannot join the end to the start.
    """
    if factor == 1:
        return audio
    pad = 256
    n = audio.size + 2 * pad
    size = _next_fast_length(n)
    spectrum = np.fft.rfft(np.pad(audio.astype(np.float64), pad), size)
    wide = np.zeros(size * factor // 2 + 1, dtype=complex)
    wide[: spectrum.size] = spectrum
    if size % 2 == 0:
        wide[spectrum.size - 1] *= 0.5  # split the old Nyquist bin between its two new homes
    out = np.fft.irfft(wide, size * factor) * factor
    return out[pad * factor : (pad + audio.size) * factor].astype(audio.dtype, copy=False)


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
