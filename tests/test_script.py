from __future__ import annotations

import re

import pytest
from conftest import ARTICLES

from audiobook import build_script, read_article
from audiobook.normalize import clean_caption, speak_english, split_sentences


def seed_text(script) -> str:
    return "\n".join(u.text for u in script.utterances)


def test_seed_chapters_and_nothing_unspoken(seed):
    script = build_script(read_article(seed.path))
    assert [c.title for c in script.chapters] == seed.chapters
    text = seed_text(script)
    assert not re.search(r"\bSource \d", text)
    assert "0:00" not in text and seed.residue not in text
    assert "References" not in text
    for unspoken in seed.unspoken:
        assert unspoken not in text


def test_seed_quiz_reads_options_pause_and_answers(seed):
    script = build_script(read_article(seed.path))
    quiz = script.chapters[-1]
    lines = [u.text for u in quiz.utterances]
    assert lines[0] == "Test Your Understanding"
    assert seed.options_line in lines
    think = [u for u in quiz.utterances if u.text.startswith("Is it:")]
    assert len(think) == 3 and all(u.pause_after_ms == 3000 for u in think)
    answers = [line for line in lines if line.startswith("The answer is")]
    assert [a.split(":")[0] for a in answers] == [f"The answer is {letter}" for letter in seed.answers]


