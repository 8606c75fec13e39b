"""A fuzz pass over everything a hostile archive controls: seeded random mutations of the sample
articles (bytes, front matter fields, markup, pathological runs) and of `audiobook.toml`.

Whatever comes in, a command exits 0 or 1, says what went wrong in one line per file, never shows
a traceback, writes nothing outside its output folder (and the clip cache it was given), and
removes nothing the build did not write. The seeds are fixed, so a failure is reproducible: the
test names the seed and the mutation. Bounded: a fixed number of cases, each under a time limit.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ARTICLES, audiobook_command

SAMPLES = sorted(p for p in ARTICLES.iterdir() if p.suffix in (".md", ".html", ".txt"))
ALLOWED_LINE_STARTS = ("error: ", "failed ", "warning: ")

# Pieces an attacker or a careless user puts in a file.
HOSTILE = [
    "../../../../etc/passwd",
    "/dev/zero",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "'" * 300,
    "." * 3000,
    "1," * 2000,
    "1-" * 2000,
    "a." * 2000,
    "[" * 3000,
    "*a " * 1000,
    "<script>alert(1)</script>",
    "<![CDATA[",
    "&#0;&#xD800;&amp;&bogus;",
    "{{ 7*7 }}",
    "$(rm -rf ~)",
    "[[h@'loU]]",
    "<speak><break time='99999s'/></speak>",
    "9" * 400,
    "- - - - -\n" * 20,
    "#" * 50 + " heading",
    "> " * 200 + "deep",
    "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 50,
    "€$£¥" * 100,
    "\r\n\r\r\n",
]
FRONT_MATTER_FIELDS = ["title", "author", "date", "slug", "cover", "url", "guid", "language", "summary", "lexicon"]
FRONT_MATTER_VALUES = [
    "''",
    "null",
    "[1, 2, 3]",
    "{a: b}",
    "99999999999999999999",
    "2026-13-45",
    "../../outside.png",
    "/etc/passwd",
    "index",
    "cover",
    "'" + "x" * 5000 + "'",
    "&a [*a]",
    "!!python/object/apply:os.system ['true']",
    "{wa: 'wb wb', wb: 'wc wc', wc: 'wd wd'}",
]


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One random mutation of a file's bytes, and a short description of it."""
    kind = rng.choice(["flip", "insert", "delete", "duplicate", "truncate", "front-matter", "hostile-run"])
    n = len(data)
    if kind == "flip" and n:
        out = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            out[rng.randrange(n)] = rng.randrange(256)
        return bytes(out), "flip bytes"
    if kind == "insert" or (kind == "flip" and not n):
        piece = rng.choice(HOSTILE)
        at = rng.randint(0, n)
        return data[:at] + piece.encode("utf-8", "surrogatepass") + data[at:], f"insert {piece[:20]!r} at {at}"
    if kind == "delete" and n:
        a = rng.randrange(n)
        b = min(n, a + rng.randint(1, max(1, n // 3)))
        return data[:a] + data[b:], f"delete {a}:{b}"
    if kind == "duplicate" and n:
        a = rng.randrange(n)
        b = min(n, a + rng.randint(1, 400))
        return data[:b] + data[a:b] * rng.randint(2, 30) + data[b:], f"repeat {a}:{b}"
    if kind == "truncate":
        at = rng.randint(0, n)
        return data[:at], f"truncate at {at}"
    if kind == "front-matter":
        fields = rng.sample(FRONT_MATTER_FIELDS, rng.randint(1, 3))
        lines = [f"{f}: {rng.choice(FRONT_MATTER_VALUES)}" for f in fields]
        if rng.random() < 0.5:
            lines.append("title: A fuzzed note")
        block = "---\n" + "\n".join(lines) + "\n---\n"
        return block.encode() + data, f"front matter {lines}"
    piece = rng.choice(HOSTILE)
    return data + ("\n\n" + piece * rng.randint(1, 5) + "\n").encode("utf-8", "surrogatepass"), f"append {piece[:20]!r}"


def mutant(sample: Path, seed: int) -> tuple[bytes, str]:
    rng = random.Random(seed)
    data, steps = sample.read_bytes(), []
    for _ in range(rng.randint(1, 3)):
        data, step = mutate(data, rng)
        steps.append(step)
    return data, (f"seed {seed} on {sample.name}: " + "; ".join(steps))[:400]


def snapshot(folder: Path, skip: tuple[Path, ...]) -> dict[str, str]:
    """Every file below ``folder`` (outside ``skip``) with a digest of its bytes (links as links)."""
    found = {}
    for path in folder.rglob("*"):
        if any(path == s or s in path.parents for s in skip):
            continue
        if path.is_symlink():
            found[str(path)] = "link:" + os.readlink(path)
        elif path.is_file():
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def check_lines(result: subprocess.CompletedProcess, what: str) -> None:
    """Exit 0 or 1, no traceback, and every line on stderr one of the kinds a user is shown."""
    assert result.returncode in (0, 1), f"{what}: exit {result.returncode}\n{result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr, f"{what}:\n{result.stderr[-3000:]}"
    for line in result.stderr.splitlines():
        shown = line.startswith(ALLOWED_LINE_STARTS) or re.match(r"\[\d+/\d+\] |\d+ articles: ", line)
        assert shown, f"{what}: unexpected stderr line {line!r}"


@pytest.mark.parametrize("batch", range(6))
def test_mutated_articles_give_a_script_or_one_line(tmp_path, batch):
    """`audiobook script` on 15 mutants per batch (no speech: parsing and narration only)."""
    for number in range(15):
        seed = batch * 1000 + number
        sample = SAMPLES[seed % len(SAMPLES)]
        data, what = mutant(sample, seed)
        path = tmp_path / f"mutant-{number}{sample.suffix}"
        path.write_bytes(data)
        result = subprocess.run(
            audiobook_command("script", path), capture_output=True, text=True, timeout=120, cwd=tmp_path
        )
        check_lines(result, what)
        if result.returncode == 1:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"error: {path}: "), f"{what}: {result.stderr!r}"
        else:
            assert result.stdout.strip(), what


def toml_mutant(seed: int) -> tuple[str, str]:
    rng = random.Random(seed)
    keys = {
        "publication": ['"P"', "7", "[1]", '""', '"' + "p" * 3000 + '"'],
        "voice": ['"en"', "123", '"../../x"', '"nosuchvoice"'],
        "rate": ["175", "7", "-1", '"fast"', "1e9"],
        "volume": ["1.0", "-1", '"loud"', "0", "100"],
        "bitrate": ["64", "7", "1000", '"x"', "64.5"],
        "engine": ['"espeak"', '"nope"', "1"],
    }
    tables = {
        "pauses": {"sentence_ms": ["300", "-5", "99999999", '"x"'], "title_ms": ["900", "1.5"]},
        "narration": {"lists": ['"ordinal"', '"sideways"', "3"], "code": ['"note"', "true"]},
        "feed": {
            "base_url": ['"https://example.org/a/"', '"javascript:alert(1)"', '"https://x/\\" onload=\\"x"', "5"],
            "image": ['"cover-art.png"', '"/etc/passwd"', '"../precious.png"', '"missing.png"', "[]"],
            "title": ['"T"', "{a = 1}", "3"],
            "explicit": ["true", '"yes"'],
        },
        "lexicon": {"Nguyen": ['"Win"', "5", '"' + "w " * 5000 + '"']},
    }

    def pick(values: list[str]) -> str:  # the first value of each list is a valid one
        return values[0] if rng.random() < 0.8 else rng.choice(values[1:])

    lines = [f"{k} = {pick(v)}" for k, v in keys.items() if rng.random() < 0.4]
    for table, fields in tables.items():
        if rng.random() < 0.5:
            lines.append(f"[{table}]")
            lines += [f"{k} = {pick(v)}" for k, v in fields.items() if rng.random() < 0.6]
    if rng.random() < 0.15:
        lines.append(rng.choice(["[[broken", "= 3", "a = ", "\x00"]))
    text = "\n".join(lines) + "\n"
    return text, f"toml seed {seed}: {text!r}"[:600]


def test_mutated_archives_and_settings_build_without_touching_anything_else(tmp_path):
    """Real builds (real speech) of a small archive of mutants, under a range of mutated
    `audiobook.toml` files: the batch always goes on, and only OUT and the cache are written."""
    root = tmp_path / "root"
    articles, out, cache = root / "articles", root / "out", root / "cache"
    articles.mkdir(parents=True)
    (root / "precious.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)  # a file outside the archive
    for number in range(8):
        sample = SAMPLES[number % len(SAMPLES)]
        data, _ = mutant(sample, 50_000 + number)
        (articles / f"m{number}{sample.suffix}").write_bytes(data)
    # Something already in OUT that no build wrote: it must survive every build.
    out.mkdir()
    (out / "notes-from-the-editor.txt").write_text("keep me", encoding="utf-8")
    (out / "old-episode.mp3").write_bytes(b"not ours")

    from PIL import Image

    Image.new("RGB", (1400, 1400), (40, 90, 160)).save(articles / "cover-art.png")
    for seed in range(8):
        text, what = toml_mutant(seed)
        (articles / "audiobook.toml").write_text(text, encoding="utf-8", errors="replace")
        outside_before = snapshot(root, skip=(out, cache))
        result = subprocess.run(
            audiobook_command("build", articles, "-o", out, "--cache-dir", cache, "--jobs", "2"),
            capture_output=True,
            text=True,
            timeout=900,
        )
        check_lines(result, what)
        assert snapshot(root, skip=(out, cache)) == outside_before, f"{what}: wrote outside OUT"
        assert (out / "notes-from-the-editor.txt").read_text() == "keep me", what
        assert (out / "old-episode.mp3").read_bytes() == b"not ours", what
    shutil.rmtree(root)
