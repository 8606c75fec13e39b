"""Benchmark editions (issue 18) and record the results in BENCHMARKS.md.

    python bench/edition_bench.py [--articles 20] [--words 700] [--engine espeak|piper]

Builds the generated archive once (`audiobook build --jobs N`, empty clip cache: the time the
articles took to build), then times `audiobook edition` as a user runs it (a new process each
time) from the built archive: MP3, M4B (first: every article encoded to AAC; then a second
edition sharing its articles, whose pieces come from the cache), and an unchanged edition; and the
peak resident memory for all the articles and for half of them (target: flat in their number) —
for the M4B, of the edition process and of its largest encoding worker.

Then the same articles as an archive that asks for M4B editions (``[edition] formats = ["m4b"]``:
the build encodes each article's AAC piece from its master), built with its own empty cache, and
its first M4B edition: both as a share of that build and of the plain one. Last, the AAC's coding
noise against the mastered audio of one article, for the piece made from the master and for the
piece transcoded from the article's MP3 (in this process).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("AUDIOBOOK_ENGINE", "espeak")
NOISE_EXCERPT = 1 << 20  # samples compared (47 s at 22,050 Hz)
M4B_EDITIONS = '[edition]\nformats = ["m4b"]\n'
from corpus import write_corpus  # noqa: E402
from record import record  # noqa: E402

# Runs the CLI in this child process and reports its own peak resident memory (KB on Linux).
RUN_AND_MEASURE = """
import resource, sys
from audiobook.cli import app
try:
    app(sys.argv[1:])
except SystemExit as exc:
    if exc.code:
        raise
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
"""


def run(*arguments: str) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of one `audiobook` process."""
    seconds, memory, _ = run_with_workers(*arguments)
    return seconds, memory


