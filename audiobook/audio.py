"""Stage 4: clips + timeline → one loudness-normalized encoded stream, in the output format's
encoder (`audiobook.formats`: MP3 from in-process LAME, mono, CBR).

The article is mastered in parts (chapters, cut further at paragraph pauses; see
`timeline.build_timeline`): one gain for the whole article (from its integrated loudness,
ITU-R BS.1770), then per part: apply the gain, hold true peaks under the ceiling with a look-ahead
limiter and measure the result at the engine's rate, then resample to the output rate and encode
a few seconds at a time (espeak's 22,050 Hz: the part at 44.1 kHz is never whole).
Other engine rates are resampled first when BS.1770's blocks do not fit them (11,025 Hz), and in
one piece when the output rate is not a multiple of theirs (scipy's polyphase resampler).
The parts' streams are joined frame by frame; every boundary falls in a pause, so each
stream's encoder delay and padding land in silence. Each encoded part is cached by the hash of
its audio and settings: a one-sentence edit re-encodes one part.

Loudness and true peak are measured on the mastered audio just before encoding, at the engine's
rate (every other sample of the 44.1 kHz audio is an engine sample: same loudness within 0.002 LU),
from the parts' K-weighted block energies gated over the whole article as BS.1770 prescribes. The
stream is not decoded again (that alone cost as much as all the rest of the mastering): what the
encoder changes is stable and measured once, and the format says it (`loudness_loss_lu`,
`true_peak_headroom_db`); the tests re-measure the MP3s with ffmpeg's decoder and pyloudnorm.
"""

from __future__ import annotations

import json
import os
from bisect import bisect_left
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from math import gcd

import numpy as np

from . import dsp
from .cache import BlobCache, content_key
from .errors import OutputError
from .formats import OutputFormat, output_format
from .model import Clip
from .settings import Settings
from .timeline import Timeline

MASTERING_VERSION = "7"  # in every encoded part's cache key: bump when the processing changes
LIMITER_WINDOW_S = 0.004  # look-ahead; long enough for a smooth gain change on speech
LIMITER_BLOCK = 16  # samples that share one computed gain (interpolated in between)
# The limiter holds samples, not the points between them: true peaks of espeak speech limited at
# 44.1 kHz came out ≤ 0.11 dB over the ceiling, limited at 22.05 kHz ≤ 0.43 dB (seed + samples).
INTERSAMPLE_HEADROOM_DB = {44100: 0.2, 22050: 0.5}
GAIN_STEP_DB = 0.25  # the article gain is rounded to this, so small edits keep the other parts' audio
MASTERING_PASSES = 6  # master-and-measure passes after the first encoding (no encoding: cheap)
LOUDNESS_TOLERANCE_LU = 0.5  # re-level when the encoded audio misses the target by more than this
# The limiter and LAME (the MP3 format's loudness_loss_lu) lower the loudness of espeak speech raised
# to −16 LUFS by 2.1–2.4 LU (measured on the seed and the sample articles): aim that much higher,
# and let the measurement of the mastered audio confirm it (one pass, usually; the loop corrects
# the aim for an encoder that loses more or less).
MASTERING_LOSS_LU = 2.35


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float


@dataclass(frozen=True)
class EncodedPart:
    """One part as an encoded stream, with what its mastered audio measured (before encoding)."""

    stream: bytes
    frames: int
    true_peak_dbtp: float
    block_powers: np.ndarray  # K-weighted mean square of each 400 ms block, 100 ms apart


@dataclass(frozen=True)
class EncodedAudio:
    part_frames: tuple[int, ...]  # frames per part, in order
    sample_rate: int
    loudness: Loudness
    encoded_parts: int  # parts encoded now (the rest came from the cache)
    part_readers: tuple[Callable[[], bytes], ...]  # each part's stream, read when written
    output: OutputFormat  # the encoder the streams came from

    def stream_chunks(self) -> Iterator[bytes]:
        """The encoded stream part by part (from the cache), never all of it in memory at once."""
        for read in self.part_readers:
            yield read()

    @property
    def duration_ms(self) -> int:
        return round(sum(self.part_frames) * self.output.samples_per_frame * 1000 / self.sample_rate)


