"""Helpers shared by the three parsers: decoding, and recognising references, summaries and quizzes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..model import Article, Block, Quiz, Reference, Section
from .quiz import is_answer_key, read_quiz, with_key

# Zero-width and bidi marks that copy/paste leaves behind; they are never spoken.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

REFERENCE_HEADINGS = {"references", "sources", "bibliography", "citations", "further reading"}
# Keys as heading_key makes them (lower case, letters and spaces): "Self-test" is "selftest".
QUIZ_HEADING = re.compile(
    r"^(?:(?:a |the |take (?:the|our) )?(?:quick |short |pop |mini |final |fun |bonus |reading )?quiz"
    r"(?: time| questions| yourself)?|(?:test|check) (?:your|yourself)(?: (?:understanding|knowledge|comprehension))?"
    r"|self ?(?:test|check|assessment|quiz)|knowledge check|review questions|comprehension questions)$"
)
ANSWER_KEY_HEADING = re.compile(r"^(?:quiz )?(?:answers?(?: key)?|answer key|answers to (?:the )?quiz|solutions)$")
SUMMARY_LABELS = {"ai summary", "summary", "tldr", "tl dr", "in brief", "key takeaways", "takeaways", "at a glance"}


MAX_LEGACY_NON_ASCII = 0.05  # at most this share of non-ASCII characters in a Windows-1252 guess

# Limits on what one article may cost, checked before the expensive parse (the numbers and the
# reasons are in the README's "Untrusted input" section). About ten hours of speech: a guard
# against converting a whole book by mistake.
MAX_WORDS = 100_000
MB = 1_000_000
# A 100,000-word article is ~0.6 MB of English text; Cyrillic or UTF-16 take up to ~2 MB, Markdown
# may carry long link addresses or inline (base64) images, and a saved web page adds scripts,
# styles and embedded images. Nothing readable within the word limit comes near these sizes.
MAX_BYTES = {"text": 5 * MB, "markdown": 10 * MB, "html": 25 * MB}
# trafilatura's cost grows faster than linearly with the number of elements (a page of 50,000
# linked paragraphs takes over a minute); a long article page has a few tens of thousands of tags.
MAX_HTML_TAGS = 100_000
# Front matter is metadata and a short lexicon, a few KB; pure-Python YAML reads ~100 KB/s.
MAX_FRONT_MATTER = 100_000

_KIND_NAMES = {"text": "a text file", "markdown": "a Markdown file", "html": "an HTML page"}


def _size(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} KB"


def max_bytes(kind: str | None) -> int:
    """The size limit of a kind of article; a file of unknown kind gets the largest until its text
    shows what it is."""
    return MAX_BYTES[kind] if kind else max(MAX_BYTES.values())


def check_size(path: Path, kind: str | None, size: int) -> None:
    """Refuse an article whose file (or text) is larger than its kind's limit, before parsing it."""
    limit = max_bytes(kind)
    if size > limit:
        of_kind = f" for {_KIND_NAMES[kind]}" if kind else ""
        raise InputError(path, f"is too large ({_size(size)}; the limit is {limit // MB} MB{of_kind})")


def check_words(path: Path, words: int) -> None:
    if words > MAX_WORDS:
        raise InputError(path, f"is too long for one audio edition ({words:,} words; the limit is {MAX_WORDS:,})")


