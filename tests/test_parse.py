from __future__ import annotations

import datetime as dt

import pytest
from conftest import ARTICLES

from audiobook import InputError, read_article
from audiobook.parse import parse_article


def test_seed_structure(seed):
    article = read_article(seed.path)
    assert article.kind == "text"
    assert article.title == seed.chapters[0]
    assert article.summary.startswith(seed.summary_start)
    assert [s.heading for s in article.sections] == seed.chapters[1:5]
    assert article.intro[0].kind == "image" and article.intro[0].text.startswith(seed.image_start)
    assert article.intro[1].text.startswith(seed.prose_start)
    assert len(article.references) == seed.references
    assert article.references[8].text == seed.reference_9
    assert article.quiz is not None and article.quiz.heading == "Test Your Understanding"
    assert [len(q.options) for q in article.quiz.questions] == [3, 3, 3]
    assert article.quiz.questions[1].options[2] == seed.question_2_option_c
    body = " ".join(b.text for s in article.sections for b in s.blocks)
    assert seed.image_start not in " ".join(b.text for b in article.intro if b.kind != "image")
    assert "0:00" not in body and seed.residue not in body


def test_plaintext_player_residue_and_image_line_are_dropped(tmp_path):
    text = (
        "Night Owls\n\nA photo of a city at night.\n\nShort opening paragraph that is prose.\n\n"
        "Why now?\n\nBecause the evening is long and the lights are bright enough to read by.\n"
        "Night Ow...\n0:00"
    )
    article = parse_article(tmp_path / "a.txt", text)
    assert article.title == "Night Owls"
    assert [(b.kind, b.text) for b in article.intro] == [
        ("image", "A photo of a city at night."),
        ("paragraph", "Short opening paragraph that is prose."),
    ]
    assert [s.heading for s in article.sections] == ["Why now?"]
    assert article.sections[0].blocks[-1].text.endswith("read by.")


def test_markdown_front_matter_and_structure():
    article = read_article(ARTICLES / "community-gardens.md")
    assert article.kind == "markdown"
    assert article.author and article.summary and article.url.startswith("https://")
    assert isinstance(article.date, dt.date)
    assert article.slug == "community-gardens-take-root"
    assert len(article.sections) >= 4
    kinds = {b.kind for s in article.sections for b in s.blocks}
    assert {"paragraph", "list", "quote"} <= kinds
    text = " ".join(b.text + " ".join(b.items) for s in article.sections for b in s.blocks)
    assert "**" not in text and "](" not in text


def test_markdown_without_front_matter_takes_h1_as_title():
    article = read_article(ARTICLES / "learning-to-sleep.md")
    assert article.title.startswith("Learning to Sleep Again")
    assert article.title not in [s.heading for s in article.sections]
    assert len(article.sections) == 3


def test_html_page_keeps_the_article_and_drops_the_page():
    article = read_article(ARTICLES / "night-trains.html")
    assert article.kind == "html"
    assert article.title == "All Aboard After Dark: Night Trains Are Back in Europe"
    assert article.author and article.date and article.language.startswith("en") and article.summary
    assert len(article.sections) == 4
    text = " ".join(b.text + " ".join(b.items) for s in article.sections for b in s.blocks)
    text += " ".join(b.text for b in article.intro)
    for junk in ("Subscribe", "We use cookies", "Advertisement", "Related stories", "Share this", "0:00", "var ", "{"):
        assert junk not in text, junk


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t \n", "whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00", "binary"),
        ("T\u00eate-\u00e0-t\u00eate\n\n\u00c0 \u00e9t\u00e9.".encode("latin-1"), "UTF-8"),
        (b"---\ntitle: [unclosed\n---\nBody text here.", "YAML"),
        (b"---\ntitle: A title\ndate: not-a-date\n---\nBody.", "date"),
    ],
)
def test_bad_input_raises_input_error_naming_the_file(tmp_path, content, reason):
    path = tmp_path / ("bad.md" if content.startswith(b"---") else "bad.txt")
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        read_article(path)
    message = str(error.value)
    assert str(path) in message and reason in message and "\n" not in message


def test_missing_file_and_folder_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_article(tmp_path / "missing.md")
    with pytest.raises(InputError, match="folder"):
        read_article(tmp_path)
