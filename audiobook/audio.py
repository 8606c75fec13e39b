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

Loudness is measured on the mastered audio just before encoding, at the engine's rate (every
other sample of the 44.1 kHz audio is an engine sample: same loudness within 0.002 LU), from the
parts' K-weighted block energies gated over the whole article as BS.1770 prescribes; what the
encoder takes off is stable and measured once (the format's `loudness_loss_lu`). The limiter holds
true peaks (`audiobook.peaks`), but the encoder raises them again by an amount that is not stable
(0–2.4 dB per part at 64 kbps): each encoded part is decoded and its true peak measured (~a fifth
of the encoding's time), and a part over the target is limited lower and encoded again. Passes
that look for the gain master and measure without encoding; the audio is encoded once. The tests
re-measure the MP3s with ffmpeg's decoder and pyloudnorm.

The first pass is aimed before anything is limited: each part's speech is measured once for its
block powers and its limiting profile (`loudness`), which say how loud it gets at any gain once
limited; the passes then confirm it (one, usually, for espeak and Piper alike).
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from math import gcd
from typing import TypeVar

import numpy as np

from . import dsp
from .cache import BlobCache, content_key
from .encoded_parts import PartEntry, PartSlot, packed, stored_powers
from .errors import OutputError
from .formats import OutputFormat, output_format
from .loudness import (
    PROFILE_BINS,
    SourceFigures,
    block_count,
    block_powers,
    first_gain,
    gated_loudness,
    measurable,
    source_figures,
)
from .model import Clip
from .peaks import limit, true_peak_dbtp
from .settings import Settings
from .timeline import Timeline

T = TypeVar("T")

MASTERING_VERSION = "9"  # in every encoded part's cache key: bump when the processing changes
GAIN_STEP_DB = 0.25  # the article gain is rounded to this, so small edits keep the other parts' audio
MASTERING_PASSES = 8  # master-and-measure passes at most (no encoding: cheap)
# Re-level when the encoded audio would miss the target by more than this: the target is ±0.5 LU,
# and a meter decoding the file differs from our figures by up to ~0.1 LU.
LOUDNESS_AIM_LU = 0.3
# The limiter's output measures up to 0.0006 dB over its ceiling (float32 rounding of the gain
# and of the interpolation; 5 espeak and 2 Piper articles). Counted as a miss it cost every article
# a second pass (~4 % of an espeak conversion) for nothing: the decoded streams are checked anyway.
LIMITER_SLACK_DB = 0.005
PEAK_RETRIES = 3  # re-encodings of a part whose decoded stream peaks over the target
PEAK_MARGIN_DB = 0.1  # how far under the target such a part is aimed the next time
# Decoders (ffmpeg's, miniaudio's), and a whole file decoded rather than its parts, find true peaks
# within ~0.001 dB of each other: the decoded peak reported adds this, so it stays a bound.
DECODER_SPREAD_DB = 0.02


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float


@dataclass(frozen=True)
class EncodedPart:
    """One part as an encoded stream: its mastered audio's block powers, its decoded stream's true peak."""

    stream: bytes
    frames: int
    true_peak_dbtp: float  # of the decoded stream
    block_powers: np.ndarray  # K-weighted mean square of each 400 ms block, 100 ms apart
    mastered_peak_dbtp: float  # of the mastered audio (what the passes that look for the gain see)


@dataclass(frozen=True)
class EncodedAudio:
    part_frames: tuple[int, ...]  # frames per part, in order
    sample_rate: int
    loudness: Loudness
    encoded_parts: int  # parts encoded now (the rest came from the cache)
    part_readers: tuple[Callable[[], bytes], ...]  # each part's stream, read when written
    output: OutputFormat  # the encoder the streams came from
    # How the parts were mastered (`mastered`: the gain, each part's ceiling), so that another
    # encoder can be given the same mastered audio (the M4B's AAC pieces: `edition.pieces`).
    gain_db: float = 0.0
    part_ceilings: tuple[float, ...] = ()

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


def mastered(
    source: np.ndarray, source_rate: int, gain_db: float, ceiling_dbtp: float, settings: Settings
) -> tuple[np.ndarray, int]:
    """A part levelled and limited, and its rate."""
    gain = np.float32(10 ** (gain_db / 20))
    ceiling = 10 ** (ceiling_dbtp / 20)
    if measurable(source_rate):
        # Levelled, limited and measured at the engine's rate (half the samples of the output for
        # espeak), then resampled: resampling keeps the loudness (within 0.002 LU, measured) and
        # the true peak (that of the band-limited signal, which is what the true peak measures).
        return limit(source * gain, ceiling, source_rate, in_place=True), source_rate
    # An engine rate that BS.1770's blocks do not fit: all of it at the output rate.
    rate = settings.sample_rate
    return limit(resample(source, source_rate, rate) * gain, ceiling, rate, in_place=True), rate


def master_part(
    source: np.ndarray, source_rate: int, gain_db: float, ceiling_dbtp: float, settings: Settings
) -> tuple[np.ndarray, int, np.ndarray, float]:
    """A part levelled and limited: (audio, its rate, block powers, true peak)."""
    audio, rate = mastered(source, source_rate, gain_db, ceiling_dbtp, settings)
    return audio, rate, block_powers(audio, rate), true_peak_dbtp(audio, rate)


Figures = tuple[np.ndarray, float]  # a mastered part's block powers and true peak


def encode_part(
    source: np.ndarray,
    source_rate: int,
    gain_db: float,
    ceiling_dbtp: float,
    settings: Settings,
    fmt: OutputFormat,
    figures: Figures | None = None,
) -> EncodedPart:
    """The part mastered and encoded, with the true peak of its decoded stream (the encoder adds
    its own: up to 2.4 dB); ``figures``: what this mastering measured, when known."""
    if figures is None:
        audio, audio_rate, powers, peak = master_part(source, source_rate, gain_db, ceiling_dbtp, settings)
    else:
        (audio, audio_rate), (powers, peak) = mastered(source, source_rate, gain_db, ceiling_dbtp, settings), figures
    rate = settings.sample_rate
    # Resampled and encoded a few seconds at a time.
    stream = fmt.encode(resampled_chunks(audio, audio_rate, rate), rate, settings.bitrate_kbps)
    decoded_peak = true_peak_dbtp(fmt.decode(stream), rate) + DECODER_SPREAD_DB
    return EncodedPart(stream, fmt.count_frames(stream, rate), decoded_peak, powers, peak)


def _gain_step(gain_db: float) -> float:
    return round(gain_db / GAIN_STEP_DB) * GAIN_STEP_DB


def _slope(passes: list[tuple[float, float, float]], ceiling: float) -> float:
    """How many LU louder the audio gets per dB of gain: under one ceiling the limiter takes back
    part of each added dB, so the last two passes at this ceiling say how much (else 1)."""
    if len(passes) >= 2 and passes[-1][1] == passes[-2][1] == ceiling and passes[-1][0] != passes[-2][0]:
        (gain_a, _, loud_a), (gain_b, _, loud_b) = passes[-2], passes[-1]
        return min(1.0, max(0.2, (loud_b - loud_a) / (gain_b - gain_a)))
    return 1.0


def _slot(
    cache: BlobCache | None,
    source: np.ndarray,
    source_rate: int,
    gain_db: float,
    ceiling_dbtp: float,
    settings: Settings,
    fmt: OutputFormat,
) -> PartSlot:
    key = content_key(
        MASTERING_VERSION,
        memoryview(source).cast("B"),  # hashed in place: no copy of the part
        f"{source_rate}|{gain_db:.3f}|{ceiling_dbtp:.3f}|{settings.sample_rate}|{settings.bitrate_kbps}|{fmt.name}",
    )
    # The blocks the part is measured in (see master_part): a cached entry must hold that many.
    blocks = block_count(source.size, source_rate, source_rate if measurable(source_rate) else settings.sample_rate)
    return PartSlot(cache, key, blocks)


def _measured_part(
    cache: BlobCache | None,
    source: np.ndarray,
    source_rate: int,
    gain_db: float,
    ceiling_dbtp: float,
    settings: Settings,
    fmt: OutputFormat,
) -> Figures:
    """What the part mastered this way measures: from its encoded entry in the cache, else mastered
    now (not encoded: a pass that may miss costs a twentieth of one that encodes)."""
    found = _slot(cache, source, source_rate, gain_db, ceiling_dbtp, settings, fmt).entry(settings, fmt)
    if found is not None:
        return found.powers, found.mastered_peak
    return master_part(source, source_rate, gain_db, ceiling_dbtp, settings)[2:]


def _cached_part(
    cache: BlobCache | None,
    source: np.ndarray,
    source_rate: int,
    gain_db: float,
    ceiling_dbtp: float,
    settings: Settings,
    fmt: OutputFormat,
    figures: Figures | None = None,
) -> tuple[EncodedPart, bool, Callable[[], bytes]]:
    """The encoded part (from the cache when the same audio was mastered the same way), whether it
    was encoded now, and how to read its stream later (the part object drops it when cached)."""
    slot = _slot(cache, source, source_rate, gain_db, ceiling_dbtp, settings, fmt)
    found = slot.entry(settings, fmt)
    fresh = found is None
    if fresh:
        part = encode_part(source, source_rate, gain_db, ceiling_dbtp, settings, fmt, figures)
        if cache is None:
            return part, True, lambda stream=part.stream: stream
        powers = part.block_powers.astype("<f8")  # as the cache gives them back
        cache.put(slot.key, *packed(part.frames, part.true_peak_dbtp, part.mastered_peak_dbtp, powers, part.stream))
        found = PartEntry(part.frames, part.true_peak_dbtp, part.mastered_peak_dbtp, powers, b"")
    entry = EncodedPart(b"", found.frames, found.true_peak, found.powers, found.mastered_peak)
    return entry, fresh, slot.reader(settings, fmt)


def _source_figures(cache: BlobCache | None, part: np.ndarray, rate: int, measuring_rate: int) -> SourceFigures:
    """What a part's speech measures before mastering (they set the article's gain), at the rate
    the mastered audio will be measured at; from the cache when known."""
    key = content_key(MASTERING_VERSION, "source-figures", memoryview(part).cast("B"), f"{rate}|{measuring_rate}")
    blocks = block_count(part.size, rate, measuring_rate)
    found = cache.get(key) if cache else None
    stored = stored_powers(found[1]) if found and found[0] == blocks else None
    if stored is not None and stored.size == blocks + PROFILE_BINS:
        return stored[:blocks], stored[blocks:]
    powers, profile = source_figures(resample(part, rate, measuring_rate), measuring_rate)
    if cache:
        cache.put(key, powers.size, np.concatenate((powers, profile)).astype("<f8").tobytes())
    return powers, profile


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
    ends = (*timeline.part_starts[1:], timeline.total_samples)
    # Longest parts first: the threads then finish together (a long part last kept one core alone).
    longest_first = sorted(range(count), key=lambda i: (timeline.part_starts[i] - ends[i], i))

    def each_part(work: Callable[[int], T]) -> list[T]:
        """``work`` for every part, longest first, the results in the parts' order."""
        results: list = [None] * count
        for i, result in zip(longest_first, mapper(work, longest_first), strict=True):
            results[i] = result
        return results

    sources = each_part(lambda i: _source_figures(cache, assemble_part(clip_at, timeline, i), rate, limiting_rate))
    measured_source = gated_loudness(np.concatenate([powers for powers, _ in sources]))
    encoder_headroom = fmt.true_peak_headroom_db(settings.bitrate_kbps)
    ceiling = settings.true_peak_dbtp - encoder_headroom  # the limiter holds true peaks itself
    if np.isfinite(measured_source):
        # What the limiter will take back is read from the speech's own peaks (its limiting
        # profile): espeak loses ~2 LU at −16 LUFS, Piper 4–6, so one first guess for all missed
        # by up to 2 LU and cost Piper two more passes. Aimed the encoder's loss higher.
        profile = np.sum([profile for _, profile in sources], axis=0)
        aim = settings.target_lufs + fmt.loudness_loss_lu
        gain_db = _gain_step(first_gain(measured_source, profile, aim, ceiling))
    else:
        gain_db = 0.0  # silence: leave the level alone
    del sources

    def measure_all(gain: float, ceiling: float) -> list[Figures]:
        return each_part(
            lambda i: _measured_part(cache, assemble_part(clip_at, timeline, i), rate, gain, ceiling, settings, fmt)
        )

    def encode_all(gain: float, ceiling: float, figures: list[Figures]) -> list:
        def encode(i: int) -> tuple[tuple[EncodedPart, bool, Callable[[], bytes]], float]:
            source = assemble_part(clip_at, timeline, i)
            result = _cached_part(cache, source, rate, gain, ceiling, settings, fmt, figures[i])
            # The encoder raises some peaks more than it usually does: a part whose decoded stream
            # peaks over the target is limited that much lower (its own ceiling) and encoded again,
            # in its own task (a round after all parts ran on one core while the other waited).
            part_ceiling = ceiling
            for _ in range(PEAK_RETRIES):
                over = result[0].true_peak_dbtp - settings.true_peak_dbtp
                if over <= 0:
                    break
                part_ceiling -= over + PEAK_MARGIN_DB
                result = _cached_part(cache, source, rate, gain, part_ceiling, settings, fmt)
            return result, part_ceiling  # the ceiling it was limited to, for an edition's AAC piece

        return each_part(encode)

    def encoded_loudness(figures: list[Figures]) -> Loudness:
        # The encoded audio: the mastered audio's figures with what the encoder changes (loudness:
        # measured, stable; true peak: at most this much higher).
        return Loudness(
            gated_loudness(np.concatenate([powers for powers, _ in figures])) - fmt.loudness_loss_lu,
            max(peak for _, peak in figures) + encoder_headroom,
        )

    # Master and measure (no encoding: a twentieth of the cost; unchanged parts are read from the
    # cache) until the result meets both targets, then encode once. The first pass usually does;
    # the next ones follow the measured slope of loudness against gain.
    passes: list[tuple[float, float, float]] = []  # (gain, ceiling, loudness) of each missed pass
    figures = measure_all(gain_db, ceiling)
    for _ in range(MASTERING_PASSES):
        loudness = encoded_loudness(figures)
        loud_ok = abs(loudness.integrated_lufs - settings.target_lufs) <= LOUDNESS_AIM_LU
        peak_ok = loudness.true_peak_dbtp <= settings.true_peak_dbtp + LIMITER_SLACK_DB
        if (loud_ok and peak_ok) or not np.isfinite(loudness.integrated_lufs):
            break
        passes.append((gain_db, ceiling, loudness.integrated_lufs))
        if not peak_ok:  # a true peak the limiter let through (its gain moved between two samples)
            ceiling -= loudness.true_peak_dbtp - settings.true_peak_dbtp + 0.05
        gain = _gain_step(gain_db + (settings.target_lufs - loudness.integrated_lufs) / _slope(passes, ceiling))
        if peak_ok and gain == gain_db:
            break  # as close as a gain step gets
        gain_db = gain
        figures = measure_all(gain_db, ceiling)
    results_and_ceilings = encode_all(gain_db, ceiling, figures)
    results = [result for result, _ in results_and_ceilings]
    ceilings = [part_ceiling for _, part_ceiling in results_and_ceilings]
    encoded = [part for part, _, _ in results]
    # What is reported is what was encoded: the mastered audio's loudness less the encoder's loss,
    # and the true peak of the decoded streams.
    loudness = Loudness(
        gated_loudness(np.concatenate([p.block_powers for p in encoded])) - fmt.loudness_loss_lu,
        max(p.true_peak_dbtp for p in encoded),
    )
    return EncodedAudio(
        tuple(p.frames for p in encoded),
        settings.sample_rate,
        loudness,
        sum(1 for _, fresh, _ in results if fresh),  # parts of this audio encoded now (not passes)
        tuple(read for _, _, read in results),
        fmt,
        gain_db,
        tuple(ceilings),
    )