def decode_text(path: Path, data: bytes) -> str:
    """Bytes of an article file → clean text with "\\n" line ends, or an InputError.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are decoded. Text that is not UTF-8 is read as
    Windows-1252 (a superset of Latin-1) only when that is safe: nearly all ASCII, a few accented
    letters, nothing unprintable. Anything else is refused rather than read as gibberish.
    """
    if not data:
        raise InputError(path, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(path, "is not valid UTF-16 text despite its byte-order mark") from None
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if _looks_binary(data[:4096]):
            raise InputError(path, "looks like a binary file, not an article (control bytes throughout)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = _legacy_text(data)
            if text is None:
                raise InputError(path, f"is not valid UTF-8 text (bad byte at offset {exc.start})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    text = _CONTROL.sub("", text)
    if not text.strip():
        raise InputError(path, "contains only whitespace")
    return text


_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c\x1b")


def _looks_binary(head: bytes) -> bool:
    """More than 10 % control bytes: an image, an archive, an executable. (A stray NUL or bell in
    real text is not enough: those are removed from the text instead.)"""
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls > 0.10 * len(head)


def _legacy_text(data: bytes) -> str | None:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if len(non_ascii) > MAX_LEGACY_NON_ASCII * len(text):
        return None
    if any(not (ch.isprintable() or ch in "\t\r\n") for ch in text):
        return None
    return text


# A title made from the text is its first sentence, if that is this short and more text follows.
MAX_DERIVED_TITLE = 100
_SENTENCE_END = re.compile(r"[.!?…][\"'’”)\]]*(?=\s)")


def derive_title(article: Article) -> Article:
    """An article with no title (a paragraph and nothing above it) is titled by its first sentence,
    which is then spoken once, as the title; failing that, by its file name."""
    first = article.intro[0] if article.intro else None
    if first is not None and first.kind == "paragraph":
        text = " ".join(first.text.split())  # a plain-text paragraph keeps its line breaks
        end = _SENTENCE_END.search(text, 0, MAX_DERIVED_TITLE + 1)
        rest = text[end.end() :].strip() if end else ""
        sentence = text[: end.end()].strip() if end else ""
        if rest and len(sentence.split()) >= 3:  # "Dr." or "No." is no title
            intro = (Block("paragraph", text=rest), *article.intro[1:])
            return replace(article, title=sentence.removesuffix("."), intro=intro)
    name = re.sub(r"[\s_-]+", " ", article.source.stem).strip()[:MAX_DERIVED_TITLE].strip()
    return replace(article, title=(name[:1].upper() + name[1:]) or "Untitled")


def parse_date(value: object) -> dt.date | None:
    """A date from front matter or metadata: date objects, or ISO-like strings."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                return None
    return None


def heading_key(heading: str) -> str:
    return re.sub(r"[^a-z ]", "", heading.lower()).strip()


def blocks_to_lines(blocks: tuple[Block, ...]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if block.kind == "list":
            marks = [f"{n}." if block.ordered else "•" for n in range(1, len(block.items) + 1)]
            lines.extend(f"{mark} {item}" for mark, item in zip(marks, block.items, strict=True))
        else:
            lines.extend(block.text.split("\n"))
    return lines


def split_back_matter(
    sections: list[Section], section_lines: list[list[str]] | None = None
) -> tuple[list[Section], tuple[Reference, ...], Quiz | None]:
    """Pull the References, the quiz and its answer key out of the body (they are not read as
    prose). ``section_lines``: each section's lines as printed, where the parser kept them (a
    quiz is read line by line); otherwise they are made from the blocks."""
    body: list[Section] = []
    references: list[Reference] = []
    quiz: Quiz | None = None
    for index, section in enumerate(sections):
        key = heading_key(section.heading)
        lines = section_lines[index] if section_lines is not None else blocks_to_lines(section.blocks)
        if key in REFERENCE_HEADINGS:
            references.extend(references_from_blocks(section.blocks))
            continue
        if quiz is None:
            reading = read_quiz(section.heading, lines)
            if reading.quiz and (is_quiz_heading(section.heading) or reading.clear):
                quiz = reading.quiz
                continue
        elif ANSWER_KEY_HEADING.match(key) and is_answer_key(lines):
            quiz = with_key(quiz, lines)
            continue
        body.append(section)  # a section that only shares a quiz's name stays prose
    return body, tuple(references), quiz


def is_quiz_heading(heading: str) -> bool:
    return bool(QUIZ_HEADING.match(heading_key(heading)))


def is_answer_key_heading(heading: str) -> bool:
    return not re.search(r"\d", heading) and bool(ANSWER_KEY_HEADING.match(heading_key(heading)))


def split_summary(intro: list[Block], sections: list[Section]) -> tuple[str | None, list[Block], list[Section]]:
    """A first section titled "Summary", "Key takeaways", "TL;DR" … with no prose above it is the
    article's opening summary, not a chapter: (summary, intro, sections)."""
    if not sections or heading_key(sections[0].heading) not in SUMMARY_LABELS:
        return None, intro, sections
    if any(block.kind not in ("image", "heading") for block in intro):
        return None, intro, sections
    summary = summary_text(blocks_to_lines(sections[0].blocks))
    return (summary or None), intro, sections[1:]


def summary_text(lines: list[str]) -> str:
    """Lines of a summary box as one paragraph; list items become sentences."""
    sentences = []
    for line in lines:
        text = re.sub(r"^\s*(?:[•*\-–]|\d+[.)])\s+", "", line).strip()
        if text:
            sentences.append(text if text[-1] in ".!?…:;\"'”’)" else text + ".")
    return " ".join(sentences)


_URL = re.compile(r"https?://\S+")


def references_from_blocks(blocks: tuple[Block, ...]) -> list[Reference]:
    refs = []
    for line in blocks_to_lines(blocks):
        text = re.sub(r"^\s*(?:•|\d+[.)])\s*", "", line).strip()
        if not text:
            continue
        url_match = _URL.search(text)
        url = url_match.group(0).rstrip(").,") if url_match else None
        if url:
            text = _URL.sub("", text).strip(" -–—:()") or url
        refs.append(Reference(text, url))
    return refs


# Tags an HTML page or a copied text carries (what `audiobook edition --tag` chooses by): at most
# this many, each at most this long — a page's keyword list is metadata, not a place for a book.
MAX_TAGS, MAX_TAG_CHARS = 50, 100
# A line of a copied page that lists its tags: "Tags: sea, history", "Filed under: Transport".
TAGS_LINE = re.compile(r"^\s*(?:tags|tagged(?: with)?|topics|filed under|keywords)\s*:\s*(\S.*)$", re.IGNORECASE)


_TAG_SEPARATORS = re.compile(r"\s*[,;|·•]\s*")


def tag_list(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Tags from raw values that may each hold several ("Sea, ferries", "sea; ferries", "sea | ferries",
    "#sea #ferries"): spaces collapsed, the hash marks taken off, empty and repeated ones (ignoring
    case) dropped, at most MAX_TAGS of MAX_TAG_CHARS."""
    tags: list[str] = []
    seen: set[str] = set()
    for value in values:
        parts = []
        for part in _TAG_SEPARATORS.split(str(value)):
            words = part.split()
            hashtags = len(words) > 1 and all(w.startswith("#") for w in words)
            parts += [w.lstrip("#") for w in words] if hashtags else [part.strip().lstrip("#")]
        for part in parts:
            tag = " ".join(part.split())[:MAX_TAG_CHARS].strip()
            if tag and tag.casefold() not in seen:
                seen.add(tag.casefold())
                tags.append(tag)
    return tuple(tags[:MAX_TAGS])


def take_tags_line(lines: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """A copied page's "Tags: a, b" lines (page furniture, never spoken) → its tags, and the lines
    without them."""
    tags: list[str] = []
    kept = []
    for line in lines:
        match = TAGS_LINE.match(line) if len(line) <= 2 * MAX_TAG_CHARS else None
        if match:
            tags.append(match.group(1))
        else:
            kept.append(line)
    return tag_list(tags), kept
