"""Issue 13, items 9, 15, 16 and 17: article files are refused by size before the expensive parse,
XHTML pages are read, no nesting makes words disappear, and a file without a title line still
becomes audio."""

from __future__ import annotations

import os
import re
import threading
import time

import pytest

from audiobook import InputError, build_script, read_article
from audiobook.parse import MAX_BYTES, parse_article
from audiobook.parse.common import MAX_FRONT_MATTER, MAX_WORDS

PROSE = "This is an ordinary paragraph with enough words to be spoken aloud. It has two sentences.\n"


def spoken_words(article) -> set[str]:
    script = build_script(article)
    text = " ".join([script.title, *(u.caption for u in script.utterances)])
    return set(re.findall(r"\w+", text.lower()))


# Item 9: sizes are checked before the expensive parse.


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    page = tmp_path / "huge.html"
    with page.open("wb") as file:
        file.truncate(49_000_000)  # sparse: refused from its size, never read
    with pytest.raises(InputError, match=r"huge\.html: is too large \(49\.0 MB; the limit is 25 MB for an HTML page\)"):
        read_article(page)


def test_a_page_over_the_word_limit_is_refused_before_extraction(tmp_path, monkeypatch):
    import trafilatura

    def extraction_must_not_run(*args, **kwargs):
        raise AssertionError("the page was handed to trafilatura")

    monkeypatch.setattr(trafilatura, "bare_extraction", extraction_must_not_run)
    page = tmp_path / "words.html"  # 0.6 MB of paragraphs: ~10 s in trafilatura before it was refused
    paragraphs = ("<p>" + "word " * 100 + "</p>\n") * 1100
    page.write_text(f"<html><head><title>T</title></head><body>{paragraphs}</body></html>")
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"is too long for one audio edition \(110,00\d words"):
        read_article(page)
    assert time.perf_counter() - started < 10  # generous: ~0.5 s measured


def test_markup_over_the_tag_limit_is_refused_before_lxml_builds_it(tmp_path):
    page = tmp_path / "bold.html"  # 0.7 MB, 60,000 words; 1.3 MB of this took 92 s to be refused
    page.write_text("<html><head><title>T</title></head><body><p>" + "<b>word</b> " * 60_000 + "</p></body></html>")
    with pytest.raises(
        InputError, match=r"has too much markup for one article \(120,0\d\d tags; the limit is 100,000\)"
    ):
        read_article(page)


def test_front_matter_over_its_limit_is_refused_before_yaml_reads_it(tmp_path, monkeypatch):
    import yaml

    def yaml_must_not_run(*args, **kwargs):
        raise AssertionError("the front matter was handed to YAML")

    monkeypatch.setattr(yaml, "safe_load", yaml_must_not_run)
    lexicon = "".join(f"  w{i}: word\n" for i in range(40_000))  # 0.5 MB, 80,000 words: ~5 s in YAML
    article = tmp_path / "meta.md"
    article.write_text(f"---\ntitle: Big\nlexicon:\n{lexicon}---\n\n{PROSE}")
    with pytest.raises(InputError, match=r"front matter is too large \(\d{3} KB; the limit is 100 KB\)"):
        read_article(article)


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)

    def unblock() -> None:  # before the fix, read_article waited here forever
        time.sleep(5)
        with open(fifo, "wb"):
            pass

    threading.Thread(target=unblock, daemon=True).start()
    with pytest.raises(InputError, match="is not a regular file"):
        read_article(fifo)


def test_a_long_real_article_is_within_every_limit(tmp_path):
    # ~95,000 words of Markdown with front matter, links and a small lexicon: no limit but the word
    # count's is anywhere near, and the size limits sit far above what such an article weighs.
    paragraph = " ".join(["A sentence of nine ordinary words, with [a link](https://example.org/a/b)."] * 10)
    lexicon = "".join(f"  term{i}: said {i}\n" for i in range(300))
    text = f"---\ntitle: Long\nlexicon:\n{lexicon}---\n\n" + "\n\n".join([paragraph] * 1050) + "\n"
    assert len(text.split()) < MAX_WORDS and len(text.encode()) * 10 < MAX_BYTES["markdown"]
    assert len(lexicon) * 4 < MAX_FRONT_MATTER
    article = parse_article(tmp_path / "long.md", text)
    assert len(article.intro) == 1050


# Item 15: XHTML.

XHTML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n'
    "<head><title>Declared pages</title></head>\n<body><h1>Declared pages</h1>"
    "<p>This page opens with an XML declaration that names its encoding, as XHTML pages do. "
    "Its paragraphs are read aloud like those of any other page.</p></body></html>\n"
)