def run_with_workers(*arguments: str) -> tuple[float, float, float]:
    """Wall time (s), peak memory (MB) of one `audiobook` process and of its largest worker."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_MEASURE, *arguments], check=True, capture_output=True, text=True
    )
    own, workers = (int(line) / 1024 for line in done.stderr.strip().splitlines()[-2:])
    return time.perf_counter() - started, own, workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--words", type=int, default=700)
    parser.add_argument("--engine", default=os.environ["AUDIOBOOK_ENGINE"], help="espeak (default) or piper")
    args = parser.parse_args()
    os.environ["AUDIOBOOK_ENGINE"] = args.engine
    engine = ["--engine", args.engine]
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="audiobook-edition-bench-"))
    try:
        articles, out, cache = work / "articles", work / "out", work / "cache"
        paths = write_corpus(articles, args.articles, args.words)
        common = [str(articles), "-o", str(out), "--cache-dir", str(cache), *engine]
        build_s, _ = run("build", *common, "--jobs", str(cores), "--quiet")
        half = [option for path in paths[: len(paths) // 2] for option in ("--article", path.name)]
        # The openings' contents are spoken once before the timed runs (each new title: one sentence).
        run("edition", *common, "--title", "Warm-up")
        run("edition", *common, "--title", "Warm-up, half", *half)
        mp3_s, mp3_mb = run("edition", *common, "--title", "All, MP3")
        unchanged_s, _ = run("edition", *common, "--title", "All, MP3")
        _, mp3_half_mb = run("edition", *common, "--title", "Half, MP3", *half)
        # Half the articles first, from a copy of the cache (no AAC piece in either yet): memory for
        # half and for all, each encoding every article it holds.
        cold = work / "cache-cold"
        shutil.copytree(cache, cold)
        cold_half = [str(articles), "-o", str(out), "--cache-dir", str(cold), *engine]
        _, m4b_half_mb, m4b_half_worker_mb = run_with_workers(
            "edition", *cold_half, "--title", "Half, M4B", "--format", "m4b", *half
        )
        m4b_s, m4b_mb, m4b_worker_mb = run_with_workers("edition", *common, "--title", "All, M4B", "--format", "m4b")
        shared_s, _ = run("edition", *common, "--title", "Half, M4B, shared", "--format", "m4b", *half)
        # The archive asking for M4B editions: its build makes the pieces from the master.
        prepared = work / "articles-m4b"
        shutil.copytree(articles, prepared)
        (prepared / "audiobook.toml").write_text(M4B_EDITIONS, encoding="utf-8")
        ready = [str(prepared), "-o", str(work / "out-m4b"), "--cache-dir", str(work / "cache-m4b"), *engine]
        build_m4b_s, _ = run("build", *ready, "--jobs", str(cores), "--quiet")
        m4b_ready_s, m4b_ready_mb = run("edition", *ready, "--title", "All, M4B, prepared")
        noise = coding_noise(paths[0], args.engine)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def share(seconds: float) -> str:
        return f"{100 * seconds / build_s:.1f} % of the build (target ≤ 10 %)"

    rows = [
        (f"build of the archive, --jobs {cores}", f"{build_s:.1f} s", "the time the articles took to build"),
        ("edition, MP3 (frames copied)", f"{mp3_s:.2f} s", share(mp3_s)),
        ("edition, M4B, first (every article encoded to AAC)", f"{m4b_s:.2f} s", share(m4b_s)),
        ("edition, M4B sharing its articles with an earlier one", f"{shared_s:.2f} s", share(shared_s)),
        (
            '[edition] formats = ["m4b"]: build of the archive (AAC pieces from the master)',
            f"{build_m4b_s:.1f} s",
            f"{100 * (build_m4b_s / build_s - 1):+.0f} % against the plain build",
        ),
        (
            '[edition] formats = ["m4b"]: edition, M4B, first (packets joined)',
            f"{m4b_ready_s:.2f} s",
            f"{100 * m4b_ready_s / build_m4b_s:.1f} % of that build, {share(m4b_ready_s)}; {m4b_ready_mb:.0f} MB",
        ),
        (
            "AAC coding noise under the mastered speech (one article)",
            f"{noise[0]:.1f} / {noise[1]:.1f} dB",
            "piece from the master / transcoded from the MP3 (higher: cleaner)",
        ),
        ("edition unchanged (not made again)", f"{unchanged_s:.2f} s", share(unchanged_s)),
        (
            "peak memory, MP3 edition: all / half the articles",
            f"{mp3_mb:.0f} / {mp3_half_mb:.0f} MB",
            f"{100 * (mp3_mb / mp3_half_mb - 1):+.0f} % for twice the articles (target: flat)",
        ),
        (
            "peak memory, M4B edition: all / half the articles",
            f"{m4b_mb:.0f} / {m4b_half_mb:.0f} MB",
            f"{100 * (m4b_mb / m4b_half_mb - 1):+.0f} % for twice the articles (target: flat)",
        ),
        (
            "peak memory, largest M4B encoding worker: all / half",
            f"{m4b_worker_mb:.0f} / {m4b_half_worker_mb:.0f} MB",
            f"{100 * (m4b_worker_mb / m4b_half_worker_mb - 1):+.0f} % for twice the articles (target: flat)",
        ),
    ]
    header = (
        f"{args.articles} generated articles of ~{args.words} words, {args.engine}; {cores} cores "
        f"({platform.machine()}, Python {platform.python_version()}); each figure is one `audiobook` process; "
        "editions made from the built archive (each speaks only its opening's title line)."
    )
    record("editions", header, rows, figure="figure")


def coding_noise(article: Path, engine: str) -> tuple[float, float]:
    """How far under one article's mastered speech (at the AAC rate, as the piece lays it out) the
    AAC coding noise lies, in dB: for the piece encoded from the master, and for the piece
    transcoded from the article's MP3. Each decoded piece is aligned to the master (a fraction of
    a sample too: the MP3's delay is odd at 44.1 kHz) and scaled by its best gain; the rest is noise."""
    import numpy as np

    from audiobook.audio import master
    from audiobook.cache import ClipCache
    from audiobook.edition.pieces import master_audio, piece_samples
    from audiobook.formats import output_format
    from audiobook.formats.m4b import decode_mp3, encode_aac
    from audiobook.parse import read_article
    from audiobook.script import build_script
    from audiobook.settings import Settings
    from audiobook.speech import open_engine, synthesize_script
    from audiobook.timeline import build_timeline

    settings = Settings(engine=engine)
    parsed = read_article(article)
    script = build_script(parsed, settings)
    with tempfile.TemporaryDirectory(prefix="audiobook-noise-") as folder:
        cache = ClipCache(Path(folder))
        speech = synthesize_script(script, open_engine(settings, parsed.language), settings.rate_wpm, cache=cache)
        timeline = build_timeline(script, speech.sample_counts, speech.sample_rate, speech.words)
        encoded = master(speech.clip, timeline, settings, cache.segments, None, output_format(settings))
        reference = np.concatenate(list(master_audio(speech.clip, timeline, settings, encoded)))
        from_master = encode_aac([reference], settings.true_peak_dbtp)
        frames = sum(encoded.part_frames)
        samples = frames * encoded.output.samples_per_frame
        mp3 = b"".join(encoded.stream_chunks())
        transcoded = encode_aac(decode_mp3(mp3, samples), settings.true_peak_dbtp)
    assert reference.size == piece_samples(frames, encoded.output.samples_per_frame, encoded.sample_rate)
    return _noise_db(reference, _decoded(from_master)), _noise_db(reference, _decoded(transcoded))


def _decoded(piece):
    import av
    import numpy as np

    from audiobook.formats.m4b import AAC_PRIMING

    decoder = av.CodecContext.create("aac", "r")
    decoder.extradata = piece.config
    out = [f.to_ndarray().reshape(-1) for data in piece.packets for f in decoder.decode(av.Packet(data))]
    return np.concatenate(out)[AAC_PRIMING : AAC_PRIMING + piece.samples]


def _noise_db(reference, decoded) -> float:
    """Signal over noise: ``decoded`` shifted (FFT phase: fractions of a sample) and scaled to fit
    ``reference`` best; the residue is the coding noise."""
    import numpy as np

    size = min(reference.size, decoded.size, NOISE_EXCERPT)
    ref, got = reference[:size].astype(np.float64), decoded[:size].astype(np.float64)
    spectrum, frequencies = np.fft.rfft(got), np.fft.rfftfreq(size)

    def fit(lag: float) -> tuple[float, float]:  # (noise, gain) with the decoded audio moved back by lag
        moved = np.fft.irfft(spectrum * np.exp(2j * np.pi * frequencies * lag), size)
        gain = moved @ ref / (ref @ ref)
        return float(np.sum((moved - gain * ref) ** 2)), gain

    lag = min(np.arange(-2.0, 2.01, 0.1), key=lambda x: fit(x)[0])
    lag = min(np.arange(lag - 0.1, lag + 0.101, 0.01), key=lambda x: fit(x)[0])
    noise, gain = fit(lag)
    return 10 * np.log10(gain * gain * float(ref @ ref) / noise)


if __name__ == "__main__":
    main()
