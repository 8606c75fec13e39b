"""Stage 1: read an article file, detect its kind, build an Article."""

from __future__ import annotations

import re
from pathlib import Path

from ..config import CONFIG_NAME, LEXICON_NAME
from ..errors import InputError
from ..model import Article, SourceKind
from .common import decode_text

ARTICLE_SUFFIXES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".text": "text",
}

# About ten hours of speech: a guard against converting a whole book by mistake. Memory stays flat
# (the audio is mastered in parts), but the spoken sentences wait on disk (~2.6 MB per minute).
MAX_WORDS = 100_000

SETTINGS_FILES = {CONFIG_NAME, LEXICON_NAME}

__all__ = ["ARTICLE_SUFFIXES", "detect_kind", "parse_article", "read_article"]


def detect_kind(path: Path, text: str) -> SourceKind:
    kind = ARTICLE_SUFFIXES.get(path.suffix.lower())
    if kind:
        return kind  # type: ignore[return-value]
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(head|body)\b", head):
        return "html"
    return "text"


def parse_article(path: Path, text: str, kind: SourceKind | None = None) -> Article:
    """Parse already-decoded text (no I/O)."""
    kind = kind or detect_kind(path, text)
    # Only the parser needed is imported (trafilatura alone takes ~0.3 s to import).
    if kind == "html":
        from .html import parse_html as parser
    elif kind == "markdown":
        from .markdown import parse_markdown as parser
    else:
        from .plaintext import parse_plaintext as parser
    article = parser(path, text)
    if not article.title:
        raise InputError(path, "no title found (first line, front matter 'title' or <title>)")
    words = len(text.split())
    if words > MAX_WORDS:
        raise InputError(path, f"is too long for one audio edition ({words:,} words; the limit is {MAX_WORDS:,})")
    if not (article.intro or article.sections or article.summary):
        raise InputError(path, "no speakable text found")
    return article


def read_article(path: str | Path) -> Article:
    """Read and parse one article file; every failure is an InputError naming the file."""
    path = Path(path)
    if path.name in SETTINGS_FILES:  # e.g. `audiobook convert articles/*`: would be read aloud as text
        raise InputError(path, "is the archive's settings file, not an article")
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(path, "is a folder, not an article file") from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    return parse_article(path, decode_text(path, data))
