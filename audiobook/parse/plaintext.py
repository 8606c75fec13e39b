"""Plain text as copied from a web page (see tests: the seed fixture's shape).

Recognised, top to bottom: the title (first line); an image-description line; an "AI Summary"
block; headings; lists; References; the quiz; page furniture ("5 min read", "Share", see
junk.py) wherever it stands on a line of its own; and the page's audio-player residue at the very
end (the title cut with "..." and a "0:00" time).

A heading is a short line that does not end like a sentence, stands apart from the line before
it, and introduces body text (prose or a list). Short lines that follow each other (an
ingredient list without bullets) are a list, not a run of headings.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..model import Article, Block, Section
from .common import (
    ANSWER_KEY_HEADING,
    QUIZ_HEADING,
    REFERENCE_HEADINGS,
    SUMMARY_LABELS,
    heading_key,
    is_quiz_heading,
    parse_date,
    split_back_matter,
    summary_text,
    take_tags_line,
)
from .junk import MAX_JUNK_LINE, is_page_junk

_IMAGE_LINE = re.compile(
    r"^(?:(?:an?|the)\s+(?:[\w-]+\s+){0,3}(?:image|photo|photograph|illustration|picture|graphic"
    r"|rendering|drawing|diagram|artwork)\b|(?:image|photo|illustration|caption|credit)\s*:)",
    re.IGNORECASE,
)
_PLAYER_TIME = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?(?:\s*/\s*\d{1,2}:\d{2}(?::\d{2})?)?$")
_LIST_ITEM = re.compile(r"^\s*(?:[•*\-–]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"[.!;,:…]$|[.!]['\"’”)]$")
_QUESTION_LINE = re.compile(r"^\s*Q\d+\s*[.:)]", re.IGNORECASE)
# Quiz notation that must never become a heading: "a) …", "(b) …", "Answer: c)".
_QUIZ_NOTATION = re.compile(r"^\s*(?:\(?[A-Za-z][.):]\s|(?:correct\s+)?answers?\b)", re.IGNORECASE)
_INLINE_SUMMARY = re.compile(r"^\s*(AI summary|summary|TL;?\s?DR|in brief|key takeaways)\s*[:\-–—]\s+(\S.*)$", re.I)

# A heading is at most this long; a line of a list without bullets, at most the second pair.
MAX_HEADING_WORDS, MAX_HEADING_CHARS = 12, 90
MAX_ITEM_WORDS, MAX_ITEM_CHARS = 8, 60
MAX_LABEL_CHARS = 60  # "Test Your Understanding", "References", "AI Summary" …
_LABEL_SHAPE = re.compile(r"^\s*[^\W\d_][^\d:]*:?\s*$|^\s*[^\W\d_][^:]*\?\s*$")
# A line ending in one of these words continues on the next line: it is no heading.
_TRAILING_FUNCTION_WORDS = frozenset(
    {
        *("a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "and", "or", "but"),
        *("nor", "that", "which", "who", "as", "than", "into", "onto", "over", "under", "about", "after"),
        *("before", "between", "is", "are", "was", "were", "be", "been", "has", "have", "had", "will"),
        *("would", "can"),
    }
)


def parse_plaintext(path: Path, text: str) -> Article:
    lines = _strip_player_residue(text.split("\n"))
    lines = _drop_leading_blank(lines)
    while lines and is_page_junk(lines[0]):
        lines = _drop_leading_blank(lines[1:])
    title = lines[0].strip() if lines else ""
    rest = lines[1:]
    author, date = None, None
    continues = bool(rest) and rest[0].strip()[:1].islower()  # a wrapped sentence runs on below
    if _reads_as_prose(title) or continues:  # no title line: the text opens with a paragraph (titled later)
        title, rest = "", lines
    else:
        author, date, rest = _byline(rest)
    rest = [line for line in rest if not is_page_junk(line)]
    tags, rest = take_tags_line(rest)

    groups = _group(rest)
    # An image description right under the title is the picture's alt text, not prose.
    image: list[Block] = []
    if groups and len(groups[0]) == 1 and _IMAGE_LINE.match(groups[0][0].strip()):
        image = [Block("image", text=groups[0][0].strip())]
        groups = groups[1:]
    summary, groups = _summary(groups)

    outline = _Outline(list(image))
    for index, group in enumerate(groups):
        runs = _item_runs(group)
        line_index = 0
        while line_index < len(group):
            line = group[line_index]
            if (_is_label(line) or not outline.in_quiz) and _is_heading(groups, index, line_index):
                outline.heading(line.strip())
                line_index += 1
                continue
            run = runs.get(line_index, 0)
            if _LIST_ITEM.match(line) or run or _lone_item(groups, index):
                count = max(run, 1)
                outline.items(group[line_index : line_index + count])
                line_index += count
                continue
            outline.line(line)
            line_index += 1
        outline.end_paragraph()
    intro, sections, section_lines = outline.finish()

    body, references, quiz = split_back_matter(sections, section_lines)
    return Article(
        source=path,
        kind="text",
        title=title,
        intro=intro,
        sections=tuple(body),
        summary=summary,
        author=author,
        date=date,
        references=references,
        quiz=quiz,
        tags=tags,
    )


_BY = re.compile(r"^By\s+(?P<name>[A-Z][\w.'’-]*(?:,?\s+(?:and\s+)?[A-Z][\w.'’-]*){0,7})$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(?P<month>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)\.?"
_DATE_LINE = re.compile(
    rf"^(?:(?:last\s+)?(?:published|updated|posted)\s*:?\s*(?:on\s+)?)?(?:[A-Z][a-z]+day,?\s+)?"
    rf"(?:{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>[a-z]+)\.?,?\s+(?P<year2>\d{{4}})"
    rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))(?:,?\s+(?:at\s+)?\d{{1,2}}[:.]\d{{2}}.*)?$",
    re.IGNORECASE,
)
MAX_BYLINE_LINES = 6  # lines under the title looked at for "By …" and a date


def _byline(lines: list[str]) -> tuple[str | None, dt.date | None, list[str]]:
    """ "By Jane Doe" and "Published March 3, 2025" lines under the title (alone, or together with
    page furniture: "By Jane Doe · 5 min read") → the author and date; those lines are taken out."""
    author: str | None = None
    date: dt.date | None = None
    index = seen = 0
    while index < len(lines) and seen < MAX_BYLINE_LINES:
        line = lines[index].strip()
        index += 1
        if not line:
            continue
        seen += 1
        if len(line) > MAX_JUNK_LINE:
            break  # prose
        parts = [part.strip() for part in re.split(r"(?<!\s)\s+[·•|]\s+", line.strip("·•| ")) if part.strip()]
        found = [(_BY.match(part), _date(part)) for part in parts]
        if not all(by or when or is_page_junk(part) for part, (by, when) in zip(parts, found, strict=True)):
            break  # prose begins: nothing more to take
        for by, when in found:
            author = author or (by.group("name") if by else None)
            date = date or when
        lines = lines[: index - 1] + lines[index:]
        index -= 1
    return author, date, lines


def _date(text: str) -> dt.date | None:
    match = _DATE_LINE.match(text)
    if not match:
        return None
    if match.group("iso"):
        return parse_date(match.group("iso"))
    month = (match.group("month") or match.group("month2") or "").lower()
    number = _MONTHS.index(month[:3]) + 1 if month[:3] in _MONTHS else None
    try:
        day = int(match.group("day") or match.group("day2"))
        return dt.date(int(match.group("year") or match.group("year2")), number, day) if number else None
    except ValueError:
        return None


def _summary(groups: list[list[str]]) -> tuple[str | None, list[list[str]]]:
    """An "AI Summary" label and the paragraph (or list) under it, or "TL;DR: …" on one line."""
    if not groups:
        return None, groups
    inline = _INLINE_SUMMARY.match(groups[0][0])
    if inline and len(groups[0]) == 1:
        return inline.group(2).strip(), groups[1:]
    if heading_key(groups[0][0]) not in SUMMARY_LABELS or len(groups[0]) != 1 or len(groups) < 2:
        return None, groups
    taken = 1
    if _LIST_ITEM.match(groups[1][0]):  # "Key takeaways" and its bullets
        while taken < len(groups) and _LIST_ITEM.match(groups[taken][0]):
            taken += 1
    else:
        taken = 2
    return summary_text([line for group in groups[1:taken] for line in group]) or None, groups[taken:]


def _reads_as_prose(line: str) -> bool:
    """A sentence, not a title: ends with a full stop (titles end bare, or with ? or !) or is longer
    than any headline."""
    if _LIST_ITEM.match(line) or _QUESTION_LINE.match(line) or _is_label(line):
        return False
    return line.rstrip("\"'’”)]").endswith((".", "…")) or len(line.split()) > 25


def _drop_leading_blank(lines: list[str]) -> list[str]:
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    return lines[start:]


def _strip_player_residue(lines: list[str]) -> list[str]:
    """Drop the trailing "Title cut..." / "0:00" lines of an embedded audio player."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    if end and _PLAYER_TIME.match(lines[end - 1].strip()):
        end -= 1
        while end and not lines[end - 1].strip():
            end -= 1
        if end and re.search(r"(\.\.\.|…)$", lines[end - 1].strip()):
            end -= 1
    return lines[:end]


