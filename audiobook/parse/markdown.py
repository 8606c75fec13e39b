"""Markdown with optional YAML front matter, parsed by markdown-it-py (CommonMark + tables)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.tree import SyntaxTreeNode

from ..errors import AudiobookError, InputError
from ..lexicon import Lexicon, lexicon_from_mapping
from ..model import Article, Block, Section
from .common import (
    MAX_FRONT_MATTER,
    REFERENCE_HEADINGS,
    heading_key,
    parse_date,
    split_back_matter,
    split_summary,
)
from .junk import is_page_junk

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_STRING_FIELDS = ("title", "author", "summary", "slug", "language", "url", "cover", "guid")

# markdown-it stops reading blocks at its nesting limit and drops the rest of the file without a
# word (commonmark preset: 20, about eight list levels). Deeper quotes and list indentation are
# flattened first, so their text is read as the deepest level kept; whatever still nests deeper
# than MAX_NESTING (lists and quotes mixed on one line) is refused, naming the line. The parser's
# own block limit stays above ours (100, its default preset's value: its recursion is bounded).
# Inline nesting keeps the preset's 20: past it, text stays text (nothing lost), and each "[" costs
# time in proportion to the limit.
MAX_QUOTE_DEPTH = 8
MAX_INDENT = 40  # columns: 20 levels of a two-space list
MAX_NESTING = 64
_DEEP_QUOTE = re.compile(rf"^([ \t]*(?:>[ \t]?){{{MAX_QUOTE_DEPTH}}})(?:[ \t]*>)+", re.MULTILINE)
_DEEP_INDENT = re.compile(rf"^[ \t]{{{MAX_INDENT // 4 + 1},}}", re.MULTILINE)  # a tab is up to 4 columns


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _nesting_guard(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """First block rule: raises where markdown-it would soon stop reading, instead of dropping."""
    if state.level >= MAX_NESTING:
        raise _TooDeep(start)
    return False


def _inline_nesting(state: Any) -> None:
    state.md.options["maxNesting"] = 20


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": 100}).enable("table")
    md.block.ruler.before("table", "nesting_guard", _nesting_guard)
    md.core.ruler.after("block", "inline_nesting", _inline_nesting)
    return md


def _flatten(body: str) -> str:
    """Cap quote markers and leading indentation (a deeper line joins the deepest level kept)."""
    body = _DEEP_QUOTE.sub(r"\1", body)
    return _DEEP_INDENT.sub(lambda m: " " * min(MAX_INDENT, len(m.group().expandtabs(4))), body)


def parse_markdown(path: Path, text: str) -> Article:
    meta, body = _split_front_matter(path, text)
    try:
        tokens = _parser().parse(_flatten(body))
    except _TooDeep as deep:
        line = text.count("\n", 0, len(text) - len(body)) + deep.line + 1
        raise InputError(path, f"line {line}: lists and quotes nest more than {MAX_NESTING} levels deep") from None
    root = SyntaxTreeNode(tokens)
    source_lines = _flatten(body).split("\n")

    title = meta.get("title")
    nodes = list(root.children)
    first_h1 = next((i for i, n in enumerate(nodes) if n.type == "heading" and n.tag == "h1"), None)
    if first_h1 is not None and (title is None or _inline_text(nodes[first_h1]) == title):
        # The page's own H1 is the title; read it once, not twice.
        title = title or _inline_text(nodes[first_h1])
        del nodes[first_h1]

    levels = [int(n.tag[1]) for n in nodes if n.type == "heading"]
    chapter_level = min(levels) if levels else 0
    intro: list[Block] = []
    sections: list[Section] = []
    section_lines: list[list[str]] = []  # as written, for the quiz reader
    for node in nodes:
        if node.type == "heading" and int(node.tag[1]) == chapter_level:
            sections.append(Section(_inline_text(node), ()))
            section_lines.append([])
            continue
        if sections and heading_key(sections[-1].heading) in REFERENCE_HEADINGS:
            blocks = _reference_blocks(node)  # keep the links' addresses for the show notes
        else:
            blocks = _blocks(node)
        if sections:
            last = sections[-1]
            sections[-1] = Section(last.heading, last.blocks + tuple(blocks))
            if node.map:
                section_lines[-1].extend(_plain_line(line) for line in source_lines[node.map[0] : node.map[1]])
        else:
            intro.extend(blocks)

    summary = None
    if not meta.get("summary"):  # front matter's summary, else a first section titled as one
        summary, intro, sections = split_summary(intro, sections)
        if summary is not None:
            section_lines = section_lines[1:]
    body_sections, references, quiz = split_back_matter(sections, section_lines)
    # The tree links children to parents: unlinked, it is freed now rather than at the next full
    # garbage collection (~1.5-2 MB at 20,000 words, held through the whole conversion).
    for node in root.walk():
        node.parent = None
    cover = meta.get("cover")
    return Article(
        source=path,
        kind="markdown",
        title=(title or "").strip(),
        intro=tuple(intro),
        sections=tuple(body_sections),
        author=meta.get("author"),
        date=parse_date(meta.get("date")),
        language=meta.get("language") or "en",
        summary=meta.get("summary") or summary,
        url=meta.get("url"),
        slug=meta.get("slug"),
        guid=meta.get("guid"),
        cover=(path.parent / cover) if cover else None,
        references=references,
        quiz=quiz,
        lexicon=meta.get("lexicon", Lexicon()),
        tags=meta.get("tags", ()),
    )


def _split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    size = len(match.group(1) or "")
    if size > MAX_FRONT_MATTER:  # checked before YAML reads it (pure-Python YAML: ~100 KB/s)
        limit = MAX_FRONT_MATTER // 1000
        raise InputError(path, f"front matter is too large ({size / 1000:,.0f} KB; the limit is {limit} KB)")
    try:
        # safe_load: no object construction from tags; aliases are bounded by the input size.
        data = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise InputError(path, f"front matter is not valid YAML{where}") from None
    except (ValueError, OverflowError) as exc:  # e.g. `date: 2026-13-45`: a timestamp YAML cannot build
        raise InputError(path, f"front matter has a value that cannot be read ({exc})") from None
    except RecursionError:
        raise InputError(path, "front matter is nested too deeply") from None
    if not isinstance(data, dict):
        raise InputError(path, "front matter must be a mapping of keys to values")
    meta: dict[str, Any] = {}
    for key in _STRING_FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, (str, int, float)):
            raise InputError(path, f"front matter '{key}' must be text, not {type(value).__name__}")
        meta[key] = str(value).strip()
    if "date" in data:
        meta["date"] = data["date"]
        if data["date"] is not None and parse_date(data["date"]) is None:
            raise InputError(path, f"front matter 'date' is not a date: {data['date']!r}")
    meta["tags"] = _tags(path, data.get("tags"))
    if isinstance(data.get("lexicon"), dict):
        try:
            meta["lexicon"] = lexicon_from_mapping(data["lexicon"], "front matter")
        except AudiobookError as exc:
            raise InputError(path, str(exc)) from None
    elif data.get("lexicon") is not None:
        raise InputError(path, "front matter 'lexicon' must map words to what to say")
    return meta, text[match.end() :]


def _tags(path: Path, value: object) -> tuple[str, ...]:
    """``tags:`` as a list, or as one string of comma-separated tags."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(t, (str, int, float)) for t in value):
        raise InputError(path, "front matter 'tags' must be a list of words, or words separated by commas")
    return tuple(text for t in value if (text := " ".join(str(t).split())))


