"""Benchmark speed and memory against the synthesis+encoding floor (issue 7); writes BENCHMARKS.md.

    python bench/speed_bench.py [--memory-words 5000 20000]

The floor: the same narration text (as `audiobook script` prints it), spoken by libespeak-ng
directly through pyttsx3's binding (synchronous mode, one call per chapter) and encoded by lameenc
with the product's output settings (44.1 kHz, 64 kbps CBR mono, quality 5) — nothing else.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
# These figures are espeak's (issues 4 and 7); the neural voice has its own: bench/neural_bench.py.
os.environ.setdefault("AUDIOBOOK_ENGINE", "espeak")
from corpus import write_corpus  # noqa: E402
from record import record  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "fixtures" / "seed-article.txt"
FLOOR = r"""
import ctypes, json, sys, time
from audiobook.engine_runtime import prepare_espeak
data = prepare_espeak()
from pyttsx3.drivers import _espeak as E
import lameenc
chapters = json.load(open(sys.argv[1]))
started = time.perf_counter()
E.Initialize(E.AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data.parent).encode() if data else None, 0)
chunks = []
E.SetSynthCallback(lambda wav, n, ev: (chunks.append(ctypes.string_at(wav, n * 2)) if n > 0 else None) or 0)
E.SetVoiceByName(b"en")
E.SetParameter(E.RATE, 175, 0)
for text in chapters:
    E.Synth(text.encode(), flags=E.CHARS_UTF8)
spoken = time.perf_counter()
encoder = lameenc.Encoder()
encoder.set_bit_rate(64); encoder.set_in_sample_rate(22050); encoder.set_out_sample_rate(44100)
encoder.set_channels(1); encoder.set_quality(5)
mp3 = encoder.encode(b"".join(chunks)) + encoder.flush()
done = time.perf_counter()
print(json.dumps({"speech": spoken - started, "encoding": done - spoken, "seconds": len(b"".join(chunks)) / 2 / 22050}))
"""

ONE_THREAD = """
import sys
from audiobook import convert_article
convert_article(sys.argv[1], sys.argv[2], threads=1)
"""


def run(command: list[str]) -> tuple[float, int, str]:
    """Wall time, peak resident memory (KB) and stdout of one process."""
    wall, peak_kb, stdout, _ = measure(command)
    return wall, peak_kb, stdout


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str, float]:
    """Wall time, peak resident memory (KB), stdout and CPU time (user + system, every thread) of
    one process (``env``: its environment, default this one's)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{command} failed")
    return time.perf_counter() - started, usage.ru_maxrss, stdout, usage.ru_utime + usage.ru_stime


def best(command: list[str], times: int = 5) -> float:
    return min(run(command)[0] for _ in range(times))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory-words", type=int, nargs=2, default=(5_000, 20_000), help="small, large article")
    small, large = parser.parse_args().memory_words
    cli = [sys.executable, "-m", "audiobook.cli"]
    work = Path(tempfile.mkdtemp(prefix="audiobook-speed-"))
    script = json.loads(run([*cli, "script", str(SEED), "--json"])[2])
    chapters_file = work / "chapters.json"
    chapters_file.write_text(json.dumps([" ".join(u["text"] for u in c["utterances"]) for c in script["chapters"]]))
    # Best of three, as for `convert`: this machine's timings vary by up to 30 % from run to run.
    floors = [json.loads(run([sys.executable, "-c", FLOOR, str(chapters_file)])[2]) for _ in range(3)]
    floor = min(floors, key=lambda f: f["speech"] + f["encoding"])
    floor_s = floor["speech"] + floor["encoding"]
    convert_s = min(run([*cli, "convert", str(SEED), "-o", str(work / "out")])[0] for _ in range(3))
    # The floor runs on one core; `convert` encodes parts on every core. The same on one thread:
    one_thread = [sys.executable, "-c", ONE_THREAD, str(SEED), str(work / "one")]
    one_thread_s = min(run(one_thread)[0] for _ in range(3))
    help_s = best([*cli, "--help"])
    script_s = best([*cli, "script", str(SEED)])

    # Where the time goes inside one conversion (profiled in this process).
    from audiobook import convert_article

    shares = []
    for attempt in range(3):  # the median of three: single runs vary by ±1 point on this machine
        # CPU time, not wall time: on a shared machine a wall-clock profile counts other jobs' turns.
        profile = cProfile.Profile(time.process_time)
        started = time.process_time()
        profile.runcall(convert_article, SEED, work / f"profiled{attempt}", threads=1)  # cProfile: one thread
        total = time.process_time() - started
        stats = pstats.Stats(profile).stats
        loudness = sum(
            v[3] for k, v in stats.items() if k[2] in ("block_powers", "gated_loudness", "limit", "true_peak_dbtp")
        )
        # Decoding each encoded part to check its true peak (the measuring is in true_peak_dbtp above).
        decoding = sum(v[3] for k, v in stats.items() if k[2] == "decode" and k[0].endswith("mp3.py"))
        shares.append((loudness / total, loudness, decoding / total))
    share, loudness, decoding_share = sorted(shares)[1]

    memory = {}
    for words in (small, large):
        article = write_corpus(work / f"w{words}", 1, words)[0]
        # Peak RSS varies by ±5 MB from run to run (allocator state): the median of three runs.
        runs = sorted(run([*cli, "convert", str(article), "-o", str(work / f"o{words}")])[:2] for _ in range(3))
        memory[words] = (runs[0][0], sorted(peak for _, peak in runs)[1] / 1024)

    rows = [
        (
            "floor: speech + encoding, seed article",
            f"{floor_s:.2f} s",
            f"speech {floor['speech']:.2f} s, encoding {floor['encoding']:.2f} s for {floor['seconds']:.0f} s of audio",
        ),
        (
            "`audiobook convert` of the seed, whole process",
            f"{convert_s:.2f} s",
            f"{convert_s / floor_s:.2f}× the floor (target ≤ 1.2×)",
        ),
        (
            "the same conversion on one thread, whole process",
            f"{one_thread_s:.2f} s",
            f"{one_thread_s / floor_s:.2f}× the floor (which also runs on one thread)",
        ),
        ("`audiobook --help`", f"{help_s:.2f} s", "target ≤ 0.3 s"),
        ("`audiobook script` of the seed", f"{script_s:.2f} s", "target ≤ 0.3 s"),
        (
            "loudness measurement and limiting",
            f"{loudness:.2f} s",
            f"{100 * share:.1f} % of a one-thread conversion's CPU time, median of 3 (target ≤ 5 %);"
            f" decoding the parts to check their true peaks: {100 * decoding_share:.1f} % more",
        ),
        (
            f"{small:,}-word article: peak memory",
            f"{memory[small][1]:.0f} MB",
            f"converted in {memory[small][0]:.1f} s",
        ),
        (
            f"{large:,}-word article: peak memory",
            f"{memory[large][1]:.0f} MB",
            f"converted in {memory[large][0]:.1f} s; "
            f"{100 * (memory[large][1] / memory[small][1] - 1):+.0f} % vs {small:,} words (targets ≤ 200 MB, ≤ +10 %)",
        ),
    ]
    header = (
        f"{os.cpu_count()} cores; best of 3–5 runs for times (the floor's included);"
        " peak resident memory of the whole process"
        " (median of 3 runs)."
    )
    record("speed", header, rows, "figure")


if __name__ == "__main__":
    main()
