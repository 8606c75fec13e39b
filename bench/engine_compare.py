"""espeak beside Piper on the same articles: what a listener gets (issue 16's closing note).

    python bench/engine_compare.py [ARTICLE ...]   (default: articles/ and the shared seed)

Each article is converted by each engine in its own process with an empty cache (`audiobook
convert --engine E`), and the MP3 read back: its duration, words per minute (the script's words
over the whole audio, pauses included), the pitch of the voice (median F0 and its 5th–95th
percentile over voiced frames, by the autocorrelation tracker below, and that range in
semitones), loudness and true peak by ffmpeg's ebur128 (imageio-ffmpeg's binary), and the CPU time
of the conversion (user + system of the whole process, so both cores' work counts). Writes
BENCHMARKS.md's section "engines".
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from record import write_section  # noqa: E402
from speed_bench import SEED, measure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("espeak", "piper")

# The pitch tracker: 40 ms frames every 10 ms at 11,025 Hz; a frame is voiced when its normalized
# autocorrelation peaks above VOICED within the lag range of 60–400 Hz, and it is no quieter than
# 30 dB under the loudest frames (silence and breath are not pitch).
PITCH_RATE = 11_025
FRAME_S, HOP_S = 0.040, 0.010
F0_MIN_HZ, F0_MAX_HZ = 60.0, 400.0
VOICED = 0.6
OCTAVE_MARGIN = 0.85
OCTAVE_CONTEXT = 21  # voiced frames (~0.2 s) a frame's octave is judged against
QUIET_DB = 30.0


def pitch_track(audio: np.ndarray, rate: int) -> np.ndarray:
    """F0 in Hz of each voiced frame of ``audio`` (mono float)."""
    from scipy.signal import resample_poly

    signal = resample_poly(audio.astype(np.float64), PITCH_RATE, rate) if rate != PITCH_RATE else audio
    frame, hop = int(FRAME_S * PITCH_RATE), int(HOP_S * PITCH_RATE)
    frames = np.lib.stride_tricks.sliding_window_view(signal, frame)[::hop]
    frames = (frames - frames.mean(axis=1, keepdims=True)) * np.hanning(frame)
    energy = (frames**2).sum(axis=1)
    loud = energy > energy.max() * 10 ** (-QUIET_DB / 10) if energy.size else energy > 0
    size = 1 << (2 * frame - 1).bit_length()
    spectrum = np.fft.rfft(frames[loud], size)
    autocorr = np.fft.irfft(np.abs(spectrum) ** 2, size)
    low, high = int(PITCH_RATE / F0_MAX_HZ), int(PITCH_RATE / F0_MIN_HZ)
    # Divided by the window's own autocorrelation, so a periodic frame reads ~1 at its period.
    window = np.hanning(frame)
    window_ac = np.correlate(window, window, "full")[frame - 1 :]
    lags = autocorr[:, low : high + 1] / np.maximum(autocorr[:, :1], 1e-12) / (window_ac[low : high + 1] / window_ac[0])
    # A period's multiples read as high as the period itself: the shortest lag within
    # OCTAVE_MARGIN of the best is taken (else the pitch would drop an octave at random).
    best = np.argmax(lags >= (lags.max(axis=1, keepdims=True) * OCTAVE_MARGIN), axis=1)
    peak = lags[np.arange(best.size), best]
    # Climb to the local maximum near the lag found (the threshold lands on its rising side).
    for _ in range(high - low):
        step = (best < lags.shape[1] - 1) & (lags[np.arange(best.size), np.minimum(best + 1, lags.shape[1] - 1)] > peak)
        if not step.any():
            break
        best = best + step
        peak = lags[np.arange(best.size), best]
    voiced = (peak > VOICED) & (best > 0) & (best < lags.shape[1] - 1)
    rows = np.flatnonzero(voiced)
    b = best[rows]
    left, middle, right = lags[rows, b - 1], lags[rows, b], lags[rows, b + 1]
    shift = 0.5 * (left - right) / np.where(left - 2 * middle + right == 0, -1e-12, left - 2 * middle + right)
    return octaves_corrected(PITCH_RATE / (low + b + shift))


def octaves_corrected(f0: np.ndarray) -> np.ndarray:
    """A frame read an octave off its neighbours (the lag of a strong second harmonic, or of two
    periods) brought back: against the median of the OCTAVE_CONTEXT voiced frames around it, a
    ratio near 2 is halved and one near 1/2 doubled. A voice's pitch does not jump an octave in
    a tenth of a second; a tracker's does."""
    if f0.size == 0:
        return f0
    half = OCTAVE_CONTEXT // 2
    padded = np.pad(f0, half, mode="edge")
    local = np.median(np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1), axis=1)
    ratio = f0 / local
    return np.where(ratio > 1.7, f0 / 2, np.where(ratio < 0.6, f0 * 2, f0))


