"""Stage 1: read an article file, detect its kind, build an Article."""

from __future__ import annotations

import re
from pathlib import Path

from ..config import CONFIG_NAME, LEXICON_NAME
from ..errors import InputError
from ..files import ReadRefused, read_regular
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
    """The file's bytes, refused by size before they are read; only regular files are read."""
    try:
        return read_regular(path, max_bytes(kind))
    except ReadRefused as refused:
        problem = refused
    if problem.why == "too large":
        check_size(path, kind, problem.size)  # names the size and the kind's limit
    reason = {
        "folder": "is a folder, not an article file",
        "missing": "no such file",
        "special": "is not a regular file (a device, pipe or socket)",
    }.get(problem.why, f"cannot be read ({problem.detail})")
    raise InputError(path, reason)
