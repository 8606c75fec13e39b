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
from .common import (
    MAX_HTML_TAGS,
    SUMMARY_LABELS,
    check_words,
    heading_key,
    parse_date,
    split_back_matter,
    split_summary,
    summary_text,
    tag_list,
)
from .junk import is_page_junk, without_junk

_PLAYER = re.compile(r"(?:^|[\s_-])(?:audio|podcast|media)?-?player(?:$|[\s_-])", re.IGNORECASE)


# An XML declaration ("<?xml version='1.0' encoding='…'?>", XHTML pages): lxml refuses a str that
# declares an encoding, and the text is already decoded, so the declaration is dropped.
_XML_DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]{0,200}\?>")
# Deeper than this, elements are flattened into their ancestor at this depth (their words kept):
# real pages nest a few dozen levels; libxml2 stops at 256 and drops the rest of the page, and
# trafilatura walks the tree recursively.
MAX_DEPTH = 128
_SKIPPED = {"script", "style", "noscript", "template"}
# Elements whose end separates words ("<p>one</p><p>two</p>" is two words, "<b>W</b>ord" is one).
_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip


def parse_html(path: Path, text: str) -> Article:
    tags = text.count("<")  # an upper bound on the elements, known before lxml builds any
    if tags > MAX_HTML_TAGS:
        raise InputError(path, f"has too much markup for one article ({tags:,} tags; the limit is {MAX_HTML_TAGS:,})")
    try:
        # huge_tree: without it libxml2 silently drops everything after the 256th nested element.
        parser = lxml.html.HTMLParser(huge_tree=True)
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1), parser=parser)
    except (etree.ParserError, ValueError):
        raise InputError(path, "is not a readable HTML page") from None
    for error in parser.error_log.filter_from_errors():
        if error.type_name == "ERR_RESOURCE_LIMIT":  # e.g. nesting beyond even huge_tree's limit
            raise InputError(path, f"cannot be read past line {error.line} ({error.message.split(',')[0]})")
    _flatten_deep(tree)
    # Counted before trafilatura (whose cost grows faster than the page): visible text only.
    check_words(path, sum(len(chunk.split()) for chunk in _visible_text(tree)))
    language = (tree.get("lang") or "").strip() or None
    _remove_players(tree)
    summary_box = _take_summary_box(tree)
    _mark_quiz_answers(tree)

    document = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        # Formatting (<hi> elements) is not spoken, and trafilatura merges adjacent ones in
        # quadratic time (100,000 bold words: minutes).
        include_formatting=False,
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
    section_lines: list[list[str]] = []
    for element in document.body:
        if element.tag == "head" and _level(element) == chapter_level:
            sections.append(Section(_text(element), ()))
            section_lines.append([])
            continue
        block = _block(element)
        if block is None:
            continue
        if sections:
            sections[-1] = Section(sections[-1].heading, sections[-1].blocks + (block,))
            section_lines[-1].extend(_lines(element))
        else:
            intro.append(block)

    summary = None
    if summary_box is None:  # a page's summary box, else a first section titled as one
        summary, intro, sections = split_summary(intro, sections)
        if summary is not None:
            section_lines = section_lines[1:]
    body_sections, references, quiz = split_back_matter(sections, section_lines)
    author = without_junk(document.author or "")
    return Article(
        source=path,
        kind="html",
        title=title,
        intro=tuple(intro),
        sections=tuple(body_sections),
        author=author or None,
        date=parse_date(document.date),
        language=(language or document.language or "en"),
        summary=summary_box or summary or (document.description or None),
        url=(document.url or None),
        tags=tag_list(document.tags or []),  # <meta name="keywords">, article:tag
        references=references,
        quiz=quiz,
    )


def _visible_text(tree: lxml.html.HtmlElement):
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag not in _SKIPPED and element.text:
            yield element.text
        if element.tail:
            yield element.tail