def _is_label(line: str) -> bool:
    """A line that names a part of the page ("References", "Quiz", "AI Summary", "Answers"): words
    only, so "Answer: 2" or "Q1. …" is never one."""
    if len(line) > MAX_LABEL_CHARS or not _LABEL_SHAPE.match(line):
        return False
    key = heading_key(line)
    return (
        key in REFERENCE_HEADINGS
        or key in SUMMARY_LABELS
        or bool(QUIZ_HEADING.match(key) or ANSWER_KEY_HEADING.match(key))
    )


def _group(lines: list[str]) -> list[list[str]]:
    """Split into paragraphs at blank lines; labels, list items and quiz lines stand alone."""
    groups: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        stands_alone = _is_label(line) or _LIST_ITEM.match(line) or _QUESTION_LINE.match(line)
        if not line.strip() or stands_alone:
            if current:
                groups.append(current)
            current = []
            if stands_alone:
                groups.append([line])
            continue
        current.append(line)
    if current:
        groups.append(current)
    return groups


def _short(line: str) -> bool:
    """A line that could be a heading or a list item: short, not ending like a sentence, and not
    a bullet, a label or quiz notation."""
    text = line.strip()
    if not text or _LIST_ITEM.match(text) or _QUESTION_LINE.match(text) or _is_label(text):
        return False
    return len(text) <= MAX_HEADING_CHARS and len(text.split()) <= MAX_HEADING_WORDS and not _SENTENCE_END.search(text)


