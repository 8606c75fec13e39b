from __future__ import annotations

import re

import pytest
from conftest import ARTICLES, SEED_CHAPTERS

from audiobook import build_script, read_article
from audiobook.normalize import clean_caption, speak_english, split_sentences


def seed_text(script) -> str:
    return "\n".join(u.text for u in script.utterances)


def test_seed_chapters_and_nothing_unspoken(seed_path):
    script = build_script(read_article(seed_path))
    assert [c.title for c in script.chapters] == SEED_CHAPTERS
    text = seed_text(script)
    assert not re.search(r"\bSource \d", text)
    assert "abstract image" not in text
    assert "0:00" not in text and "Massi..." not in text
    assert "References" not in text and "Alibaba Illicit AI Model Extraction" not in text


def test_seed_quiz_reads_options_pause_and_answers(seed_path):
    script = build_script(read_article(seed_path))
    quiz = script.chapters[-1]
    lines = [u.text for u in quiz.utterances]
    assert lines[0] == "Test Your Understanding"
    assert "Is it: A, About 250; B, About 2,500; or C, About 25,000?" in lines
    think = [u for u in quiz.utterances if u.text.startswith("Is it:")]
    assert all(u.pause_after_ms == 3000 for u in think)
    answers = [line for line in lines if line.startswith("The answer is")]
    assert [a.split(":")[0] for a in answers] == ["The answer is B", "The answer is C", "The answer is B"]


def test_every_sample_article_scripts_cleanly():
    for path in sorted(ARTICLES.iterdir()):
        script = build_script(read_article(path))
        text = seed_text(script)
        assert len(script.chapters) >= 4, path
        assert not re.search(r"\bSource \d|\*\*|\]\(|https?://|<[a-z]", text), path


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It failed. Source 8", "It failed."),
        ("It failed. Source 8, Source 13", "It failed."),
        ("Proven [3] twice.", "Proven twice."),
        ("A note[^1] here.", "A note here."),
        ("It costs $14.50 today.", "It costs 14 dollars 50 cents today."),
        ("A €310 million fund.", "A 310 million euros fund."),
        ("Tickets cost £4.", "Tickets cost 4 pounds."),
        ("Ages 18–25 only.", "Ages 18 to 25 only."),
        ("It began in 2024.", "It began in twenty twenty-four."),
        ("It opened in 2005.", "It opened in two thousand five."),
        ("On 2026-10-04 we met.", "On October 4, twenty twenty-six we met."),
        ("About 40% agree.", "About 40 percent agree."),
        ("A 3.2 kW pump at −15 °C.", "A 3.2 kilowatts pump at minus 15 degrees Celsius."),
        ("Salt & pepper.", "Salt and pepper."),
        ("See https://www.example.org/path?x=1 now.", "See example dot org now."),
        ("Mail hello@example.org today.", "Mail hello at example dot org today."),
        ("AI—which is everywhere—grows.", "AI, which is everywhere, grows."),
        ("Less CO₂ now.", "Less C O 2 now."),
        ("Party 🎉 time.", "Party time."),
    ],
)
def test_normalization(written, spoken):
    assert speak_english(clean_caption(written)) == spoken


def test_sentence_split_keeps_abbreviations_and_bounds_length():
    assert split_sentences("Dr. Smith met Mr. J. Doe. Then they left!") == [
        "Dr. Smith met Mr. J. Doe.",
        "Then they left!",
    ]
    pieces = split_sentences("word " * 2000)
    assert all(len(p) <= 300 for p in pieces) and len(pieces) > 30
