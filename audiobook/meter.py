"""The loudness of an audio file as a player decodes it (`audiobook inspect`): FFmpeg's decoders
in PyAV (MP3, AAC in MP4/M4B), BS.1770 integrated loudness (`audio`) and true peak (oversampled as `peaks` does),
measured a few seconds at a time, so memory does not grow with the file (an edition runs for hours).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .audio import Loudness, gated_loudness
from .dsp import KWeighting
from .errors import OutputError
from .peaks import OVERSAMPLED_RATE

# Samples on each side a chunk is oversampled with (more than the interpolation filter's reach),
# so its true peak is that of the whole signal, not of a signal cut at the chunk's edges.
PEAK_CONTEXT = 64


def file_loudness(path: Path) -> Loudness:
    """Integrated loudness (LUFS) and true peak (dBTP) of the file's decoded audio (mono)."""
    rate, chunks = _decoded(path)
    step = int(0.1 * rate)  # 100 ms hops; a block is four of them (400 ms, 75 % overlap)
    weighting = KWeighting(rate, np.float32)
    hops: list[float] = []
    energy = np.zeros(0)  # K-weighted squares not yet summed into a whole hop
    pending = np.zeros(0, dtype=np.float32)  # samples not yet weighted: fed in whole granules
    peak = -120.0

    def weigh(samples: np.ndarray) -> None:
        nonlocal energy
        weighted = weighting(samples).astype(np.float64)
        energy = np.concatenate((energy, weighted * weighted))
        whole = energy.size // step
        hops.extend(energy[: whole * step].reshape(whole, step).sum(axis=1))
        energy = energy[whole * step :]

    before = current = np.zeros(0, dtype=np.float32)
    for chunk in [*_grouped(chunks), None]:  # each chunk's peak is taken once the next one is known
        after = chunk[:PEAK_CONTEXT] if chunk is not None else np.zeros(0, dtype=np.float32)
        peak = max(peak, _interior_peak(before, current, after, rate))
        if chunk is None:
            break
        before, current = current[-PEAK_CONTEXT:], chunk
        pending = np.concatenate((pending, chunk))
        whole = pending.size - pending.size % KWeighting.GRANULE
        if whole:
            weigh(pending[:whole])
            pending = pending[whole:]
    if pending.size:
        weigh(pending)
    powers = np.asarray(hops)
    blocks = (powers[:-3] + powers[1:-2] + powers[2:-1] + powers[3:]) / (4 * step) if powers.size >= 4 else powers[:0]
    return Loudness(gated_loudness(blocks), peak)


def _interior_peak(before: np.ndarray, chunk: np.ndarray, after: np.ndarray, rate: int) -> float:
    """The true peak (dBTP) of ``chunk`` oversampled with its neighbours' samples around it."""
    from scipy.signal import resample_poly

    if chunk.size == 0:
        return -120.0
    up = max(1, round(OVERSAMPLED_RATE / rate))
    oversampled = resample_poly(np.concatenate((before, chunk, after)).astype(np.float64), up, 1)
    interior = np.abs(oversampled[before.size * up : (before.size + chunk.size) * up]).max()
    return 20 * float(np.log10(interior)) if interior > 0 else -120.0


def _grouped(chunks: Iterator[np.ndarray], size: int = 1 << 16) -> Iterator[np.ndarray]:
    """Decoded frames (~1,000 samples each) gathered into chunks of ``size`` samples or more."""
    held: list[np.ndarray] = []
    count = 0
    for chunk in chunks:
        held.append(chunk)
        count += chunk.size
        if count >= size:
            yield np.concatenate(held)
            held, count = [], 0
    if held:
        yield np.concatenate(held)


def _decoded(path: Path) -> tuple[int, Iterator[np.ndarray]]:
    import av

    try:
        container = av.open(str(path))
        stream = container.streams.audio[0]
    except (av.FFmpegError, OSError, IndexError) as exc:
        raise OutputError(f"{path}: no audio that can be decoded ({exc})") from None
    rate = stream.codec_context.sample_rate or stream.rate

    def chunks() -> Iterator[np.ndarray]:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        with container:
            try:
                for frame in container.decode(stream):
                    for out in resampler.resample(frame):
                        yield out.to_ndarray().reshape(-1)
            except av.FFmpegError as exc:
                raise OutputError(f"{path}: its audio cannot be decoded ({exc})") from None
            for out in resampler.resample(None):
                yield out.to_ndarray().reshape(-1)

    return rate, chunks()
