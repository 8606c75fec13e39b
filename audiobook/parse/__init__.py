"""Stage 1: read an article file, detect its kind, build an Article."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..config import CONFIG_NAME, LEXICON_NAME
from ..errors import InputError
from ..model import Article, SourceKind
from .common import MAX_BYTES, MAX_WORDS, check_size, check_words, decode_text, derive_title, max_bytes

ARTICLE_SUFFIXES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".text": "text",
}

SETTINGS_FILES = {CONFIG_NAME, LEXICON_NAME}

__all__ = ["ARTICLE_SUFFIXES", "MAX_BYTES", "MAX_WORDS", "detect_kind", "parse_article", "read_article", "read_source"]


def detect_kind(path: Path, text: str) -> SourceKind:
    kind = ARTICLE_SUFFIXES.get(path.suffix.lower())
    if kind:
        return kind  # type: ignore[return-value]
    head = re.sub(r"\A\s*<\?xml[^>]{0,200}\?>", "", text[:1024]).lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(head|body)\b", head):
        return "html"
    return "text"


def parse_article(path: Path, text: str, kind: SourceKind | None = None) -> Article:
    """Parse already-decoded text (no I/O)."""
    kind = kind or detect_kind(path, text)
    # Sizes are checked before any parser runs: a character is at least one byte of the file, so
    # text that passed read_article's byte check passes here too.
    check_size(path, kind, len(text))
    if kind != "html":  # an HTML page counts its visible words itself (markup is not words)
        check_words(path, len(text.split()))
    # Only the parser needed is imported (trafilatura alone takes ~0.3 s to import).
    if kind == "html":
        from .html import parse_html as parser
    elif kind == "markdown":
        from .markdown import parse_markdown as parser
    else:
        from .plaintext import parse_plaintext as parser
    article = parser(path, text)
    if not article.title:
        article = derive_title(article)
    if not (article.intro or article.sections or article.summary):
        raise InputError(path, "no speakable text found")
    return article


def read_article(path: str | Path) -> Article:
    """Read and parse one article file; every failure is an InputError naming the file."""
    path = Path(path)
    if path.name in SETTINGS_FILES:  # e.g. `audiobook convert articles/*`: would be read aloud as text
        raise InputError(path, "is the archive's settings file, not an article")
    kind = ARTICLE_SUFFIXES.get(path.suffix.lower())
    data = _read_bounded(path, kind)
    return parse_article(path, decode_text(path, data), kind)  # type: ignore[arg-type]


def read_source(path: Path) -> bytes:
    """An article file's bytes, read as `read_article` reads them (regular files only, refused by
    size before reading): what the build hashes to see whether an article changed."""
    return _read_bounded(path, ARTICLE_SUFFIXES.get(path.suffix.lower()))


def _read_bounded(path: Path, kind: str | None) -> bytes:
    """The file's bytes, refused by size before they are read; only regular files are read.

    O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever (no effect on files).
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:
        raise InputError(path, "is a folder, not an article file") from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(path, "is a folder, not an article file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(path, "is not a regular file (a device, pipe or socket)")
        check_size(path, kind, info.st_size)
        with open(fd, "rb", closefd=False) as file:
            data = file.read(max_bytes(kind) + 1)  # the file may have grown since fstat
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    check_size(path, kind, len(data))
    return data