def _blocks(node: SyntaxTreeNode) -> list[Block]:
    kind = node.type
    if kind == "paragraph":
        text = _inline_text(node)
        if _FOOTNOTE_DEFINITION.match(text) or is_page_junk(text):
            return []  # "[^1]: …" footnote texts are dropped, like their markers; and "5 min read"
        if not text:
            alts = [i.attrGet("alt") or _inline(i) for i in _images(node)]
            return [Block("image", text=" ".join(a for a in alts if a))] if any(alts) else []
        return [Block("paragraph", text=text)]
    if kind == "heading":
        return [Block("heading", text=_inline_text(node))]
    if kind in ("bullet_list", "ordered_list"):
        items = tuple(" ".join(_plain(child) for child in item.children) for item in node.children)
        return [Block("list", items=tuple(i for i in items if i), ordered=kind == "ordered_list")]
    if kind == "blockquote":
        text = " ".join(_plain(child) for child in node.children)
        return [Block("quote", text=text)] if text else []
    if kind in ("fence", "code_block"):
        return [Block("code", text=node.content)]
    if kind == "table":
        return [Block("table", items=tuple(_table_rows(node)))]
    return []  # hr, html_block: nothing to read


_FOOTNOTE_DEFINITION = re.compile(r"^\[\^[^\]]+\]:")


