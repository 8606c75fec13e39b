"""Editions in the archive (issue 18): tags from every kind of article, the index's list of
editions, and an edition made again under a new title replacing its old files.

Real speech (espeak) for a small archive of a Markdown, an HTML and a plain-text article.
"""

from __future__ import annotations

import json
import shutil

import lxml.html
import pytest

from audiobook.edition import build_edition
from audiobook.parse import read_article
from audiobook.parse.common import MAX_TAGS

HTML = """<!doctype html><html lang="en"><head><title>Tides of the Bay</title>
<meta name="keywords" content="Sea, tides ,  Night  walks">
<meta property="article:tag" content="Harbour">
<meta property="article:published_time" content="2026-03-04">
</head><body><article><h1>Tides of the Bay</h1>
<p>The tide goes out twice a day and leaves the mud flats shining in the sun.</p>
<p>Walkers cross to the island at low water, and return before it turns.</p>
</article></body></html>
"""
TEXT = """Gulls Over the Pier

By Ian Reed

Gulls gather over the pier every morning when the boats come in.

They wait for scraps, and they are rarely disappointed.

Tags: Sea, birds
"""
MARKDOWN = """---
title: The Town Hall Clock
date: 2026-03-01
tags: [town]
---
The town hall clock was wound by hand for a hundred years. Now a motor does it.
"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("edition-archive")
    articles = root / "articles"
    articles.mkdir()
    (articles / "audiobook.toml").write_text('publication = "Bay News"\n', encoding="utf-8")
    (articles / "tides.html").write_text(HTML, encoding="utf-8")
    (articles / "gulls.txt").write_text(TEXT, encoding="utf-8")
    (articles / "clock.md").write_text(MARKDOWN, encoding="utf-8")
    return root


def test_html_keywords_and_article_tags_and_a_text_tags_line_are_the_articles_tags(archive):
    html = read_article(archive / "articles" / "tides.html")
    assert html.tags == ("Sea", "tides", "Night walks", "Harbour")
    text = read_article(archive / "articles" / "gulls.txt")
    assert text.tags == ("Sea", "birds")
    spoken = " ".join(b.text for b in text.intro) + " ".join(b.text for s in text.sections for b in s.blocks)
    assert "Tags" not in spoken and "birds" not in spoken  # page furniture: never read out
    assert read_article(archive / "articles" / "clock.md").tags == ("town",)


@pytest.mark.parametrize(
    "line", ["Tags: sea; birds", "Topics: Sea | Birds", "Filed under: #sea #birds", "tagged with: sea, birds, SEA"]
)
def test_a_texts_tags_line_in_the_usual_shapes(tmp_path, line):
    (tmp_path / "a.txt").write_text(TEXT.replace("Tags: Sea, birds", line), encoding="utf-8")
    assert [t.casefold() for t in read_article(tmp_path / "a.txt").tags] == ["sea", "birds"]


def test_a_pages_keyword_list_is_bounded_and_repeats_dropped(tmp_path):
    many = ", ".join(f"tag{n}" for n in range(500))
    page = HTML.replace("Sea, tides ,  Night  walks", f"sea, SEA, {many}")
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    tags = read_article(tmp_path / "a.html").tags
    assert len(tags) == MAX_TAGS and tags[:2] == ("sea", "tag0")


def test_tag_selection_takes_html_and_text_articles(archive):
    report = build_edition(
        archive / "articles", archive / "out", title="Sea Stories", tag="sea", cache_dir=archive / "cache"
    )
    assert set(report.articles) == {"tides.html", "gulls.txt"}
    harbour = build_edition(
        archive / "articles", archive / "out", title="Harbour", tag="HARBOUR", cache_dir=archive / "cache"
    )
    assert harbour.articles == ("tides.html",)


def test_the_index_lists_the_editions_linking_their_player_pages(archive):
    out = archive / "out"
    build_edition(archive / "articles", out, title="Everything", cache_dir=archive / "cache")
    index = lxml.html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    links = {a.text_content(): a.get("href") for a in index.xpath("//ul[contains(@class, 'editions')]//a")}
    assert links["Everything"] == "everything.edition.html"
    assert all((out / href).is_file() for href in links.values())
    articles = [a.text_content() for a in index.xpath("//ol[@class='episodes']//a")]
    assert "Everything" not in articles and len(articles) == 3  # editions are not in the articles' queue


def test_the_index_built_again_keeps_the_editions_list(archive):
    from audiobook.build import build_archive

    out = archive / "out"
    build_edition(archive / "articles", out, title="Everything", cache_dir=archive / "cache")
    (archive / "articles" / "clock.md").write_text(MARKDOWN + "\nIt chimes at noon.\n", encoding="utf-8")
    build_archive(archive / "articles", out, cache_dir=archive / "cache")
    index = lxml.html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    assert "Everything" in [a.text_content() for a in index.xpath("//ul[contains(@class, 'editions')]//a")]


def test_an_edition_made_again_under_a_new_title_removes_its_old_files_and_no_other(archive, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(archive / "out", out)
    articles, cache = archive / "articles", archive / "cache"
    first = build_edition(articles, out, title="Week Ten", tag="sea", formats=("mp3", "m4b"), cache_dir=cache)
    other = build_edition(articles, out, title="Town Only", tag="town", cache_dir=cache)
    stranger = out / "week-ten.edition.notes.txt"  # not in the manifest: never the edition's to remove
    stranger.write_text("mine", encoding="utf-8")
    old_files = [out / name for name in first.outputs.values()] + [out / "week-ten.edition.json"]
    assert all(path.is_file() for path in old_files)

    renamed = build_edition(articles, out, title="Week Ten, corrected", tag="sea", cache_dir=cache)
    assert renamed.status == "built" and renamed.slug == "week-ten-corrected"
    assert not any(path.exists() for path in old_files)
    assert all((out / name).is_file() for name in renamed.outputs.values())
    assert all((out / name).is_file() for name in other.outputs.values())  # another choice of articles
    assert stranger.read_text(encoding="utf-8") == "mine"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Week Ten, corrected" in index and "week-ten.edition.html" not in index
    manifests = sorted(p.name for p in out.glob("*.edition.json"))
    assert "week-ten.edition.json" not in manifests and "week-ten-corrected.edition.json" in manifests
    assert json.loads((out / "week-ten-corrected.edition.json").read_text())["choice"]