def test_every_sample_article_scripts_cleanly():
    for path in sorted(p for p in ARTICLES.iterdir() if p.suffix in (".md", ".html", ".txt")):
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
        ("It costs $14.50 today.", "It costs 14 dollars fifty today."),
        ("A €310 million fund.", "A three-hundred-and-ten-million-euro fund."),
        ("Tickets cost £4.", "Tickets cost 4 pounds."),
        ("Ages 18–25 only.", "Ages 18 to 25 only."),
        ("It began in 2024.", "It began in twenty twenty-four."),
        ("It opened in 2005.", "It opened in two thousand five."),
        ("On 2026-10-04 we met.", "On October fourth, twenty twenty-six we met."),
        ("About 40% agree.", "About 40 percent agree."),
        ("A 3.2 kW pump at −15 °C.", "A three-point-two-kilowatt pump at minus 15 degrees Celsius."),
        ("Salt & pepper.", "Salt and pepper."),
        ("See https://www.example.org/path?x=1 now.", "See example dot org now."),
        ("Mail hello@example.org today.", "Mail hello at example dot org today."),
        ("AI—which is everywhere—grows.", "AI, which is everywhere, grows."),
        ("Less CO₂ now.", "Less C O 2 now."),
        ("Party 🎉 time.", "Party time."),
        # citations and footnotes
        ("Proven [12, 13] twice.", "Proven twice."),
        ("Proven [4–6] twice.", "Proven twice."),
        ("It grew fast. Sources 3 and 5", "It grew fast."),
        ("The Source 2 code is open.", "The Source 2 code is open."),
        # currency and amounts
        ("A USD 5bn deal.", "A five-billion-dollar deal."),
        ("A €2.5bn plan.", "A two-point-five-billion-euro plan."),
        ("It costs $1.", "It costs 1 dollar."),
        ("It costs $3.00.", "It costs 3 dollars."),
        ("Fees run €29–€59.", "Fees run 29 to 59 euros."),
        ("Fees run $10-15.", "Fees run 10 to 15 dollars."),
        ("Only ¥500.", "Only 500 yen."),
        ("A $40k salary.", "A forty-thousand-dollar salary."),
        ("GBP 12 each.", "12 pounds each."),
        # numbers
        ("About 25,000 accounts.", "About 25,000 accounts."),
        ("It rose 28.8 million times.", "It rose 28.8 million times."),
        ("Some 2,024 people came.", "Some 2,024 people came."),
        ("It was the 14th time.", "It was the 14th time."),
        ("In the 1990s.", "In the nineteen-nineties."),
        ("Since 1984 it grew.", "Since nineteen eighty-four it grew."),
        ("By 2050 we will know.", "By twenty fifty we will know."),
        ("Until 1900 nothing.", "Until nineteen hundred nothing."),
        ("From 1905 on.", "From nineteen oh five on."),
        ("Pages 10-20.", "Pages 10 to 20."),
        ("A 3–1 win.", "A 3 to 1 win."),
        ("Half is 1/2.", "Half is one half."),
        ("Three quarters: 3/4.", "Three quarters: three quarters."),
        ("Ratio 5/8.", "Ratio 5 over 8."),
        ("Up +5% today.", "Up plus 5 percent today."),
        ("A margin ± 2 points.", "A margin plus or minus 2 points."),
        ("Rates fell to -0.5 percent.", "Rates fell to minus 0.5 percent."),
        ("It is 12.5% higher.", "It is 12.5 percent higher."),
        # dates and times
        ("Due 2025-01-31.", "Due January thirty-first, twenty twenty-five."),
        ("On March 12, 2026 it opened.", "On March twelfth, twenty twenty-six it opened."),
        ("On 12 March 2026 it opened.", "On the twelfth of March twenty twenty-six it opened."),
        ("On 12 March it opened.", "On the twelfth of March it opened."),
        ("Meet at 3:30 p.m. sharp.", "Meet at three thirty p.m. sharp."),
        ("Trains leave at 07:30.", "Trains leave at seven thirty."),
        ("Doors open at 10:00.", "Doors open at ten o'clock."),
        ("At 9:05 am.", "At nine oh five a.m."),
        ("Shops close at 19:45.", "Shops close at nineteen forty-five."),
        # units and symbols
        ("A 10 km walk.", "A ten-kilometre walk."),
        ("It weighs 4 kg.", "It weighs 4 kilograms."),
        ("A 50 MW plant.", "A fifty-megawatt plant."),
        ("Uses 300 kWh a year.", "Uses 300 kilowatt hours a year."),
        ("Stores 2 MWh.", "Stores 2 megawatt hours."),
        ("A 100 m sprint.", "A one-hundred-metre sprint."),
        ("At 21°C inside.", "At 21 degrees Celsius inside."),
        ("Drive at 50 km/h.", "Drive at 50 kilometres per hour."),
        ("A 2 × 3 grid.", "A 2 by 3 grid."),
        ("Input → output.", "Input to output."),
        ("Cut CO2 fast.", "Cut C O 2 fast."),
        ("R&D matters.", "R and D matters."),
        ("If x = 2 then.", "If x equals 2 then."),
        ("See § 4.", "See section 4."),
        # abbreviations and acronyms
        ("Us vs. them.", "Us versus them."),
        ("Fruit, e.g. apples.", "Fruit, for example, apples."),
        ("The rivals, i.e. the others.", "The rivals, that is, the others."),
        ("It was No. 5 in line.", "It was number 5 in line."),
        ("Ranked #1 again.", "Ranked number 1 again."),
        ("Read the FAQ first.", "Read the F A Q first."),
        ("She has a Ph.D. in law.", "She has a P H D in law."),
        ("They met at St. Pancras.", "They met at Saint Pancras."),
        ("NASA and NATO agree.", "NASA and NATO agree."),
        # URLs, e-mail
        ("Visit example.org/news today.", "Visit example.org/news today."),
        ("Go to http://news.example.co.uk/a.", "Go to news dot example dot co dot uk."),
        ("See https://example.org.", "See example dot org."),
        ("Write to press@news.example.com.", "Write to press at news dot example dot com."),
        # markup remnants
        ("This is **very** good.", "This is very good."),
        ("This is *quite* good.", "This is quite good."),
        ("Read [the report](https://example.org/r) now.", "Read the report now."),
        ("Run `make test` first.", "Run make test first."),
        ("Look ![a chart](c.png) here.", "Look here."),
        ("Tom &amp; Jerry &mdash; again.", "Tom and Jerry, again."),
        ("A <b>bold</b> move.", "A bold move."),
        ("A | B | C", "A B C"),
        # quotes, dashes, emoji, scripts
        ("He said “yes” and ‘no’.", "He said \"yes\" and 'no'."),
        ("Wait… what?", "Wait... what?"),
        ("Rain – then sun.", "Rain, then sun."),
        ("Great 👍 work ✨ here.", "Great work here."),
        ("Tokyo (東京) is big.", "Tokyo is big."),
        ("Привет means hello.", "Privet means hello."),
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