@pytest.mark.parametrize("name", ["page.xhtml", "page.html", "page.htm", "page.saved"])
def test_an_xhtml_page_with_an_encoding_declaration_is_read(tmp_path, name):
    path = tmp_path / name
    path.write_text(XHTML, encoding="utf-8")
    article = read_article(path)
    assert article.kind == "html" and article.title == "Declared pages"
    assert {"xml", "declaration", "paragraphs", "aloud"} <= spoken_words(article)


# Item 16: nothing silently dropped.


def test_every_word_of_a_300_level_list_and_quote_is_spoken(tmp_path):
    items = "".join("  " * i + f"- level{i}\n" for i in range(300))
    quote = "> " * 300 + "deepquote\n"
    path = tmp_path / "nested.md"
    path.write_text(f"# Deep\n\n{items}\n{quote}\n{PROSE}")
    words = spoken_words(read_article(path))
    assert {f"level{i}" for i in range(300)} <= words
    assert {"deepquote", "ordinary", "sentences"} <= words


@pytest.mark.parametrize("indent", ["    ", "\t", "   "])
def test_deep_lists_indented_any_way_keep_their_words(tmp_path, indent):
    marker = "1." if indent == "   " else "-"
    items = "".join(indent * i + f"{marker} level{i}\n" for i in range(200))
    article = parse_article(tmp_path / "deep.md", f"# Deep\n\n{items}\n{PROSE}")
    assert {f"level{i}" for i in range(200)} | {"sentences"} <= spoken_words(article)


def test_nesting_that_cannot_be_flattened_is_refused_naming_the_line(tmp_path):
    text = f"# Mixed\n\n{PROSE}\n" + "- > " * 300 + "lost\n\n" + PROSE
    with pytest.raises(InputError, match=r"mixed\.md: line 5: lists and quotes nest more than 64 levels"):
        parse_article(tmp_path / "mixed.md", text)
    front = "---\ntitle: Mixed\n---\n"
    with pytest.raises(InputError, match=r"line 8: "):
        parse_article(tmp_path / "mixed.md", front + text)


@pytest.mark.parametrize("wrapper", ["div", "blockquote", "ul><li", "span"])
def test_every_word_of_a_deeply_nested_html_page_is_spoken(tmp_path, wrapper):
    opening = f"<{wrapper}>" * 300
    closing = "".join(f"</{tag}>" for tag in reversed(wrapper.split("><"))) * 300
    body = f"<p>{PROSE}</p>{opening}<p>deepword is read</p><p>another deep paragraph</p>{closing}<p>afterword too</p>"
    page = f"<html><head><title>Deep</title></head><body><article><h1>Deep</h1>{body}</article></body></html>"
    words = spoken_words(parse_article(tmp_path / "deep.html", page))
    assert {"deepword", "another", "afterword", "sentences"} <= words


def test_html_nested_beyond_the_parser_limit_is_refused_naming_the_line(tmp_path):
    page = (
        "<html><head><title>Deep</title></head><body>\n<p>Before.</p>\n" + "<div>" * 5000 + "<p>lost</p></body></html>"
    )
    with pytest.raises(InputError, match=r"deep\.html: cannot be read past line 3 \(Excessive depth"):
        parse_article(tmp_path / "deep.html", page)


# Item 17: no title line.


def test_a_plain_text_paragraph_without_a_title_line_is_titled_by_its_first_sentence(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("The wind rose before dawn over the harbour. Boats strained at their ropes and nobody slept.\n")
    article = read_article(path)
    assert article.title == "The wind rose before dawn over the harbour"
    words = spoken_words(article)
    assert {"wind", "harbour", "boats", "ropes", "nobody", "slept"} <= words
    script = build_script(article)
    assert sum(u.caption.count("harbour") for u in script.utterances) == 1  # spoken once, as the title


def test_a_one_sentence_markdown_paragraph_is_titled_by_its_file_name(tmp_path):
    path = tmp_path / "field_notes-2026.md"
    path.write_text("Only a paragraph, with no heading and no front matter.\n")
    article = read_article(path)
    assert article.title == "Field notes 2026"
    assert {"only", "paragraph", "heading", "front", "matter"} <= spoken_words(article)


def test_a_long_first_sentence_gives_the_file_name_as_title(tmp_path):
    sentence = "This first sentence goes on " + "and on " * 30 + "until it ends."
    article = parse_article(tmp_path / "rambling.txt", f"{sentence} Then another.\n")
    assert article.title == "Rambling"
    assert article.intro[0].text.startswith("This first sentence")


def test_a_title_line_alone_is_still_nothing_to_speak(tmp_path):
    with pytest.raises(InputError, match="no speakable text"):
        parse_article(tmp_path / "t.txt", "Just a title\n")
