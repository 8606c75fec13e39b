"""Helpers shared by the three parsers: decoding, and recognising references and quizzes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..errors import InputError
from ..model import Block, Quiz, QuizQuestion, Reference, Section

# Zero-width and bidi marks that copy/paste leaves behind; they are never spoken.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

REFERENCE_HEADINGS = {"references", "sources", "bibliography", "citations", "further reading"}
QUIZ_HEADINGS = {"test your understanding", "check your understanding", "quiz", "quick quiz"}


def decode_text(path: Path, data: bytes) -> str:
    """Bytes of an article file → clean text with "\\n" line ends, or an InputError."""
    if not data:
        raise InputError(path, "the file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096]:
        raise InputError(path, "looks like a binary file, not an article (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not valid UTF-8 text (bad byte at offset {exc.start})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    text = _CONTROL.sub("", text)
    if not text.strip():
        raise InputError(path, "contains only whitespace")
    return text


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


_QUESTION = re.compile(r"^\s*Q(?:uestion)?\s*(\d+)\s*[.:)]\s*(.+)$", re.IGNORECASE)
_OPTION_MARK = re.compile(r"^\s*(?:[•*\-–]|[A-Da-d][.)])\s+")
_CORRECT_MARK = re.compile(r"\s*(?:\(correct\)|✓|✔)\s*$", re.IGNORECASE)


def quiz_from_lines(heading: str, lines: list[str]) -> Quiz | None:
    """Q1./Q2. questions, bulleted options, then free text as the explanation."""
    questions: list[QuizQuestion] = []
    prompt: str | None = None
    options: list[str] = []
    explanation: list[str] = []
    answer: int | None = None

    def flush() -> None:
        if prompt is not None:
            questions.append(QuizQuestion(prompt, tuple(options), " ".join(explanation), answer))

    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        question = _QUESTION.match(line)
        if question:
            flush()
            prompt, options, explanation, answer = question.group(2).strip(), [], [], None
        elif prompt is not None and _OPTION_MARK.match(raw) and not explanation:
            option = _OPTION_MARK.sub("", raw).strip()
            if _CORRECT_MARK.search(option):
                answer = len(options)
                option = _CORRECT_MARK.sub("", option)
            options.append(option)
        elif prompt is not None:
            explanation.append(line)
    flush()
    return Quiz(heading, tuple(questions)) if questions else None


def blocks_to_lines(blocks: tuple[Block, ...]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if block.kind == "list":
            lines.extend(f"• {item}" for item in block.items)
        else:
            lines.append(block.text)
    return lines


def split_back_matter(
    sections: list[Section],
) -> tuple[list[Section], tuple[Reference, ...], Quiz | None]:
    """Pull the References and quiz sections out of the body (they are not read as prose)."""
    body: list[Section] = []
    references: list[Reference] = []
    quiz: Quiz | None = None
    for section in sections:
        key = heading_key(section.heading)
        if key in REFERENCE_HEADINGS:
            references.extend(references_from_blocks(section.blocks))
        elif key in QUIZ_HEADINGS and quiz is None:
            quiz = quiz_from_lines(section.heading, blocks_to_lines(section.blocks))
            if quiz is None:  # a section that only shares the name: keep it as prose
                body.append(section)
        else:
            body.append(section)
    return body, tuple(references), quiz


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