def _item_like(line: str) -> bool:
    text = line.strip()
    return _short(text) and len(text) <= MAX_ITEM_CHARS and len(text.split()) <= MAX_ITEM_WORDS and text[-1] not in "?"


def _heading_like(line: str) -> bool:
    text = line.strip()
    if not _short(text) or text[:1].islower() or _QUIZ_NOTATION.match(text):
        return False
    return text.rstrip("?!\"'’”)]").rsplit(" ", 1)[-1].lower() not in _TRAILING_FUNCTION_WORDS


def _ends_sentence(line: str) -> bool:
    return bool(re.search(r"[.!?…:][\"'’”)\]]*$", line.strip()))


def _starts_prose(line: str) -> bool:
    """Body text after a heading: a sentence or a long line, not the continuation of one."""
    text = line.strip()
    return bool(text) and not _short(text) and not text[:1].islower() and not _is_label(text)


def _is_heading(groups: list[list[str]], index: int, line_index: int) -> bool:
    group = groups[index]
    line = group[line_index].strip()
    if _is_label(line):
        return True
    if not _heading_like(line):
        return False
    # It stands apart from what precedes it: a blank line or the end of a sentence, and it is not
    # the second of a run of short lines.
    if line_index > 0:
        before = group[line_index - 1]
        if not _ends_sentence(before) or _short(before):
            return False
    elif index > 0 and len(groups[index - 1]) == 1 and _short(groups[index - 1][0]):
        return False
    # It introduces body text.
    if line_index + 1 < len(group):  # printed right above its text: stricter about length
        return len(line) <= MAX_ITEM_CHARS and _starts_prose(group[line_index + 1])
    if index + 1 >= len(groups):
        return False
    following = groups[index + 1]
    if _LIST_ITEM.match(following[0]) and not _QUESTION_LINE.match(following[0]):
        return True
    if _short(following[0]):
        return 0 in _item_runs(following[:3])  # a heading over a list without bullets
    return _starts_prose(following[0])


