"""Deterministic generated articles for the benchmarks (Markdown, realistic sentence lengths)."""

from __future__ import annotations

import random
from pathlib import Path

SUBJECTS = [
    "The council",
    "A local baker",
    "The river trust",
    "Most commuters",
    "The new library",
    "Our correspondent",
    "The school board",
    "Several farmers",
    "The harbour master",
    "A cycling club",
]
VERBS = [
    "announced",
    "questioned",
    "welcomed",
    "postponed",
    "reviewed",
    "described",
    "supported",
    "measured",
    "opened",
    "reconsidered",
]
OBJECTS = [
    "a plan for the eastern district",
    "the cost of repairs to the old bridge",
    "a survey of spring water levels",
    "the timetable for the night buses",
    "an exhibition of maps from the last century",
    "the budget for street lighting",
    "a proposal to plant four hundred trees",
    "the results of the autumn count",
    "a pilot scheme for shared allotments",
    "the first reading of the new rules",
]
TAILS = [
    "after a long meeting on Tuesday",
    "with some reservations",
    "to the surprise of many residents",
    "in a short statement",
    "despite the weather",
    "for the third year running",
    "",
    "",
    "with help from volunteers",
    "before the summer holidays",
]


def sentence(rng: random.Random) -> str:
    tail = rng.choice(TAILS)
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}{' ' + tail if tail else ''}."


def article_text(number: int, words: int, sections: int = 4) -> str:
    rng = random.Random(number)
    body: list[str] = []
    count = 0
    per_section = words // sections
    for section in range(sections):
        body.append(f"## Part {section + 1}: notes from the {rng.choice(['north', 'south', 'east', 'west'])}\n")
        written = 0
        while written < per_section:
            paragraph = " ".join(sentence(rng) for _ in range(rng.randint(3, 5)))
            body.append(paragraph + "\n")
            written += len(paragraph.split())
        count += written
    title = f"Town notes number {number}"
    return f"---\ntitle: {title}\nauthor: Bench Desk\ndate: 2026-02-{number % 28 + 1:02d}\n---\n\n" + "\n".join(body)


def write_corpus(folder: Path, articles: int, words: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, articles + 1):
        path = folder / f"notes-{number:03d}.md"
        path.write_text(article_text(number, words), encoding="utf-8")
        paths.append(path)
    return paths
