"""The command line as a user runs it: a real process, its output, exit code and files."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import audiobook_command
from typer.main import get_command

from audiobook import read_back
from audiobook.cli import app


def run(*args, cwd=None):
    return subprocess.run(audiobook_command(*args), capture_output=True, text=True, cwd=cwd, timeout=600)


def test_every_command_and_option_has_help_text():
    group = get_command(app)
    assert group.help
    for name, command in group.commands.items():
        assert command.help, name
        for param in command.params:
            if param.name != "help":
                assert getattr(param, "help", None) or param.param_type_name == "argument", (name, param.name)


def test_each_setting_flag_is_declared_once_and_offered_by_convert_and_build():
    from audiobook.settings import FLAGS, SCHEMA

    group = get_command(app)
    declared = {rule.flag.name for rule in FLAGS}
    assert declared >= {"--voice", "--rate", "--volume", "--engine", "--bitrate", "--publication"}
    for name in ("convert", "build"):
        offered = {option for param in group.commands[name].params for option in param.opts}
        assert declared <= offered, name
    # …and each flag sets the field its audiobook.toml key sets.
    assert all(rule.section is None and rule.key for rule in SCHEMA if rule.flag)


def test_convert_prints_path_duration_and_chapters(seed, tmp_path):
    result = run("convert", seed.path, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    mp3 = tmp_path / "out" / f"{seed.slug}.mp3"
    assert lines[0].startswith(str(mp3)) and "LUFS" in lines[0]
    assert [line.split(None, 1)[1] for line in lines[1:]] == seed.chapters
    assert "Audio saved" not in result.stdout + result.stderr
    assert [c.title for c in read_back(mp3).chapters] == seed.chapters

    inspected = run("inspect", mp3, "--json")
    data = json.loads(inspected.stdout)
    assert data["id3"] == "2.3" and data["cover"] is True
    assert [c["title"] for c in data["chapters"]] == seed.chapters


def test_script_prints_the_narration_and_json(seed):
    text = run("script", seed.path)
    assert text.returncode == 0
    assert text.stdout.startswith(f"## 1. {seed.chapters[0]}\n")
    assert "Source 8" not in text.stdout and "0:00" not in text.stdout
    data = json.loads(run("script", seed.path, "--json").stdout)
    assert [c["title"] for c in data["chapters"]] == seed.chapters


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.md", b"  \n\n ", "only whitespace"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("latin.txt", "Tête-à-tête\n\nUn café.".encode("latin-1"), "not valid UTF-8"),
        ("nothing.md", b"---\ntitle: Only a title\n---\n", "no speakable text"),
        ("audiobook.toml", b'publication = "The Weekly"\n', "is the archive's settings file, not an article"),
    ],
)
def test_bad_input_is_one_line_exit_1_nothing_written(tmp_path, name, content, reason):
    article = tmp_path / name
    article.write_bytes(content)
    out = tmp_path / "out"
    result = run("convert", article, "-o", out)
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert errors[0] == f"error: {article}: {errors[0].split(': ', 2)[2]}"
    assert reason in errors[0] and "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_missing_file_and_bad_mp3_are_clear_errors(tmp_path):
    result = run("convert", tmp_path / "nope.md", "-o", tmp_path)
    assert result.returncode == 1 and "nope.md: no such file" in result.stderr
    fake = tmp_path / "fake.mp3"
    fake.write_bytes(b"not audio at all" * 10)
    result = run("inspect", fake)
    assert result.returncode == 1 and "fake.mp3" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_article_does_not_stop_the_others(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "bad.txt").write_bytes(b"")
    (folder / "good.md").write_text("# Short one\n\nA single short paragraph, spoken aloud.\n")
    result = run("convert", folder, "-o", tmp_path / "out")
    assert result.returncode == 1
    assert "bad.txt: the file is empty" in result.stderr and "1 of 2 articles failed" in result.stderr
    assert (tmp_path / "out" / "short-one.mp3").exists()


def test_voices_lists_espeak_voices():
    result = run("voices", "--language", "fr")
    assert result.returncode == 0 and "French" in result.stdout


def test_convert_finds_articles_in_a_folder_as_build_does(tmp_path):
    # Orchestration only (which files are converted): the fake engine speaks.
    folder = tmp_path / "notes"
    (folder / "2026").mkdir(parents=True)
    for path in (folder / "top.md", folder / "2026" / "nested.md", folder / ".draft.md"):
        path.write_text(f"# {path.stem.strip('.')}\n\nA short paragraph to speak.\n", encoding="utf-8")
    result = run("convert", folder, "-o", tmp_path / "out", "--engine", "test-tones")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.mp3")) == ["nested.mp3", "top.mp3"]
