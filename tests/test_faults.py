"""Faults: a damaged cache, a full disk, a worker killed mid-build, a build killed again and again."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import audiobook_command, decode_mp3

from audiobook import OutputError, SpeechError, build_script, convert_article, read_article
from audiobook.cache import ClipCache
from audiobook.manifest import MANIFEST
from audiobook.model import Clip
from audiobook.settings import Settings
from audiobook.speech import open_engine, synthesize_script

ARTICLE = "# Faults\n\nThe first sentence is here. The second sentence follows.\n\n## Part\n\nA third one ends it.\n"


def write_articles(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"a{number}.md").write_text(
            f"# Article number {number}\n\nIt opens with a sentence. Then a longer sentence follows it here.\n\n"
            f"## Middle\n\nA middle part of article {number}. It says a little more.\n\n"
            f"## End\n\nThe end of article {number}. Goodbye.\n",
            encoding="utf-8",
        )


def test_damaged_cache_entry_is_spoken_again_not_played(tmp_path):
    article = tmp_path / "a.md"
    article.write_text(ARTICLE, encoding="utf-8")
    cache = ClipCache(tmp_path / "cache")
    first = convert_article(article, tmp_path / "out", cache=cache)
    clips = sorted((tmp_path / "cache" / "clips").rglob("*"))
    victim = next(p for p in clips if p.is_file())
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])  # truncated, as by a crash
    second = convert_article(article, tmp_path / "out", cache=cache)
    assert second.synthesized == 1
    assert second.mp3.read_bytes() == first.mp3.read_bytes()


class FakeShortEngine:
    """Fault injection: an engine that returns far too little audio for every sentence."""

    name, version, fingerprint = "fake-short", "0", "fake-short|0"

    def synthesize(self, text):
        return Clip(b"\x00\x10" * 200, 22050)

    def voices(self):
        return []


def test_fake_engine_returning_too_little_audio_fails_with_the_sentence(tmp_path):
    article = tmp_path / "a.md"
    article.write_text(ARTICLE, encoding="utf-8")
    script = build_script(read_article(article))
    with pytest.raises(SpeechError, match="too short .* for sentence 1 of chapter 'Faults'"):
        synthesize_script(script, FakeShortEngine(), 175, label=str(article))


def test_disk_full_while_writing_keeps_previous_outputs(tmp_path, monkeypatch):
    article = tmp_path / "a.md"
    article.write_text(ARTICLE, encoding="utf-8")
    before = convert_article(article, tmp_path / "out")
    saved = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    article.write_text(ARTICLE.replace("ends it", "closes it"), encoding="utf-8")

    import audiobook.files as files

    real_fdopen = os.fdopen

    class FullDisk:
        """Fault injection: a writer whose disk fills up on the third file."""

        calls = 0

        def __call__(self, fd, mode="r", *args, **kwargs):
            FullDisk.calls += 1
            if FullDisk.calls >= 3:
                os.close(fd)
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_fdopen(fd, mode, *args, **kwargs)

    monkeypatch.setattr(files.os, "fdopen", FullDisk())
    with pytest.raises(OutputError, match="No space left on device") as error:
        convert_article(article, tmp_path / "out")
    assert "\n" not in str(error.value)
    monkeypatch.undo()
    now = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert now[before.mp3.name] == saved[before.mp3.name]  # the previous MP3 is untouched
    assert not [name for name in now if name.endswith(".part")]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the worker processes through /proc")
def test_real_worker_killed_mid_build_fails_one_article_and_the_rerun_builds_it(tmp_path):
    articles = tmp_path / "articles"
    write_articles(articles, 6)
    out = tmp_path / "out"
    cache = tmp_path / "cache"
    command = audiobook_command("build", articles, "-o", out, "--jobs", "2", "--cache-dir", cache, "--json")
    build = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and not workers:
        workers = [p for p in _children(build.pid) if "spawn_main" in Path(f"/proc/{p}/cmdline").read_text()]
        time.sleep(0.05)
    assert workers, "no worker process started"
    time.sleep(0.3)
    os.kill(workers[0], signal.SIGKILL)  # a real espeak worker dies mid-task
    stdout, _ = build.communicate(timeout=300)
    report = json.loads(stdout)
    assert build.returncode == 1 and report["failed"] == 1 and report["built"] == 5
    failed = next(a for a in report["articles"] if a["status"] == "failed")
    assert failed["error"] == "worker process died (exit code -9)"

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    again = json.loads(rerun.stdout)
    assert (again["built"], again["unchanged"]) == (1, 5)


def test_build_killed_again_and_again_finishes_whole(tmp_path):
    articles = tmp_path / "articles"
    write_articles(articles, 6)
    out = tmp_path / "out"
    cache = tmp_path / "cache"
    command = audiobook_command("build", articles, "-o", out, "--jobs", "2", "--cache-dir", cache, "--quiet")
    for delay in (0.8, 2.0, 3.5):  # kill -9 at different points: before, during and after first results
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    final = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    manifest = json.loads((out / MANIFEST).read_text())
    assert len(manifest["articles"]) == 6
    for article in manifest["articles"]:
        audio, rate = decode_mp3((out / article["outputs"]["mp3"]).read_bytes())
        assert abs(len(audio) / rate * 1000 - article["duration_ms"]) < 30
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]
    assert open_engine(Settings()).synthesize("Still speaking.").sample_count  # the engine still works here


def test_output_folder_that_is_a_file_gives_one_line_and_writes_nothing(tmp_path):
    article = tmp_path / "a.md"
    article.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "out").write_text("not a folder", encoding="utf-8")
    done = subprocess.run(
        [*audiobook_command(), "convert", str(article), "-o", str(tmp_path / "out")], capture_output=True, text=True
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "a file stands where its folder should be" in done.stderr and str(tmp_path / "out") in done.stderr
    assert (tmp_path / "out").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="tells the output folder's files by /proc/self/fd")
def test_a_disk_that_fills_up_among_the_outputs_leaves_every_earlier_file_in_place(tmp_path, monkeypatch):
    article = tmp_path / "a.md"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    convert_article(article, out)
    saved = {p.name: p.read_bytes() for p in out.iterdir()}
    article.write_text(ARTICLE.replace("ends it", "closes it"), encoding="utf-8")  # every output changes

    import audiobook.files as files

    real_fdopen = os.fdopen
    written: list[str] = []

    def full_after_two_outputs(fd, mode="r", *args, **kwargs):
        """Fault injection: the disk fills up at the third file written into the output folder
        (the spoken sentences' cache, elsewhere, is written as usual)."""
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(out)):
            written.append(os.readlink(f"/proc/self/fd/{fd}"))
            if len(written) >= 3:
                os.close(fd)
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fdopen(fd, mode, *args, **kwargs)

    monkeypatch.setattr(files.os, "fdopen", full_after_two_outputs)
    with pytest.raises(OutputError, match="No space left on device"):
        convert_article(article, out)
    monkeypatch.undo()
    assert len(written) == 3
    assert {p.name: p.read_bytes() for p in out.iterdir()} == saved  # all or nothing
