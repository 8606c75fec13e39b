"""Plain text as copied from a web page (see tests: the seed fixture's shape).

Recognised, top to bottom: the title (first line); an image-description line; an "AI Summary"
block; headings (short lines standing alone, followed by prose); References; the quiz; and the
page's audio-player residue at the very end (the title cut with "..." and a "0:00" time).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Article, Block, Section
from .common import QUIZ_HEADINGS, REFERENCE_HEADINGS, heading_key, split_back_matter

SUMMARY_LABELS = {"ai summary", "summary", "tldr", "tl dr", "in brief", "key takeaways"}
_IMAGE_LINE = re.compile(
    r"^(?:(?:an?|the)\s+(?:[\w-]+\s+){0,3}(?:image|photo|photograph|illustration|picture|graphic"
    r"|rendering|drawing|diagram|artwork)\b|(?:image|photo|illustration|caption|credit)\s*:)",
    re.IGNORECASE,
)
_PLAYER_TIME = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?(?:\s*/\s*\d{1,2}:\d{2}(?::\d{2})?)?$")
_LIST_ITEM = re.compile(r"^\s*(?:[•*\-–]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"[.!;,:…]$|[.!]['\"’”)]$")
_QUESTION_LINE = re.compile(r"^\s*Q\d+\s*[.:)]", re.IGNORECASE)


def parse_plaintext(path: Path, text: str) -> Article:
    lines = _strip_player_residue(text.split("\n"))
    lines = _drop_leading_blank(lines)
    title = lines[0].strip() if lines else ""
    rest = lines[1:]
    if _reads_as_prose(title):  # no title line: the text opens with a paragraph (titled later)
        title, rest = "", lines

    groups = _group(rest)
    # An image description right under the title is the picture's alt text, not prose.
    image: list[Block] = []
    if groups and len(groups[0]) == 1 and _IMAGE_LINE.match(groups[0][0].strip()):
        image = [Block("image", text=groups[0][0].strip())]
        groups = groups[1:]

    summary = None
    if groups and heading_key(groups[0][0]) in SUMMARY_LABELS and len(groups[0]) == 1:
        groups = groups[1:]
        if groups:
            summary = " ".join(line.strip() for line in groups[0])
            groups = groups[1:]

    intro: list[Block] = image
    sections: list[Section] = []
    current: tuple[str, list[Block]] | None = None
    for index, group in enumerate(groups):
        following = groups[index + 1] if index + 1 < len(groups) else None
        if _is_heading(group, following):
            if current:
                sections.append(Section(current[0], tuple(current[1])))
            current = (group[0].strip(), [])
            continue
        _append(current[1] if current else intro, _block(group))
    if current:
        sections.append(Section(current[0], tuple(current[1])))

    body, references, quiz = split_back_matter(sections)
    return Article(
        source=path,
        kind="text",
        title=title,
        intro=tuple(intro),
        sections=tuple(body),
        summary=summary,
        references=references,
        quiz=quiz,
    )


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
    key = heading_key(line)
    return key in REFERENCE_HEADINGS or key in QUIZ_HEADINGS or key in SUMMARY_LABELS


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


def _is_heading(group: list[str], following: list[str] | None) -> bool:
    line = group[0].strip()
    if len(group) != 1 or _LIST_ITEM.match(group[0]) or _QUESTION_LINE.match(line):
        return False
    if _is_label(line):
        return True
    if len(line) > 90 or len(line.split()) > 12 or _SENTENCE_END.search(line):
        return False
    # Standing alone is not enough: a heading introduces prose (a longer paragraph).
    if following is None:
        return False
    next_text = " ".join(following)
    return len(next_text) > len(line) and not _is_label(following[0])


def _append(blocks: list[Block], block: Block) -> None:
    """Consecutive list lines form one list."""
    if block.kind == "list" and blocks and blocks[-1].kind == "list":
        blocks[-1] = Block("list", items=blocks[-1].items + block.items)
    else:
        blocks.append(block)


def _block(group: list[str]) -> Block:
    if _LIST_ITEM.match(group[0]):
        return Block("list", items=(_LIST_ITEM.sub("", group[0]).strip(),))
    return Block("paragraph", text=" ".join(line.strip() for line in group))
