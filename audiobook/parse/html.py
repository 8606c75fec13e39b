"""A saved HTML page: metadata and the article body, via trafilatura's main-content extraction.

trafilatura drops navigation, headers, footers, cookie banners, ads, share bars and "related"
boxes. It keeps the visible text of an embedded audio-player widget, so those widgets (and
<audio>/<video> elements) are removed from the page before extraction.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import trafilatura
from lxml import etree

from ..errors import InputError
from ..model import Article, Block, Section
from .common import parse_date, split_back_matter

_PLAYER = re.compile(r"(?:^|[\s_-])(?:audio|podcast|media)?-?player(?:$|[\s_-])", re.IGNORECASE)


def parse_html(path: Path, text: str) -> Article:
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        raise InputError(path, "is not a readable HTML page") from None
    language = (tree.get("lang") or "").strip() or None
    _remove_players(tree)

    document = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_formatting=True,
        include_tables=True,
        include_images=False,
        include_comments=False,
    )
    if document is None or document.body is None:
        raise InputError(path, "no article text found in the HTML page")

    title = (document.title or "").strip()
    heads = [el for el in document.body.iter("head")]
    if heads and heads[0].get("rend") == "h1" and _text(heads[0]) in (title, ""):
        title = title or _text(heads[0])
        heads[0].getparent().remove(heads[0])
        heads = heads[1:]
    chapter_level = min((_level(h) for h in heads), default=0)

    intro: list[Block] = []
    sections: list[Section] = []
    for element in document.body:
        if element.tag == "head" and _level(element) == chapter_level:
            sections.append(Section(_text(element), ()))
            continue
        block = _block(element)
        if block is None:
            continue
        if sections:
            sections[-1] = Section(sections[-1].heading, sections[-1].blocks + (block,))
        else:
            intro.append(block)

    body_sections, references, quiz = split_back_matter(sections)
    return Article(
        source=path,
        kind="html",
        title=title,
        intro=tuple(intro),
        sections=tuple(body_sections),
        author=(document.author or None),
        date=parse_date(document.date),
        language=(language or document.language or "en"),
        summary=(document.description or None),
        url=(document.url or None),
        references=references,
        quiz=quiz,
    )


def _remove_players(tree: lxml.html.HtmlElement) -> None:
    doomed = [el for el in tree.iter("audio", "video")]
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        marker = " ".join(filter(None, (element.get("class"), element.get("id"))))
        if marker and _PLAYER.search(marker):
            doomed.append(element)
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)


def _level(head: etree._Element) -> int:
    match = re.match(r"h(\d)", head.get("rend") or "")
    return int(match.group(1)) if match else 2


def _text(element: etree._Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def _block(element: etree._Element) -> Block | None:
    text = _text(element)
    if not text:
        return None
    if element.tag == "head":
        return Block("heading", text=text)
    if element.tag == "quote":
        return Block("quote", text=text)
    if element.tag == "list":
        items = tuple(t for t in (_text(item) for item in element.iter("item")) if t)
        return Block("list", items=items, ordered=element.get("rend") == "ol")
    if element.tag == "table":
        rows = [" | ".join(_text(cell) for cell in row) for row in element.iter("row")]
        return Block("table", items=tuple(rows))
    if element.tag == "code":
        return Block("code", text=text)
    return Block("paragraph", text=text)