def _flatten_deep(tree: lxml.html.HtmlElement) -> None:
    """Below MAX_DEPTH, containers are unwrapped: what they hold moves up into their ancestor at that
    depth (innermost elements such as paragraphs stay, so the text is still found and read)."""
    depth = 0
    at_limit = []
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if event == "start" and depth == MAX_DEPTH and len(element):
            at_limit.append(element)
    for element in at_limit:
        for inner in list(element.iterdescendants()):
            if not len(inner):
                continue
            if inner.tag in _BLOCKS:  # keep the words on either side of its edges apart
                inner.text = " " + (inner.text or "")
                inner.tail = " " + (inner.tail or "")
            inner.drop_tag()


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
    # Pieces are joined with a space: in trafilatura's output they are paragraphs, list items and
    # line breaks ("read</p><p>another" is two words), formatting having been stripped.
    return re.sub(r"\s+", " ", " ".join(element.itertext())).strip()


def _block(element: etree._Element) -> Block | None:
    text = _text(element)
    if not text or is_page_junk(text):
        return None
    if element.tag == "head":
        return Block("heading", text=text)
    if element.tag == "quote":
        return Block("quote", text=text)
    if element.tag == "list":
        # Only its own items: a nested list is read inside its parent item, not again on its own.
        items = tuple(t for t in (_text(item) for item in element.findall("item")) if t)
        return Block("list", items=items, ordered=element.get("rend") == "ol")
    if element.tag == "table":
        rows = [" | ".join(_text(cell) for cell in row) for row in element.iter("row")]
        return Block("table", items=tuple(rows))
    if element.tag == "code":
        return Block("code", text=text)
    return Block("paragraph", text=text)


def _lines(element: etree._Element) -> list[str]:
    """The element's text as printed, line by line (what the quiz reader needs): a line break or
    a block ends a line; list items start with "1." (numbered) or "•", except an item that holds
    a list of its own (a question over its options), which starts bare."""
    lines: list[str] = []
    current: list[str] = []

    def end_line() -> None:
        text = re.sub(r"\s+", " ", "".join(current)).strip()
        if text:
            lines.append(text)
        current.clear()

    def items(node: etree._Element, nested: bool) -> None:
        ordered = node.get("rend") == "ol" and not nested  # a list inside an item: options
        for number, item in enumerate(node.findall("item"), start=1):
            bare = not ordered and item.find("list") is not None
            current.append("" if bare else f"{number}. " if ordered else "• ")
            walk(item, nested=True)
            end_line()

    def walk(node: etree._Element, nested: bool = False) -> None:
        current.append(node.text or "")
        for child in node:
            if child.tag == "lb":
                end_line()
            elif child.tag == "list":
                end_line()
                items(child, nested)
            elif child.tag in ("p", "head", "quote", "item", "table", "row"):
                end_line()
                walk(child, nested)
                end_line()
            else:
                walk(child, nested)
            current.append(child.tail or "")

    if element.tag == "list":
        items(element, nested=False)
    else:
        walk(element)
    end_line()
    return [line for line in lines if not is_page_junk(line)]


_SUMMARY_MARK = re.compile(
    r"(?:^|[\s_-])(?:ai[-_]?summary|summary|tl[-_;]?dr|(?:key[-_]?)?takeaways?|in[-_]?brief|at[-_]?a[-_]?glance)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
_BOX_TAGS = ("div", "aside", "section", "details", "p", "blockquote", "figure")
_LABEL_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "p", "span", "div", "summary", "header")
# An opening summary is short and comes before the body: at most this many words, and at most
# this many words of paragraphs before it.
MAX_SUMMARY_WORDS = 250
MIN_SUMMARY_WORDS = 6  # a "Summary" tab or link is not a summary
MAX_WORDS_BEFORE_SUMMARY = 40
MAX_LABEL_SEARCH = 20  # elements looked at for a box's label (empty wrappers come first)