def ebur128(ffmpeg: str, mp3: Path) -> tuple[float, float]:
    report = subprocess.run(
        [ffmpeg, "-hide_banner", "-nostats", "-i", str(mp3), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    summary = report[report.rindex("Summary:") :]
    lufs = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))
    return lufs, peak


def decoded(ffmpeg: str, mp3: Path) -> tuple[np.ndarray, int]:
    raw = subprocess.run(
        [ffmpeg, "-hide_banner", "-loglevel", "error", "-i", str(mp3), "-f", "f32le", "-ac", "1", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype="<f4"), 44_100


def convert_cpu(article: Path, engine: str, work: Path) -> tuple[float, Path]:
    """CPU seconds (user + system) of `audiobook convert` with an empty cache, and its MP3."""
    out = work / f"{article.stem}-{engine}"
    env = {**os.environ, "AUDIOBOOK_CACHE_DIR": str(work / f"cache-{article.stem}-{engine}")}
    command = [sys.executable, "-m", "audiobook.cli", "convert", str(article), "-o", str(out), "--engine", engine]
    _, _, _, cpu = measure(command, env)
    return cpu, next(out.glob("*.mp3"))


def spoken_words(article: Path) -> int:
    script = subprocess.run(
        [sys.executable, "-m", "audiobook.cli", "script", str(article), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sum(len(u["text"].split()) for c in json.loads(script)["chapters"] for u in c["utterances"])


def main() -> None:
    import imageio_ffmpeg

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    given = [Path(a) for a in sys.argv[1:]]
    articles = given or sorted(p for p in (ROOT / "articles").iterdir() if p.suffix in (".md", ".txt", ".html"))
    if not given and SEED.exists():
        articles.append(SEED)
    work = Path(tempfile.mkdtemp(prefix="audiobook-engines-"))
    rows = []
    for article in articles:
        words = spoken_words(article)
        for engine in ENGINES:
            cpu, mp3 = convert_cpu(article, engine, work)
            audio, rate = decoded(ffmpeg, mp3)
            minutes = audio.size / rate / 60
            f0 = pitch_track(audio, rate)
            p5, p50, p95 = np.percentile(f0, [5, 50, 95])
            lufs, peak = ebur128(ffmpeg, mp3)
            rows.append(
                f"| {article.name} | {engine} | {minutes * 60:.0f} s | {words / minutes:.0f} |"
                f" {p50:.0f} Hz ({p5:.0f}–{p95:.0f}) | {12 * np.log2(p95 / p5):.1f} |"
                f" {lufs:.1f} / {peak:.1f} | {cpu:.1f} s |"
            )
            print(rows[-1], flush=True)
    body = "\n".join(
        [
            "| article | engine | duration | words/min | F0 median (5–95 %) | F0 range, semitones |"
            " LUFS / dBTP | convert CPU |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            *rows,
        ]
    )
    header = (
        "`python bench/engine_compare.py`: each article converted by each engine (one process, empty"
        " cache, default settings: 175 wpm, 64 kbps); the MP3 read back by ffmpeg. Words per minute over"
        " the whole audio, pauses included; F0 by an autocorrelation pitch tracker over voiced frames;"
        " CPU time of the whole conversion (both cores' work)."
    )
    write_section("engines", header, body)


if __name__ == "__main__":
    main()
