"""Our numpy DSP against the references it replaces (scipy, pyloudnorm), on real speech and noise."""

from __future__ import annotations

import itertools

import numpy as np
import pyloudnorm
import pytest
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import lfilter, resample, resample_poly

from audiobook import dsp
from audiobook.loudness import first_gain, integrated_loudness, source_figures
from audiobook.peaks import LIMITER_BLOCK, LIMITER_WINDOW_S, limit, limited_change_db, oversampling, true_peak_dbtp
from audiobook.settings import Settings
from audiobook.speech import open_engine


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    engine = open_engine(Settings())
    pcm = b"".join(engine.synthesize(f"Sentence number {i} is spoken for the measurements.").pcm for i in range(12))
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768 * 3  # loud enough to need limiting


@pytest.mark.parametrize("rate", [22050, 44100, 48000])
def test_k_weighting_equals_the_iir_filters(rate):
    from pyloudnorm.iirfilter import IIRfilter

    x = np.random.default_rng(rate).standard_normal(200_003) * 0.1
    reference = x
    stages = [IIRfilter(4.0, 1 / np.sqrt(2), 1500.0, rate, "high_shelf"), IIRfilter(0.0, 0.5, 38.0, rate, "high_pass")]
    for stage, (b, a) in zip(stages, dsp.k_weighting_filters(rate), strict=True):
        assert np.allclose(b, stage.b / stage.a[0]) and np.allclose(a, stage.a / stage.a[0])
        reference = lfilter(stage.b, stage.a, reference)
    assert np.abs(dsp.k_weight(x, rate) - reference).max() < 1e-9


def test_integrated_loudness_agrees_with_pyloudnorm(speech):
    audio = dsp.upsample(speech * 0.3, 2)
    ours = integrated_loudness(audio, 44100)
    theirs = pyloudnorm.Meter(44100).integrated_loudness(audio.astype(np.float64))
    assert abs(ours - theirs) < 0.01


def ideal_upsample(audio: np.ndarray, factor: int) -> np.ndarray:
    """Reference: scipy's FFT resampling (an ideal low-pass), with silence around so it cannot wrap."""
    pad = 4096
    return resample(np.pad(audio.astype(np.float64), pad), (audio.size + 2 * pad) * factor)[
        pad * factor : (pad + audio.size) * factor
    ]


def test_upsampling_keeps_the_samples_and_is_close_to_an_ideal_low_pass(speech):
    ours = dsp.upsample(speech, 2)
    assert ours.size == 2 * speech.size and np.array_equal(ours[::2], speech)  # original samples kept
    ideal = ideal_upsample(speech, 2)
    difference = np.sqrt(np.mean((ours - ideal) ** 2) / np.mean(ideal**2))
    assert 20 * np.log10(difference) < -45  # what differs is the last kHz below the old Nyquist
    assert np.corrcoef(ours, resample_poly(speech, 2, 1))[0, 1] > 0.999


