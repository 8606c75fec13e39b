"""An article's structure as a listener hears it: quizzes in the notations pages use, plain-text
headings (and the short lines that are not headings), an HTML summary box, page furniture, and
list items written as one sentence. Each case is parsed from a file written here and read through
the real script stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiobook.model import Article
from audiobook.parse import read_article
from audiobook.script import build_script

PROSE = "The city will bring back its night buses in May, the transport office said on Tuesday."


def _article(tmp_path: Path, name: str, text: str) -> Article:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_article(path)


def _spoken(article: Article) -> list[str]:
    return [u.text for u in build_script(article).utterances]


def _quiz_article(tmp_path: Path, kind: str, body: str, heading: str = "Quiz") -> Article:
    if kind == "txt":
        text = f"Night Buses Return\n\n{PROSE}\n\n{heading}\n{body}\n"
    elif kind == "md":
        text = f"# Night Buses Return\n\n{PROSE}\n\n## {heading}\n\n{body}\n"
    else:
        text = f"<html><body><article><h1>Night Buses Return</h1><p>{PROSE}</p><h2>{heading}</h2>{body}"
        text += "</article></body></html>"
    return _article(tmp_path, f"quiz.{kind}", text)


# (format, quiz body as written, [(prompt, options, answer index or None)])
QUIZ_FORMS = [
    (
        "txt",
        "1. How many routes will run?\na) Two\nb) Four\nc) Six\nAnswer: b)",
        [("How many routes will run?", ("Two", "Four", "Six"), 1)],
    ),
    (
        "txt",
        "Q1 How many routes will run?\n(a) Two\n(b) Four\n(c) Six\nCorrect answer: B",
        [("How many routes will run?", ("Two", "Four", "Six"), 1)],
    ),
    (
        "txt",
        "Q1. Who pays?\nA. The state\nB. A parking levy\nC. Fares\n(Answer: c)",
        [("Who pays?", ("The state", "A parking levy", "Fares"), 2)],
    ),
    (
        "txt",
        "Question 1: Who pays?\n- A) The state\n- B) A parking levy\n- C) Fares\nAnswer: B",
        [("Who pays?", ("The state", "A parking levy", "Fares"), 1)],
    ),
    (
        "txt",
        "1. Who pays?\nA: The state\nB: A parking levy\nAnswer: A parking levy",
        [("Who pays?", ("The state", "A parking levy"), 1)],
    ),
    (
        "txt",
        "1. Which runs all night? a) The tram b) The night bus c) The ferry\nAnswer: b",
        [("Which runs all night?", ("The tram", "The night bus", "The ferry"), 1)],
    ),
    (
        "txt",
        "1. The buses run every hour.\nAnswer: False\n2. True or false: the levy pays for them.\nAnswer: True",
        [
            ("The buses run every hour.", ("True", "False"), 1),
            ("True or false: the levy pays for them.", ("True", "False"), 0),
        ],
    ),
    (
        "txt",
        "1. Who pays?\na) The state\nb) A parking levy\n2. How many routes?\na) Two\nb) Four\n\nAnswers: 1-b, 2-a",
        [("Who pays?", ("The state", "A parking levy"), 1), ("How many routes?", ("Two", "Four"), 0)],
    ),
    (
        "txt",
        "Q1. Who pays?\n  • The state\n  • A parking levy (correct)\n  • Fares",
        [("Who pays?", ("The state", "A parking levy", "Fares"), 1)],
    ),
    (
        "txt",
        "Q1. Who pays?\n  • The state\n  • A parking levy\n  • Fares",
        [("Who pays?", ("The state", "A parking levy", "Fares"), None)],
    ),
    (
        "md",
        "**1.** How many routes will run?\n\na) Two\nb) Four\nc) Six\n\n**Answer:** b)",
        [("How many routes will run?", ("Two", "Four", "Six"), 1)],
    ),
    (
        "md",
        "1. Who pays?\n   - The state\n   - **A parking levy**\n   - Fares\n"
        "2. How many routes?\n   a) Two\n   b) Four\n\n   *Answer: a*",
        [("Who pays?", ("The state", "A parking levy", "Fares"), 1), ("How many routes?", ("Two", "Four"), 0)],
    ),
    (
        "md",
        "### Question 1\n\nTrue or false: the buses run every hour.\n\n**Answer:** False",
        [("True or false: the buses run every hour.", ("True", "False"), 1)],
    ),
    (
        "md",
        "Q1. Who pays?\n\n- [ ] The state\n- [x] A parking levy\n\n## Answers\n\n1-b",
        [("Who pays?", ("The state", "A parking levy"), 1)],
    ),
    (
        "html",
        "<ol><li>How many routes will run?<ol type='a'><li>Two</li><li>Four</li><li>Six</li></ol>"
        "<p>Answer: b)</p></li><li>True or false: the buses run every hour.</li></ol><p>Answers: 2-false</p>",
        [
            ("How many routes will run?", ("Two", "Four", "Six"), 1),
            ("True or false: the buses run every hour.", ("True", "False"), 1),
        ],
    ),
    (
        "html",
        "<p>Q1. Who pays?<br>a) The state<br>b) A parking levy<br>Correct answer: B</p>",
        [("Who pays?", ("The state", "A parking levy"), 1)],
    ),
    (
        "html",
        "<p><strong>1.</strong> Who pays?</p><ul><li>(a) The state</li><li>(b) A parking levy</li></ul>"
        "<p><strong>Answer:</strong> (a)</p>",
        [("Who pays?", ("The state", "A parking levy"), 0)],
    ),
    (
        "html",
        "<div><p>1. Who pays?</p><ul><li>The state</li><li class='correct'>A parking levy</li></ul></div>"
        "<div><p>2. When do they start?</p><ol type='A'><li>April</li><li>May</li></ol>"
        "<details><summary>Show answer</summary><p>B) May</p></details></div>"
        "<div><p>3. How many routes?</p><ul><li data-correct='false'>Two</li>"
        "<li data-correct='true'>Four</li></ul></div>",
        [
            ("Who pays?", ("The state", "A parking levy"), 1),
            ("When do they start?", ("April", "May"), 1),
            ("How many routes?", ("Two", "Four"), 1),
        ],
    ),
    (
        "txt",
        "Ready to test yourself?\n1. Who pays?\n1. The state\n2. A parking levy\nAnswer: 2\n2. How many routes?",
        [("Who pays?", ("The state", "A parking levy"), 1), ("How many routes?", (), None)],
    ),
]


@pytest.mark.parametrize(("kind", "body", "expected"), QUIZ_FORMS)
def test_quiz_notations_are_read_into_questions_options_and_answers(tmp_path, kind, body, expected):
    quiz = _quiz_article(tmp_path, kind, body).quiz
    assert quiz is not None
    assert [(q.prompt, q.options, q.answer) for q in quiz.questions] == expected


@pytest.mark.parametrize(
    "heading", ["Test Your Understanding", "Quiz", "Check your knowledge", "Self-test", "Quick quiz", "Test yourself"]
)
@pytest.mark.parametrize("kind", ["txt", "md", "html"])
def test_quiz_headings_in_every_format(tmp_path, kind, heading):
    body = {
        "txt": "1. Who pays?\na) The state\nb) A parking levy\nAnswer: b",
        "md": "1. Who pays?\n\n   a) The state\n   b) A parking levy\n\n   Answer: b",
        "html": "<p>1. Who pays?<br>a) The state<br>b) A parking levy<br>Answer: b</p>",
    }[kind]
    article = _quiz_article(tmp_path, kind, body, heading)
    assert article.quiz is not None and article.quiz.heading == heading
    assert [s.heading for s in article.sections] == []
    assert article.quiz.questions[0].answer == 1


def test_quiz_is_read_as_question_options_pause_then_the_answer(tmp_path):
    body = "1. Who pays?\na) The state\nb) A parking levy\nc) Fares\nAnswer: b)\n"
    body += "2. The buses run every hour.\nAnswer: False"
    script = build_script(_quiz_article(tmp_path, "txt", body))
    quiz = script.chapters[-1]
    lines = [u.text for u in quiz.utterances]
    assert lines == [
        "Quiz",
        "Question 1. Who pays?",
        "Is it: A, The state; B, A parking levy; or C, Fares?",
        "The answer is B: A parking levy.",
        "Question 2. The buses run every hour.",
        "True or false?",
        "The answer is false.",
    ]
    think = {u.text: u.pause_after_ms for u in quiz.utterances}
    assert think["Is it: A, The state; B, A parking levy; or C, Fares?"] == think["True or false?"] >= 2000
    assert not any(text.lower().startswith(("a)", "b)", "a ", "b ")) for text in lines)


def test_a_question_the_page_leaves_unanswered_gets_no_answer(tmp_path):
    body = "1. Who pays?\na) The state\nb) A parking levy\n2. True or false: the buses run every hour."
    lines = _spoken(_quiz_article(tmp_path, "txt", body))
    assert not any("answer is" in line for line in lines)
    assert "Question 2. True or false: the buses run every hour." in lines


def test_an_answer_is_worked_out_from_the_explanation_only_when_it_is_clear(tmp_path):
    clear = "Q1. Who pays?\n  • The state\n  • A parking levy\n  • Fares\nThe new parking levy pays for every route."
    negative = (
        "Q1. Who does NOT pay?\n  • The state\n  • A parking levy\n  • Fares\nThe parking levy pays for the routes."
    )
    vague = "Q1. Who pays?\n  • The state\n  • A parking levy\n  • Fares\nThe council debated it for a year."
    assert "The answer is B: A parking levy." in _spoken(_quiz_article(tmp_path, "txt", clear))
    for body in (negative, vague):
        lines = _spoken(_quiz_article(tmp_path, "txt", body))
        assert not any("answer is" in line for line in lines) and lines[-1].startswith("The ")


def test_an_open_question_reads_the_answer_the_page_gives(tmp_path):
    lines = _spoken(_quiz_article(tmp_path, "txt", "Q1. Which office runs the buses?\nAnswer: The transport office"))
    assert lines[-2:] == ["Question 1. Which office runs the buses?", "The answer is: The transport office."]


# Sections that hold numbered or lettered lines but are not quizzes.
NOT_QUIZZES = [
    ("txt", "How to ride\n1. Buy a ticket.\n2. Wait at the stop.\n3. Board at the front."),
    ("md", "## How to ride\n\n1. Buy a ticket.\n2. Wait at the stop.\n3. Board at the front."),
    ("html", "<h2>How to ride</h2><ol><li>Buy a ticket.</li><li>Wait at the stop.</li>"
     "<li>Board at the front.</li></ol>"),
    ("md", "## Which pass suits you?\n\nIt depends on how often you ride.\n\na) Daily riders save with a month pass.\n"
     "b) Occasional riders pay per trip."),
    ("md", "## Questions and answers\n\nQ: When do the buses start?\n\nA: In May, on four routes."),
    ("md", "## Getting a pass\n\nHow do I apply?\n\n1. Fill in the form.\n2. Send it to the office.\n\n"
     "Where do I collect it?\n\n1. At the station desk.\n2. At the town hall."),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "section"), NOT_QUIZZES)
def test_numbered_and_lettered_lines_outside_a_quiz_stay_prose(tmp_path, kind, section):
    if kind == "txt":
        text = f"Night Buses Return\n\n{PROSE}\n\n{section}\n"
    elif kind == "md":
        text = f"# Night Buses Return\n\n{PROSE}\n\n{section}\n"
    else:
        text = f"<html><body><article><h1>Night Buses Return</h1><p>{PROSE}</p>{section}</article></body></html>"
    article = _article(tmp_path, f"guide.{kind}", text)
    assert article.quiz is None
    assert len(article.sections) == 1
    spoken = " ".join(_spoken(article))
    assert "Question 1" not in spoken and "Is it:" not in spoken


# --- plain-text headings ------------------------------------------------------------------------

HEADINGS = [
    # (text after the title, chapter titles expected)
    (f"{PROSE}\n\nWhat the plan includes\nFour routes will run every thirty minutes between midnight and five.",
     ["What the plan includes"]),
    (f"{PROSE}\n\nWinning permission\n\nThe river authority still has to agree, and it meets in May.",
     ["Winning permission"]),
    (f"{PROSE}\n\nThe cost\n\n- Nine million euros a year\n- Paid from a parking levy\n\nThat is the plan.",
     ["The cost"]),
    (f"{PROSE}\n\nWhy does this matter?\n\nShift workers have walked home for three years.", ["Why does this matter?"]),
    (f"{PROSE}\nWhat riders say\nMost riders who answered the survey said they would use the buses weekly.",
     ["What riders say"]),
    (f"{PROSE}\n\nIngredients\n\n2 eggs\n1 cup flour\nA pinch of salt\n\nMix everything and bake for twenty minutes.",
     ["Ingredients"]),
]  # fmt: skip
NOT_HEADINGS = [
    # (text after the title, lines that must be read as list items or prose, never as chapters)
    (f"{PROSE}\n\n2 eggs\n1 cup flour\nA pinch of salt\n\nMix everything and bake for twenty minutes.",
     ["2 eggs", "1 cup flour", "A pinch of salt"]),
    (f"{PROSE}\n\nFlour\n\nSugar\n\nEggs\n\nMix everything and bake for twenty minutes.", ["Flour", "Sugar", "Eggs"]),
    (f"{PROSE}\nThe office said the new routes would link\nthe hospital, the station and the university.",
     ["The office said the new routes would link"]),
    (f"{PROSE}\n\nThe buses are back.\n\nRiders welcomed the news on Tuesday evening at the central station.",
     ["The buses are back."]),
    (f"{PROSE}\n\nThe plan was drawn up by\n\nthe transport office and two neighbourhood groups over a year.",
     ["The plan was drawn up by"]),
    (f"{PROSE}\n\nStops on route 1\nCentral Station\nCity Hospital\nNorth Campus\n\nThe route runs every half hour.",
     ["Stops on route 1", "Central Station", "City Hospital", "North Campus"]),
]  # fmt: skip


@pytest.mark.parametrize(("body", "chapters"), HEADINGS)
def test_plain_text_headings_become_chapters(tmp_path, body, chapters):
    article = _article(tmp_path, "plan.txt", f"Night Buses Return\n\n{body}\n")
    assert [s.heading for s in article.sections] == chapters
    titles = [c.title for c in build_script(article).chapters]
    assert titles == ["Night Buses Return", *chapters]


@pytest.mark.parametrize(("body", "lines"), NOT_HEADINGS)
def test_short_lines_in_lists_and_wrapped_prose_are_not_headings(tmp_path, body, lines):
    article = _article(tmp_path, "plan.txt", f"Night Buses Return\n\n{body}\n")
    assert article.sections == ()
    spoken = _spoken(article)
    for line in lines:
        assert any(line.rstrip(".") in said for said in spoken), line
    assert len(build_script(article).chapters) == 1


def test_a_list_without_bullets_is_read_item_by_item(tmp_path):
    article = _article(
        tmp_path, "cake.txt", f"Cake\n\n{PROSE}\n\n2 eggs\n1 cup flour\nA pinch of salt\n\nMix it all.\n"
    )
    lists = [b for b in article.intro if b.kind == "list"]
    assert [b.items for b in lists] == [("2 eggs", "1 cup flour", "A pinch of salt")]
    spoken = _spoken(article)
    assert "1 cup flour." in spoken and "2 eggs 1 cup flour" not in " ".join(spoken)


# --- HTML summary box ----------------------------------------------------------------------------

SUMMARY = "The city brings back night buses on four routes from May, paid for by a parking levy."
SUMMARY_BOXES = [
    f'<aside class="ai-summary"><h3>AI Summary</h3><p>{SUMMARY}</p></aside>',
    f'<div class="summary-box"><h2>AI Summary</h2><p>{SUMMARY}</p></div>',
    f'<section id="tldr"><strong>TL;DR</strong><p>{SUMMARY}</p></section>',
    f"<div><h4>In brief</h4><p>{SUMMARY}</p></div>",
    f"<p><strong>TL;DR:</strong> {SUMMARY}</p>",
    "<div class='key-takeaways'><h2>Key takeaways</h2><ul><li>Night buses return on four routes from May</li>"
    "<li>A parking levy pays for them</li></ul></div>",
]
BODY = (
    "<p>The city will bring back its night buses in May, the transport office said on Tuesday, after a three-year "
    "pause that left shift workers with long walks home.</p><h2>What the plan includes</h2><p>Four routes will run "
    "every thirty minutes between midnight and five in the morning, linking the hospital and the station.</p>"
)


@pytest.mark.parametrize("box", SUMMARY_BOXES)
def test_an_html_summary_box_is_the_opening_summary_not_a_chapter(tmp_path, box):
    page = "<html><head><title>Night Buses Return</title></head><body><article><h1>Night Buses Return</h1>"
    page += f"{box}{BODY}</article></body></html>"
    article = _article(tmp_path, "buses.html", page)
    assert article.summary and "night buses" in article.summary.lower()
    assert [s.heading for s in article.sections] == ["What the plan includes"]
    script = build_script(article)
    assert [c.title for c in script.chapters] == ["Night Buses Return", "What the plan includes"]
    opening = [u.text for u in script.chapters[0].utterances]
    assert opening[0] == "Night Buses Return" and "night buses" in opening[1].lower()
    label_words = ("AI Summary", "TL;DR", "In brief", "Key takeaways")
    assert not any(text in label_words for u in script.utterances for text in (u.text, u.caption))
    spoken = " ".join(u.text for u in script.utterances)
    assert spoken.count("parking levy") == 1  # read once, as the summary


def test_a_summary_tab_or_a_summary_after_the_opening_is_not_taken_as_the_summary_box(tmp_path):
    tabs = "<div class='tabs'><span>Summary</span><span>Details</span></div>"
    late = f"<aside class='summary'><h3>Summary</h3><p>{SUMMARY}</p></aside>"
    page = f"<html><head><meta name='description' content='From the transport desk.'></head><body>{tabs}<article>"
    page += f"<h1>Night Buses Return</h1>{BODY}{late}</article></body></html>"
    article = _article(tmp_path, "buses.html", page)
    assert article.summary == "From the transport desk."


def test_a_summary_section_at_the_end_of_a_page_stays_a_chapter(tmp_path):
    page = (
        f"<html><body><article><h1>Night Buses Return</h1>{BODY}<h2>Summary</h2>"
        "<p>Night buses return in May on four routes and the levy pays for them.</p></article></body></html>"
    )
    article = _article(tmp_path, "buses.html", page)
    assert [s.heading for s in article.sections] == ["What the plan includes", "Summary"]


# --- page furniture --------------------------------------------------------------------------------

JUNK = [
    "5 min read",
    "· 5 min read",
    "Jane Doe · 5 min read",
    "Updated 2 hours ago",
    "Updated: March 3, 2025 at 10:15 am",
    "Listen to this article",
    "Listen to this article · 4:32",
    "Share",
    "Share this article",
    "Advertisement",
    "Reading time: 6 minutes",
    "12 comments",
]
KEPT = ["Share prices of the operator fell.", "Advertising on the buses pays for the wifi."]


@pytest.mark.parametrize("kind", ["txt", "md", "html"])
def test_page_furniture_lines_are_dropped_and_sentences_that_share_words_are_kept(tmp_path, kind):
    paragraphs = [PROSE, *JUNK, *KEPT, "The first bus leaves at midnight."]
    if kind == "txt":
        text = "Night Buses Return\n\n" + "\n\n".join(paragraphs) + "\n"
    elif kind == "md":
        text = "# Night Buses Return\n\n" + "\n\n".join(paragraphs) + "\n"
    else:
        text = "<html><body><article><h1>Night Buses Return</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs)
        text += "</article></body></html>"
    article = _article(tmp_path, f"buses.{kind}", text)
    captions = [u.caption for u in build_script(article).utterances]
    # A page's "Updated: March 3, 2025" may become the article's date (read in the byline): the
    # date is the page's, the widget is not read.
    captions = [c for c in captions if not c.startswith("Published ")]
    assert captions == ["Night Buses Return", PROSE, *KEPT, "The first bus leaves at midnight."]


# --- list items written as one sentence --------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "caption", "spoken"),
    [
        ("run two intervals back to back; and", "run two intervals back to back; and", "back to back; and"),
        ("take the night bus, or", "take the night bus, or", "the night bus, or"),
        ("pay $5, or", "pay $5, or", "pay 5 dollars, or"),
        ("pay the fare,", "pay the fare,", "pay the fare"),
        ("Bring a ticket", "Bring a ticket.", "Bring a ticket."),
    ],
)
def test_list_items_keep_their_own_ending_without_a_stray_full_stop(tmp_path, item, caption, spoken):
    article = _article(tmp_path, "list.md", f"# Riding\n\n{PROSE}\n\n- {item}\n- board at the front.\n")
    utterance = next(u for u in build_script(article).utterances if u.caption.startswith(item[:8]))
    assert utterance.caption == caption
    assert utterance.text.endswith(spoken) and not utterance.text.endswith((" and.", " or.", ",."))


def test_a_list_item_naming_c_sharp_and_dot_net_keeps_the_space(tmp_path):
    article = _article(tmp_path, "list.md", f"# Riding\n\n{PROSE}\n\n- C# and .NET\n- Python\n")
    utterance = next(u for u in build_script(article).utterances if u.caption.startswith("C#"))
    assert utterance.caption == "C# and .NET." and "and.NET" not in utterance.text and "and. " not in utterance.text


@pytest.mark.parametrize(
    ("opening", "summary"),
    [
        (f"AI Summary\n\n{SUMMARY}", SUMMARY),
        (f"TL;DR: {SUMMARY}", SUMMARY),
        ("Key takeaways\n\n- Night buses return in May\n- A parking levy pays for them",
         "Night buses return in May. A parking levy pays for them."),
    ],
)  # fmt: skip
def test_a_plain_text_summary_label_opens_the_article(tmp_path, opening, summary):
    text = (
        f"Night Buses Return\n\n{opening}\n\n{PROSE}\n\nThe cost\n\nNine million euros a year, from a parking levy.\n"
    )
    article = _article(tmp_path, "buses.txt", text)
    assert article.summary == summary
    assert [s.heading for s in article.sections] == ["The cost"]
    assert [b.text for b in article.intro] == [PROSE]


@pytest.mark.parametrize(
    ("top", "author", "date"),
    [
        ("By Priya Natarajan\nUpdated 2 hours ago\n4 min read\nListen to this article", "Priya Natarajan", None),
        ("By Jane Doe · 5 min read · March 3, 2025", "Jane Doe", "2025-03-03"),
        ("Published: 3 March 2025\nBy Ana Lima and Tom Wu", "Ana Lima and Tom Wu", "2025-03-03"),
        ("Jane Doe · 5 min read", None, None),
        ("Updated: March 3, 2025 at 10:15 am", None, "2025-03-03"),
    ],
)
def test_a_plain_text_byline_gives_the_author_and_date_and_is_not_read_as_prose(tmp_path, top, author, date):
    article = _article(tmp_path, "plan.txt", f"Council Approves Plan\n{top}\n\n{PROSE}\n")
    assert article.author == author
    assert (article.date.isoformat() if article.date else None) == date
    assert [b.text for b in article.intro] == [PROSE]
    spoken = _spoken(article)
    assert spoken[-1] == PROSE and not any("min read" in line or "ago" in line for line in spoken)


def test_a_hard_wrapped_opening_sentence_is_not_cut_into_a_title(tmp_path):
    text = "The city will bring back its night\nbuses in May, the office said. Riders cheered the news on Tuesday.\n"
    article = _article(tmp_path, "wrapped.txt", text)
    assert article.title == "The city will bring back its night buses in May, the office said"
    assert [b.text for b in article.intro] == ["Riders cheered the news on Tuesday."]