def _take_summary_box(tree: lxml.html.HtmlElement) -> str | None:
    """The text of an "AI Summary" / "Key takeaways" / "TL;DR" box near the top of the page,
    removed from the page (it is the article's opening summary, not a chapter)."""
    words_before = 0
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "p" and not _inside(element, ("header", "nav", "footer")):
            marker = " ".join(filter(None, (element.get("class"), element.get("id"))))
            if not (marker and _SUMMARY_MARK.search(marker)):
                words_before += len(element.text_content().split())
        if words_before > MAX_WORDS_BEFORE_SUMMARY:
            return None
        if element.tag not in _BOX_TAGS:
            continue
        label = _summary_label(element)
        marker = " ".join(filter(None, (element.get("class"), element.get("id"))))
        if label is None and not (marker and _SUMMARY_MARK.search(marker)):
            continue
        text = _box_text(element, label)
        if MIN_SUMMARY_WORDS <= len(text.split()) <= MAX_SUMMARY_WORDS:
            parent = element.getparent()
            if parent is not None:
                tail = element.tail
                parent.remove(element)
                if tail:  # text after the box stays on the page
                    _append_text(parent, tail)
            return text
    return None


def _summary_label(box: etree._Element) -> etree._Element | None:
    """The box's first text-bearing element, when it reads "AI Summary", "TL;DR" …"""
    for seen, element in enumerate(box.iter(*_LABEL_TAGS)):
        if seen > MAX_LABEL_SEARCH:
            return None
        if element is box:
            continue
        text = " ".join(element.itertext()).strip()
        if text:
            return element if heading_key(text) in SUMMARY_LABELS else None
    return None


def _box_text(box: etree._Element, label: etree._Element | None) -> str:
    """The box's paragraphs and items, without its label (the page itself is not changed)."""
    label_text = " ".join(" ".join(label.itertext()).split()) if label is not None else ""

    def words(element: etree._Element) -> str:
        text = " ".join(" ".join(element.itertext()).split())
        return text[len(label_text) :].lstrip(" :–—-") if label_text and text.startswith(label_text) else text

    parts = [
        words(el)
        for el in box.iter("p", "li")
        if el is not label and not any(inner is not el for inner in el.iter("p", "li"))
    ]
    if not parts:
        parts = [words(box)]
    return summary_text([part for part in parts if part and not is_page_junk(part)])


def _inside(element: etree._Element, tags: tuple[str, ...]) -> bool:
    return any(ancestor.tag in tags for ancestor in element.iterancestors())


def _append_text(parent: etree._Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


_CORRECT_CLASS = re.compile(r"(?:^|[\s_-])(?:correct|right)(?:[-_]?(?:answer|option|choice))?(?:$|\s)", re.IGNORECASE)
_ANSWER_SUMMARY = re.compile(r"\b(?:answer|solution)s?\b", re.IGNORECASE)


def _mark_quiz_answers(tree: lxml.html.HtmlElement) -> None:
    """Keep the answers a quiz marks in markup, which the text extraction drops: an option classed
    "correct" (or with data-correct="true") is marked "✓", and a collapsed "Show answer" box
    (<details>) becomes an "Answer: …" line. (A mark never reaches the narration: it is no word.)"""
    for element in tree.iter("li", "label", "p", "div", "span"):
        marker = element.get("class") or ""
        if _CORRECT_CLASS.search(marker) or (element.get("data-correct") or "").lower() in ("true", "1", "yes"):
            if len(element):
                element[-1].tail = (element[-1].tail or "") + " ✓"
            else:
                element.text = (element.text or "") + " ✓"
    for details in list(tree.iter("details")):
        summary = details.find("summary")
        if summary is None or not _ANSWER_SUMMARY.search(summary.text_content() or ""):
            continue
        answer = " ".join(
            " ".join(child.itertext()) for child in details if child is not summary and isinstance(child.tag, str)
        )
        answer = " ".join(((details.text or "") + " " + answer).split())
        if not answer:
            continue
        replacement = etree.Element("p")
        replacement.text = f"Answer: {answer}"
        replacement.tail = details.tail
        details.getparent().replace(details, replacement)