def _item_runs(group: list[str]) -> dict[int, int]:
    """Where lists without bullets start in a paragraph's lines, and how many lines each has: runs
    of two or more item-like lines (one scan: a long paragraph costs linear time)."""
    runs: dict[int, int] = {}
    start = 0
    while start < len(group):
        end = start
        while end < len(group) and _item_like(group[end]):
            end += 1
        lower = [line.strip()[:1].islower() for line in group[start:end]]
        if end - start >= 2 and not (any(lower[1:]) and not all(lower)):  # else a wrapped sentence
            runs[start] = end - start
        start = max(end, start + 1)
    return runs


def _lone_item(groups: list[list[str]], index: int) -> bool:
    """A short line standing alone between blank lines, next to another such line: list items."""

    def lone(i: int) -> bool:
        return 0 <= i < len(groups) and len(groups[i]) == 1 and _item_like(groups[i][0])

    return lone(index) and (lone(index - 1) or lone(index + 1))


class _Outline:
    """The article's intro and sections as lines are read: paragraphs (their line breaks kept),
    lists (consecutive items form one list), and each section's lines as printed (for the quiz)."""

    def __init__(self, intro: list[Block]) -> None:
        self.intro = intro
        self.blocks = intro
        self.title: str | None = None
        self.sections: list[Section] = []
        self.section_lines: list[list[str]] = []
        self.raw: list[str] = []
        self.paragraph: list[str] = []
        self.list_items: list[str] = []

    @property
    def in_quiz(self) -> bool:
        return self.title is not None and is_quiz_heading(self.title)

    def heading(self, title: str) -> None:
        self._close_section()
        self.title, self.blocks, self.raw = title, [], []

    def line(self, line: str) -> None:
        self._end_list()
        self.raw.append(line)
        self.paragraph.append(line.strip())

    def items(self, lines: list[str]) -> None:
        self.end_paragraph()
        self.raw.extend(lines)
        self.list_items.extend(_LIST_ITEM.sub("", line).strip() for line in lines)

    def end_paragraph(self) -> None:
        if self.paragraph:
            self.blocks.append(Block("paragraph", text="\n".join(self.paragraph)))
            self.paragraph = []

    def _end_list(self) -> None:
        if self.list_items:
            self.blocks.append(Block("list", items=tuple(self.list_items)))
            self.list_items = []

    def _close_section(self) -> None:
        self.end_paragraph()
        self._end_list()
        if self.title is not None:
            self.sections.append(Section(self.title, tuple(self.blocks)))
            self.section_lines.append(self.raw)

    def finish(self) -> tuple[tuple[Block, ...], list[Section], list[list[str]]]:
        self._close_section()
        return tuple(self.intro), self.sections, self.section_lines
