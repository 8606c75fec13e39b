"""Hostile and broken input: each file either becomes a sensible audio edition or gives one line
naming the file and the reason; in a batch the others still convert; nothing escapes the output."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import audiobook_command

from audiobook.normalize import split_sentences

PROSE = "This is an ordinary paragraph with enough words to be spoken aloud. It has two sentences.\n"
BOMB = (
    "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\ntitle: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n---\n" + PROSE
)
NESTED = "# Deep\n\n" + "".join("  " * i + "- level\n" for i in range(300)) + "\n" + "> " * 300 + "quoted\n\n" + PROSE

CASES: dict[str, tuple[bytes, str | None]] = {
    # name: (content, None if it must convert, else a piece of its one-line error)
    "empty.txt": (b"", "the file is empty"),
    "blank.txt": (b"  \n\t\r\n  ", "contains only whitespace"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
    "latin1-mostly-ascii.txt": (("Caf\u00e9 notes\n\n" + PROSE * 3).encode("latin-1"), None),
    "latin1-dense.txt": (
        "T\u00eate-\u00e0-t\u00eate\n\n\u00c0 \u00e9t\u00e9 \u00e7a".encode("latin-1"),
        "not valid UTF-8",
    ),
    "utf16.txt": (("UTF-16 notes\n\n" + PROSE).encode("utf-16"), None),
    "utf8-bom.md": (b"\xef\xbb\xbf# With a BOM\n\n" + PROSE.encode(), None),
    "crlf.md": (("# Windows lines\r\n\r\n" + PROSE + "\r\n## Part\r\n\r\n" + PROSE).encode(), None),
    "controls.txt": (b"Control characters\n\nBefore the nul\x00 after the nul. Bell\x07 and escape\x1b here.\n", None),
    "zero-width.md": (
        "# Zero\u200b width\n\nWords\u200b with\u200d hidden\ufeff marks are read as words.\n".encode(),
        None,
    ),
    "yaml-broken.md": (b"---\ntitle: [unclosed\n---\n" + PROSE.encode(), "front matter is not valid YAML"),
    "yaml-bomb.md": (BOMB.encode(), "front matter 'title' must be text"),
    "yaml-wrong-date.md": (b"---\ntitle: Dates\ndate: [2026, 1]\n---\n" + PROSE.encode(), "'date' is not a date"),
    "front-matter-only.md": (b"---\ntitle: Nothing else\n---\n", "no speakable text"),
    "title-only.txt": (b"Just a title\n", "no speakable text"),
    "no-title.md": (b"Only a paragraph, no heading and no front matter.\n", None),  # titled by its file name
    "scripts-only.html": (
        b"<html><head><title>T</title><style>p{}</style></head><body><script>var a=1;</script></body></html>",
        "no article text",
    ),
    "huge.txt": (b"Huge\n\n" + b"word " * 420_000, "is too long"),
    "nested.md": (NESTED.encode(), None),
    "long-title.md": (("# " + "A very long title " * 120 + "\n\n" + PROSE).encode(), None),
    "markup.md": (
        b"# Markup\n\n<speak><prosody rate='x-fast'>Fast</prosody></speak> and [[h@'loU]] and "
        b"$(rm -rf /) and `echo hi; ls`.\n",
        None,
    ),
    "slug-escape.md": (b"---\ntitle: Escape\nslug: ../../etc/passwd\n---\n" + PROSE.encode(), None),
    "same-title-a.md": (b"# Same title\n\n" + PROSE.encode(), None),
    "same-title-b.md": (b"# Same title\n\nA different body, spoken differently.\n", None),
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    articles = root / "articles"
    articles.mkdir()
    for name, (content, _) in CASES.items():
        (articles / name).write_bytes(content)
    result = subprocess.run(
        audiobook_command("convert", articles, "-o", root / "out"),
        capture_output=True,
        text=True,
        timeout=900,
    )
    return root, result


def test_batch_exit_code_and_one_line_per_bad_file(batch):
    root, result = batch
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    failing = {name: reason for name, (_, reason) in CASES.items() if reason}
    assert len(errors) == len(failing)
    for name, reason in failing.items():
        line = next(e for e in errors if e.startswith(f"error: {root / 'articles' / name}: "))
        assert reason in line, line
    assert result.stderr.splitlines()[-1] == f"{len(failing)} of {len(CASES)} articles failed"


def test_the_others_convert_and_nothing_escapes(batch):
    root, _ = batch
    out = root / "out"
    mp3s = sorted(p.name for p in out.glob("*.mp3"))
    assert len(mp3s) == sum(1 for _, reason in CASES.values() if reason is None)
    assert "etc-passwd.mp3" in mp3s and "same-title.mp3" in mp3s and "same-title-2.mp3" in mp3s
    assert all(len(Path(name).stem) <= 80 for name in mp3s)
    assert not list(out.glob(".*")) and not (root / "etc").exists()
    assert all(p.parent == out for p in out.rglob("*"))


def cue_text(vtt: Path) -> str:
    """A transcript's text as a reader sees it: word timestamps removed, entities read."""
    text = re.sub(r"<\d{2}:\d{2}:\d{2}\.\d{3}>", "", vtt.read_text(encoding="utf-8"))
    return html.unescape(text)