def _images(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    return [n for child in node.children for n in child.walk() if n.type == "image"]


def _reference_blocks(node: SyntaxTreeNode) -> list[Block]:
    """Reference lines as "text URL", URL from the first link (split apart by references_from_blocks)."""
    entries = node.children if node.type in ("bullet_list", "ordered_list") else [node]
    lines = []
    for entry in entries:
        href = next((n.attrGet("href") for n in entry.walk() if n.type == "link"), None)
        text = _plain(entry)
        if text:
            lines.append(f"{text} {href}" if href and href not in text else text)
    return [Block("list", items=tuple(lines))] if lines else []


def _plain(node: SyntaxTreeNode) -> str:
    """All readable text under a block node, flattened (nested lists and quotes included)."""
    if node.type == "inline":
        return _inline(node)
    if node.type in ("fence", "code_block", "html_block", "hr"):
        return ""
    return " ".join(filter(None, (_plain(child) for child in node.children)))


def _inline_text(node: SyntaxTreeNode) -> str:
    return " ".join(_inline(child) for child in node.children if child.type == "inline").strip()


def _inline(node: SyntaxTreeNode) -> str:
    parts: list[str] = []
    for child in node.children:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "code_inline":
            parts.append(child.content)
        elif child.type in ("image", "html_inline"):
            continue  # alt text is not read; raw HTML is page markup
        else:  # em, strong, s, link: read what they contain
            parts.append(_inline(child))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _table_rows(table: SyntaxTreeNode) -> list[str]:
    rows = []
    for part in table.children:  # thead, tbody
        for row in part.children:
            rows.append(" | ".join(_plain(cell) for cell in row.children))
    return rows


# A line of Markdown source as plain text (the quiz reader's input): quote and heading marks,
# links, code and emphasis removed; list marks kept. An option written wholly in bold
# ("- **Paris**", "b) **Paris**") is the page marking the right one.
_LINE_PREFIX = re.compile(r"^\s*(?:>\s?)*(?:#{1,6}\s+)?")
_BOLD_OPTION = re.compile(r"^((?:[-*+]\s+)?(?:\(?[A-Za-z][.):]\)?\s+)?)(\*\*|__)(?=\S)(.+)(?<=\S)\2\s*$")
_OPTION_START = re.compile(r"^(?:[-*+]\s+|\(?[A-Za-z][.):]\)?\s)")
_LINE_MARKUP = (
    (re.compile(r"!\[[^\[\]]*\]\([^()]*\)"), ""),
    (re.compile(r"\[([^\[\]]*)\]\([^()]*\)"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"\*\*(?=[^\s*])([^*]+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"__(?=[^\s_])([^_]+?)(?<=\S)__"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])([^*]+?)(?<=\S)\*(?!\*)"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)([^_]+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"</?[a-zA-Z][^<>]{0,200}>"), ""),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),
)


def _plain_line(line: str) -> str:
    text = _LINE_PREFIX.sub("", line).rstrip()
    bold = _BOLD_OPTION.match(text)
    marked = bool(bold and (bold.group(1) or _OPTION_START.match(bold.group(3))))
    for pattern, replacement in _LINE_MARKUP:
        text = pattern.sub(replacement, text)
    return f"{text} ✓" if marked else text