def assemble_part(clip_at: Callable[[int], Clip], timeline: Timeline, part: int) -> np.ndarray:
    """One part's speech and silences as a float32 array at the engine's rate (clips read one by one)."""
    start = timeline.part_starts[part]
    end = timeline.part_starts[part + 1] if part + 1 < len(timeline.part_starts) else timeline.total_samples
    audio = np.zeros(end - start, dtype=np.float32)
    starts = [segment.start for segment in timeline.segments]
    for index in range(bisect_left(starts, start), bisect_left(starts, end)):
        segment = timeline.segments[index]
        clip = clip_at(index)
        if clip.sample_rate != timeline.sample_rate or clip.sample_count != segment.speech:
            raise OutputError("a clip does not match the timeline it was placed on")
        offset = segment.start - start
        audio[offset : offset + segment.speech] = np.frombuffer(clip.pcm, dtype="<i2") * (1.0 / 32768.0)
    return audio


def resample(audio: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """The whole audio at another rate (for audio that is not streamed: see `resampled_chunks`)."""
    if source_rate == target_rate or audio.size == 0:
        return audio
    return np.concatenate(list(resampled_chunks(audio, source_rate, target_rate)))


RESAMPLE_CHUNK = 1 << 16  # source samples per chunk of resampled audio (3 s at 22.05 kHz)


def resampled_chunks(audio: np.ndarray, source_rate: int, target_rate: int) -> Iterator[np.ndarray]:
    """The audio at ``target_rate``, a few seconds at a time when the rates are whole multiples
    (espeak's 22,050 → 44,100 Hz), else in one piece."""
    if target_rate % source_rate == 0:  # espeak's 22,050 Hz → 44,100 Hz (or the same rate)
        for start in range(0, audio.size, RESAMPLE_CHUNK):
            yield dsp.upsample(audio, target_rate // source_rate, start, min(start + RESAMPLE_CHUNK, audio.size))
    else:
        from scipy.signal import resample_poly  # other engines' rates (e.g. 16 kHz SAPI voices)

        common = gcd(source_rate, target_rate)
        yield resample_poly(audio, target_rate // common, source_rate // common).astype(np.float32)


def measurable(rate: int) -> bool:
    """Whether BS.1770's 400 ms blocks are four whole 100 ms hops at this rate (block_powers works)."""
    return int(0.4 * rate) == 4 * int(0.1 * rate)


MEASURE_CHUNK = 16 * dsp.KWeighting.GRANULE  # samples K-weighted at a time (3 s at 22.05 kHz)


def block_powers(audio: np.ndarray, rate: int) -> np.ndarray:
    """Mean square of the K-weighted signal in 400 ms blocks with 75 % overlap (BS.1770)."""
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


TRUE_PEAK_TAPS = 32  # per interpolated point: a Kaiser-windowed sinc, ±16 samples


def true_peak_dbtp(audio: np.ndarray, rate: int) -> float:
    """BS.1770 true peak: the peak of the signal oversampled 4× (2× at ≥ 96 kHz).

    Only beside the loudest samples is the signal interpolated (a 32-tap windowed sinc): an
    inter-sample peak exceeds its neighbouring samples by well under 3 dB, and lies next to a
    sample that is at least as loud as its own neighbours (oversampled audio has no narrower
    lobes), so nothing else can hold the maximum. The tests check it against oversampling everything.
    """
    sample_peak = max(float(audio.max()), -float(audio.min())) if audio.size else 0.0
    if sample_peak <= 0:
        return -120.0
    weights = dsp.interpolator(4 if rate < 96000 else 2, TRUE_PEAK_TAPS)
    threshold = sample_peak * 10 ** (-3 / 20)
    inner = audio[1:-1]
    loud = np.flatnonzero((inner >= threshold) | (inner <= -threshold)) + 1
    magnitude = np.abs(audio[loud])
    loud = loud[(magnitude >= np.abs(audio[loud - 1])) & (magnitude >= np.abs(audio[loud + 1]))]
    if loud.size == 0:  # only the first or last sample is loud (a very short signal)
        return 20 * float(np.log10(sample_peak))
    gaps = np.concatenate((loud - 1, loud))  # [n−1, n] and [n, n+1]
    half = TRUE_PEAK_TAPS // 2
    if gaps.min() < half - 1 or gaps.max() + half >= audio.size:
        audio, gaps = np.pad(audio, TRUE_PEAK_TAPS), gaps + TRUE_PEAK_TAPS  # silence beyond the ends
    windows = np.lib.stride_tricks.sliding_window_view(audio, TRUE_PEAK_TAPS)  # samples g − 15 … g + 16
    transposed = weights.T.astype(audio.dtype)
    peak = sample_peak
    for start in range(0, gaps.size, 8192):  # a few MB at a time
        peak = max(peak, float(np.abs(windows[gaps[start : start + 8192] - (half - 1)] @ transposed).max()))
    return 20 * float(np.log10(peak))


def limit(audio: np.ndarray, ceiling: float, rate: int, in_place: bool = False) -> np.ndarray:
    """Look-ahead brickwall limiter: gain never exceeds what keeps every sample ≤ ceiling.

    The gain is worked out per block of LIMITER_BLOCK samples (a 16th of the work): each block's
    required gain (from its loudest sample) is min-filtered over ±(W + 1 block) then box-smoothed
    over W, so the smoothed gain of any block is ≤ the requirement of it and of both neighbours
    (every value averaged comes from a window containing them), and gain changes take W (no
    clicks). Each sample's gain is interpolated between the two nearest block centres — between
    two values ≤ its own block's requirement — and only applied where some gain is below 1.
    ``in_place``: change ``audio`` itself (no second copy of a long part).
    """
    over = np.flatnonzero((audio > ceiling) | (audio < -ceiling))
    if over.size == 0:
        return audio
    block = LIMITER_BLOCK
    width = max(3, round(rate * LIMITER_WINDOW_S / block) | 1)  # W in blocks, odd
    count = -(-audio.size // block)
    # Each block's requirement, from its samples over the ceiling (sorted, so grouped by block).
    blocks = over // block
    first = np.flatnonzero(np.diff(blocks, prepend=-1))
    required = np.ones(count)
    required[blocks[first]] = np.minimum.reduceat(ceiling / np.abs(audio[over]).astype(np.float64), first)
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


def master_part(
    source: np.ndarray, source_rate: int, gain_db: float, ceiling_dbtp: float, settings: Settings
) -> tuple[np.ndarray, int, np.ndarray, float]:
    """A part levelled and limited: (audio, its rate, block powers, true peak)."""
    gain = np.float32(10 ** (gain_db / 20))
    if measurable(source_rate):
        # Levelled, limited and measured at the engine's rate (half the samples of the output for
        # espeak), then resampled: resampling keeps the loudness (within 0.002 LU, measured) and
        # the true peak (that of the band-limited signal, which is what the true peak measures).
        audio = limit(source * gain, 10 ** (ceiling_dbtp / 20), source_rate, in_place=True)
        return audio, source_rate, block_powers(audio, source_rate), true_peak_dbtp(audio, source_rate)
    # An engine rate that BS.1770's blocks do not fit: all of it at the output rate.
    rate = settings.sample_rate
    audio = limit(resample(source, source_rate, rate) * gain, 10 ** (ceiling_dbtp / 20), rate, in_place=True)
    return audio, rate, block_powers(audio, rate), true_peak_dbtp(audio, rate)


def encode_part(
    source: np.ndarray, source_rate: int, gain_db: float, ceiling_dbtp: float, settings: Settings, fmt: OutputFormat
) -> EncodedPart:
    audio, audio_rate, powers, peak = master_part(source, source_rate, gain_db, ceiling_dbtp, settings)
    rate = settings.sample_rate
    # Resampled and encoded a few seconds at a time.
    stream = fmt.encode(resampled_chunks(audio, audio_rate, rate), rate, settings.bitrate_kbps)
    return EncodedPart(stream, fmt.count_frames(stream, rate), peak, powers)


def _gain_step(gain_db: float) -> float:
    return round(gain_db / GAIN_STEP_DB) * GAIN_STEP_DB


def _slope(passes: list[tuple[float, float, float]], ceiling: float) -> float:
    """How many LU louder the audio gets per dB of gain: under one ceiling the limiter takes back
    part of each added dB, so the last two passes at this ceiling say how much (else 1)."""
    if len(passes) >= 2 and passes[-1][1] == passes[-2][1] == ceiling and passes[-1][0] != passes[-2][0]:
        (gain_a, _, loud_a), (gain_b, _, loud_b) = passes[-2], passes[-1]
        return min(1.0, max(0.25, (loud_b - loud_a) / (gain_b - gain_a)))
    return 1.0


def _cached_part(
    cache: BlobCache | None,
    source: np.ndarray,
    source_rate: int,
    gain_db: float,
    ceiling_dbtp: float,
    settings: Settings,
    fmt: OutputFormat,
) -> tuple[EncodedPart, bool, Callable[[], bytes]]:
    """The encoded part (from the cache when the same audio was mastered the same way), whether it
    was encoded now, and how to read its stream later (the part object drops it when cached)."""
    key = content_key(
        MASTERING_VERSION,
        memoryview(source).cast("B"),  # hashed in place: no copy of the part
        f"{source_rate}|{gain_db:.3f}|{ceiling_dbtp:.3f}|{settings.sample_rate}|{settings.bitrate_kbps}|{fmt.name}",
    )
    # The blocks the part is measured in (see encode_part): a cached entry must hold that many.
    blocks = block_count(source.size, source_rate, source_rate if measurable(source_rate) else settings.sample_rate)
    found = _part_entry(cache.get(key), settings, blocks, fmt) if cache else None
    fresh = found is None
    if fresh:
        part = encode_part(source, source_rate, gain_db, ceiling_dbtp, settings, fmt)
        if cache is None:
            return part, True, lambda stream=part.stream: stream
        meta = json.dumps(
            {"frames": part.frames, "true_peak_dbtp": part.true_peak_dbtp, "blocks": int(part.block_powers.size)}
        ).encode()
        powers = part.block_powers.astype("<f8").tobytes()
        cache.put(key, len(meta), meta + powers + part.stream)
        found = (part.frames, part.true_peak_dbtp, np.frombuffer(powers, dtype="<f8"), b"")
    frames, peak, powers, _ = found
    return EncodedPart(b"", frames, peak, powers), fresh, _reader(cache, key, settings, blocks, fmt)


def _reader(cache: BlobCache, key: str, settings: Settings, blocks: int, fmt: OutputFormat) -> Callable[[], bytes]:
    def read() -> bytes:
        found = _part_entry(cache.get(key), settings, blocks, fmt)
        if found is None:
            raise OutputError(
                f"encoded audio vanished from the cache ({cache.folder}) while the {fmt.name.upper()} was written"
            )
        return found[3]

    return read


def _part_entry(
    found: tuple[int, bytes] | None, settings: Settings, expected_blocks: int, fmt: OutputFormat
) -> tuple[int, float, np.ndarray, bytes] | None:
    """An encoded part's cache entry as (frames, true peak, block powers, stream), or None when it is
    missing or does not hold together. Its checksum holds, but a crafted entry can carry one: no
    number in it is used before it is checked against the bytes it describes."""
    if found is None:
        return None
    head, payload = found
    if not 0 < head <= len(payload):
        return None
    try:
        meta = json.loads(payload[:head])
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested without end
        return None
    if not isinstance(meta, dict):
        return None
    frames, peak, blocks = meta.get("frames"), meta.get("true_peak_dbtp"), meta.get("blocks")
    if not (_whole(frames) and frames > 0 and blocks == expected_blocks and _finite(peak)):
        return None
    stream_start = head + 8 * expected_blocks
    if stream_start > len(payload):
        return None
    powers = _powers(payload[head:stream_start])
    stream = payload[stream_start:]
    if powers is None or not fmt.stream_fits(frames, len(stream), settings.sample_rate, settings.bitrate_kbps):
        return None
    return frames, float(peak), powers, stream


def _powers(data: bytes) -> np.ndarray | None:
    """Block energies stored as doubles: None unless whole, finite and non-negative."""
    if len(data) % 8:
        return None
    powers = np.frombuffer(data, dtype="<f8")
    return powers if np.isfinite(powers).all() and not (powers < 0).any() else None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)


def _source_powers(cache: BlobCache | None, part: np.ndarray, rate: int, measuring_rate: int) -> np.ndarray:
    """Block energies of a part's speech before mastering (they set the article's gain), measured
    at the rate the mastered audio will be measured at."""
    key = content_key(MASTERING_VERSION, "source-blocks", memoryview(part).cast("B"), f"{rate}|{measuring_rate}")
    found = cache.get(key) if cache else None
    cached = _powers(found[1]) if found else None
    if cached is not None and cached.size == found[0] == block_count(part.size, rate, measuring_rate):
        return cached
    powers = block_powers(resample(part, rate, measuring_rate), measuring_rate)
    if cache:
        cache.put(key, powers.size, powers.astype("<f8").tobytes())
    return powers


def master(
    clip_at: Callable[[int], Clip],
    timeline: Timeline,
    settings: Settings,
    cache: BlobCache | None = None,
    threads: int | None = None,
    fmt: OutputFormat | None = None,
) -> EncodedAudio:
    """Level, limit and encode part by part; check the result and correct it if it missed.

    ``fmt``: the encoder (default: the settings' output format).

    Only the parts being worked on are in memory (``clip_at`` fetches an utterance's clip): memory
    stays flat however long the article. Parts are mastered on ``threads`` threads (default: one
    per core; LAME and numpy's matrix products release the GIL), the results kept in order: same bytes.
    """
    from threadpoolctl import threadpool_limits

    rate = timeline.sample_rate
    count = len(timeline.part_starts)
    fmt = fmt or output_format(settings)
    threads = max(1, threads or os.cpu_count() or 1)
    # Our matrix products are small and the parts already use the cores: OpenBLAS's own threads
    # only spin on the cores LAME needs (measured: K-weighting 2.3x slower, a 5,000-word
    # conversion 2x slower). Limited here, not by environment, so it holds in any host process.
    with threadpool_limits(limits=1, user_api="blas"):
        if threads == 1:  # in this thread: nothing to coordinate (and profilers see the work)
            return _master(clip_at, timeline, settings, cache, fmt, map, rate, count)
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return _master(clip_at, timeline, settings, cache, fmt, pool.map, rate, count)


def _master(
    clip_at: Callable[[int], Clip],
    timeline: Timeline,
    settings: Settings,
    cache: BlobCache | None,
    fmt: OutputFormat,
    mapper: Callable,
    rate: int,
    count: int,
) -> EncodedAudio:
    # Measured (and limited) at the engine's rate when BS.1770's blocks fit it, else at the output's.
    limiting_rate = rate if measurable(rate) else settings.sample_rate
    measured_source = gated_loudness(
        np.concatenate(
            list(
                mapper(
                    lambda i: _source_powers(cache, assemble_part(clip_at, timeline, i), rate, limiting_rate),
                    range(count),
                )
            )
        )
    )
    if not np.isfinite(measured_source):
        measured_source = settings.target_lufs  # silence: leave the level alone

    # Room for the peaks between samples too, so one pass is usually enough (espeak: always).
    headroom = INTERSAMPLE_HEADROOM_DB[44100 if limiting_rate >= 44100 else 22050]
    encoder_headroom = fmt.true_peak_headroom_db(settings.bitrate_kbps)
    gain_db = _gain_step(settings.target_lufs + MASTERING_LOSS_LU - measured_source)

    def encode_all(gain: float, ceiling: float) -> list:
        return list(
            mapper(
                lambda i: _cached_part(cache, assemble_part(clip_at, timeline, i), rate, gain, ceiling, settings, fmt),
                range(count),
            )
        )

    def measure_all(gain: float, ceiling: float) -> list[tuple[np.ndarray, float]]:
        return list(
            mapper(
                lambda i: master_part(assemble_part(clip_at, timeline, i), rate, gain, ceiling, settings)[2:],
                range(count),
            )
        )

    # The first pass encodes (and reads unchanged parts from the cache); if the mastered audio
    # misses a target, the next passes only master and measure (cheap: no encoding) until it
    # does, and the audio is encoded once more at the end.
    def encoded_loudness(figures: list[tuple[np.ndarray, float]]) -> Loudness:
        # The encoded audio: the mastered audio's figures with what the encoder changes (loudness:
        # measured, stable; true peak: at most this much higher).
        return Loudness(
            gated_loudness(np.concatenate([powers for powers, _ in figures])) - fmt.loudness_loss_lu,
            max(peak for _, peak in figures) + encoder_headroom,
        )

    passes: list[tuple[float, float, float]] = []  # (gain, ceiling, loudness) of each missed pass
    ceiling = settings.true_peak_dbtp - encoder_headroom - headroom
    results = encode_all(gain_db, ceiling)
    encoded_at = (gain_db, ceiling)
    figures = [(p.block_powers, p.true_peak_dbtp) for p, _, _ in results]
    for _ in range(MASTERING_PASSES + 1):
        loudness = encoded_loudness(figures)
        loud_ok = abs(loudness.integrated_lufs - settings.target_lufs) <= LOUDNESS_TOLERANCE_LU
        peak_ok = loudness.true_peak_dbtp <= settings.true_peak_dbtp
        if (loud_ok and peak_ok) or not np.isfinite(loudness.integrated_lufs) or len(passes) == MASTERING_PASSES:
            break
        passes.append((gain_db, ceiling, loudness.integrated_lufs))
        if not peak_ok:
            headroom += loudness.true_peak_dbtp - settings.true_peak_dbtp + 0.2
            ceiling = settings.true_peak_dbtp - encoder_headroom - headroom
        gain_db = _gain_step(gain_db + (settings.target_lufs - loudness.integrated_lufs) / _slope(passes, ceiling))
        figures = measure_all(gain_db, ceiling)
    if (gain_db, ceiling) != encoded_at:
        results = encode_all(gain_db, ceiling)
    encoded = [part for part, _, _ in results]
    # What is reported is what was encoded (the figures of the last pass are those of these parts).
    loudness = encoded_loudness([(p.block_powers, p.true_peak_dbtp) for p in encoded])
    return EncodedAudio(
        tuple(p.frames for p in encoded),
        settings.sample_rate,
        loudness,
        sum(1 for _, fresh, _ in results if fresh),  # parts of this audio encoded now (not passes)
        tuple(read for _, _, read in results),
        fmt,
    )