def test_control_and_invisible_characters_do_not_cut_or_split_speech(batch):
    root, _ = batch
    out = root / "out"
    controls = cue_text(out / "control-characters.vtt")
    assert "Before the nul after the nul." in controls  # the NUL did not end the sentence
    zero = cue_text(out / "zero-width.vtt")
    assert "Words with hidden marks are read as words." in zero


def test_markup_for_engines_and_shells_is_only_text(batch):
    root, _ = batch
    vtt = cue_text(root / "out" / "markup.vtt")
    assert "$(rm -rf /)" in vtt  # shown literally in the transcript…
    script = subprocess.run(
        audiobook_command("script", root / "articles" / "markup.md", "--json"),
        capture_output=True,
        text=True,
        check=True,
    )
    spoken = " ".join(u["text"] for c in json.loads(script.stdout)["chapters"] for u in c["utterances"])
    for markup in ("<speak>", "<prosody", "[[", "]]", "`"):
        assert markup not in spoken  # …and nothing reaches the engine as markup


def test_a_two_megabyte_paragraph_is_split_into_speakable_pieces():
    text = "word " * 400_000
    pieces = split_sentences(text.strip())
    assert max(len(p) for p in pieces) <= 300
    assert sum(len(p.split()) for p in pieces) == 400_000


def test_links_leading_outside_the_archive_are_not_followed_unless_asked(tmp_path):
    from audiobook.build import discover

    outside = tmp_path / "outside.md"
    outside.write_text("# Private\n\nNot part of the archive.\n", encoding="utf-8")
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "inside.md").write_text("# Inside\n\nPart of the archive.\n", encoding="utf-8")
    (articles / "link.md").symlink_to(outside)
    (articles / "alias.md").symlink_to(articles / "inside.md")  # inside the folder: fine
    assert [p.name for p in discover(articles)] == ["alias.md", "inside.md"]
    assert [p.name for p in discover(articles, follow_links=True)] == ["alias.md", "inside.md", "link.md"]


def test_no_user_text_can_reach_a_shell():
    # The product never starts a program: no subprocess, os.system or os.popen anywhere in it.
    package = Path(__file__).resolve().parents[1] / "audiobook"
    calls = re.compile(r"\b(?:subprocess|os\.system|os\.popen|shell=True|pty\.)")  # "empty." is not pty
    for source in package.rglob("*.py"):
        found = calls.search(source.read_text(encoding="utf-8"))
        assert found is None, f"{source.name} uses {found.group()}"


@pytest.mark.parametrize(
    ("given", "slug"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("/etc/passwd", "etc-passwd"),
        ("C:\\Windows\\system32", "c-windows-system32"),
        ("CON", "article-con"),
        ("nul", "article-nul"),
        ("", "article"),
        ("...", "article"),
        ("Émigré café — naïve", "emigre-cafe-naive"),
        ("東京", "article"),
        ("x" * 500, "x" * 80),
    ],
)
def test_slugs_are_plain_file_names(given, slug):
    from audiobook.files import slugify

    assert slugify(given) == slug