@pytest.mark.parametrize("factor", [2, 4])
def test_upsampling_passes_the_speech_band_and_removes_the_images(factor):
    rate = 22050
    t = np.arange(rate) / rate
    for frequency in (100.0, 3000.0, 9500.0):
        tone = np.sin(2 * np.pi * frequency * t).astype(np.float32)
        out = dsp.upsample(tone, factor)[rate : -rate // 2].astype(np.float64)  # away from the edges
        spectrum = np.abs(np.fft.rfft(out * np.hanning(out.size)))
        bins = np.fft.rfftfreq(out.size, 1 / (rate * factor))
        level = spectrum[np.abs(bins - frequency) < 50].max()
        assert abs(20 * np.log10(np.sqrt(np.mean(out**2)) * np.sqrt(2))) < 0.02, frequency  # flat passband
        image = spectrum[bins > rate / 2 + 500].max()  # images of the tone above the old Nyquist
        assert 20 * np.log10(image / level) < -60, frequency


def test_upsampling_any_range_alone_equals_that_range_of_the_whole(speech):
    whole = dsp.upsample(speech, 2)
    for start, stop in [(0, 1), (0, 1000), (777, 65_536 + 777), (speech.size - 5, speech.size), (10_001, 10_064)]:
        # Equal up to float32 rounding (BLAS may sum a lone block in another order).
        assert np.abs(dsp.upsample(speech, 2, start, stop) - whole[2 * start : 2 * stop]).max() < 1e-6


@pytest.mark.parametrize("factor", [1, 2])
def test_true_peak_on_the_loud_stretches_matches_oversampling_everything(speech, factor):
    audio = dsp.upsample(speech, factor)  # the engine's rate, and the output rate
    rate = 22050 * factor
    assert oversampling(rate) * rate == 176_400  # what a meter sees at 44.1 kHz × 4
    whole = 20 * np.log10(np.abs(ideal_upsample(audio, oversampling(rate))).max())
    # Interpolated with a 32-tap windowed sinc between the loud samples only.
    assert abs(true_peak_dbtp(audio, rate) - whole) < 0.01
    # Loud samples at the very ends: silence is assumed beyond them.
    ends = audio[:rate].copy()
    ends[2], ends[-3] = 0.99, -0.98
    reference = 20 * np.log10(np.abs(ideal_upsample(ends, oversampling(rate))).max())
    assert abs(true_peak_dbtp(ends, rate) - reference) < 0.01


def test_k_weighting_in_chunks_carries_the_filter_state_exactly():
    x = np.random.default_rng(7).standard_normal(5 * dsp.KWeighting.GRANULE + 333) * 0.1
    filter_ = dsp.KWeighting(22050, x.dtype)
    cuts = [0, dsp.KWeighting.GRANULE, 3 * dsp.KWeighting.GRANULE, x.size]
    chunked = np.concatenate([filter_(x[a:b]) for a, b in itertools.pairwise(cuts)])
    assert np.abs(chunked - dsp.k_weight(x, 22050)).max() < 1e-12  # BLAS may round a row otherwise
    with pytest.raises(ValueError):
        filter_(x[:10])  # the last chunk was partial: the signal has ended


@pytest.mark.parametrize("size", [17_640, 2 * 65_536 + 777, 300_001])
def test_block_powers_sum_hops_across_chunks(size):
    from audiobook.loudness import block_powers

    rate, step = 44100, 4410
    x = (np.random.default_rng(size).standard_normal(size) * 0.1).astype(np.float32)
    weighted = dsp.k_weight(x.astype(np.float64), rate) ** 2
    hops = weighted[: (size // step) * step].reshape(-1, step).sum(axis=1)
    expected = (hops[:-3] + hops[1:-2] + hops[2:-1] + hops[3:]) / (4 * step)
    ours = block_powers(x, rate)
    assert ours.size == expected.size and np.abs(ours / expected - 1).max() < 1e-5


@pytest.mark.parametrize("width", [3, 177, 353])
def test_running_min_box_mean_and_dilate_equal_the_scipy_filters(width):
    x = np.random.default_rng(width).standard_normal(100_000)
    assert np.array_equal(dsp.running_min(x, width), minimum_filter1d(x, width, mode="nearest"))
    assert np.abs(dsp.box_mean(x, width) - uniform_filter1d(x, width, mode="nearest")).max() < 1e-9
    mask = np.random.default_rng(1).random(50_000) > 0.999
    radius = width // 2
    counts = np.concatenate(([0], np.cumsum(mask)))
    index = np.arange(mask.size)
    expected = counts[np.minimum(index + radius + 1, mask.size)] - counts[np.maximum(index - radius, 0)] > 0
    assert np.array_equal(dsp.dilate(mask, radius), expected)


def test_limiter_holds_the_ceiling_with_a_smooth_gain_only_near_the_overs(speech):
    ceiling, rate = 0.5, 22050
    limited = limit(speech, ceiling, rate)
    assert np.abs(limited).max() <= ceiling * (1 + 1e-6)
    audible = np.abs(speech) > 0.01
    gain = np.ones_like(speech)
    gain[audible] = limited[audible] / speech[audible]
    assert gain.max() <= 1 + 1e-6 and gain.min() > 0.1
    # Changes spread over the window (no clicks): at most a window's worth of gain per window.
    width = int(rate * LIMITER_WINDOW_S)
    steps = np.abs(np.diff(gain))[audible[1:] & audible[:-1]]
    assert steps.max() <= 1.5 / width
    # Far from every sample, and every point between two samples, over the ceiling, nothing changes.
    points = np.abs(ideal_upsample(speech, 8)).reshape(-1, 8).max(axis=1)  # samples n … n + 7/8
    over = np.flatnonzero((np.abs(speech) > ceiling) | (points > ceiling))
    reach = 2 * width + 3 * LIMITER_BLOCK + 1
    far = np.ones(speech.size, dtype=bool)
    for i in over:
        far[max(0, i - reach) : i + reach + 1] = False
    assert far.any() and np.array_equal(limited[far], speech[far])


def test_limiter_holds_the_true_peaks_between_samples_under_the_ceiling(speech):
    """A bright signal (speech with a tone a quarter of the rate, sampled off its crests) peaks
    up to 3 dB above its samples, between them: those peaks are held too."""
    rate, ceiling = 22050, 0.5
    t = np.arange(5 * rate)
    tone = 0.35 * np.sin(2 * np.pi * t / 4 + np.pi / 4)  # sampled at ±0.25 of its 0.35 crests
    bright = (speech[: t.size] / 6 + tone).astype(np.float32)
    assert 20 * np.log10(np.abs(ideal_upsample(bright, 8)).max() / np.abs(bright).max()) > 0.5  # peaks between
    limited = limit(bright, ceiling, rate)
    ceiling_db = 20 * np.log10(ceiling)
    assert 20 * np.log10(np.abs(ideal_upsample(limited, 8)).max()) <= ceiling_db + 0.05  # an independent meter
    assert true_peak_dbtp(limited, rate) <= ceiling_db + 0.05
    assert true_peak_dbtp(limited, rate) > ceiling_db - 0.5  # limited to the ceiling, not far below it


def test_very_short_signals_are_measured_and_resampled():
    for audio in ([0.5], [0.5, 0.2], [1.0, 0.5, 0.2, 0, 0, 0, 0, 0], [0.1, 0.9, 0.1]):
        signal = np.array(audio, dtype=np.float32)
        assert abs(true_peak_dbtp(signal, 22050) - 20 * np.log10(np.abs(ideal_upsample(signal, 4)).max())) < 0.5
        assert dsp.upsample(signal, 2).size == 2 * signal.size
    assert dsp.upsample(np.zeros(0, dtype=np.float32), 2).size == 0


@pytest.mark.parametrize("gain_db", [0.0, 6.0, 12.0])
def test_the_limiting_profile_predicts_the_loudness_of_the_limited_speech(speech, gain_db):
    """What the limiter will take back, read from the speech before limiting (how the first
    mastering pass is aimed), agrees with pyloudnorm's reading of the limited speech within 0.2 LU,
    from none (0 dB: few overs) to several LU; and the gain found for a target lands on it."""
    rate, ceiling_db = 22050, -2.0
    source = speech / 4
    powers, profile = source_figures(source, rate)
    meter = pyloudnorm.Meter(rate)
    limited = limit(source * np.float32(10 ** (gain_db / 20)), 10 ** (ceiling_db / 20), rate)
    measured = meter.integrated_loudness(limited.astype(np.float64))
    source_lufs = meter.integrated_loudness(source.astype(np.float64))
    predicted = source_lufs + gain_db + limited_change_db(profile, gain_db, ceiling_db)
    assert abs(predicted - measured) <= 0.2
    # Profiles of consecutive parts add up to the whole's (cut at a limiter block).
    cut = 40 * LIMITER_BLOCK * 137
    halves = source_figures(source[:cut], rate)[1] + source_figures(source[cut:], rate)[1]
    assert abs(limited_change_db(halves, gain_db, ceiling_db) - limited_change_db(profile, gain_db, ceiling_db)) < 0.05
    target = measured  # the loudness this gain gave: the gain found for it is this gain
    found = first_gain(source_lufs, profile, target, ceiling_db)
    assert abs(found - gain_db) <= 0.5
