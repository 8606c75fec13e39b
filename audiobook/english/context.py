"""Context read from short windows either side of a match (bounded, so every rule stays linear):
is the number counting something, does a noun follow, does "a"/"an" stand before it."""

from __future__ import annotations

import re

_PREV_WORD = re.compile(r"([A-Za-z][\w'’.]{0,14}?)[\s(\"'“‘-]{0,3}$")
_NEXT_WORDS = re.compile(r"[\s-]{1,2}([A-Za-z][\w'’-]{0,24})(?:\s([A-Za-z][\w'’-]{0,24}))?")
# Words that follow a number without being the thing counted.
_NOT_NOUNS = set(
    """
    a an the and or but of in on at to for from by with as is are was were be been has have had
    do does did will would can could may might must should shall this that these those it its
    his her their our your my than then so if when while after before since until through over
    under per each every alone only just also still about around more less fewer plus minus
    percent thus yes always perhaps across unless besides towards afterwards whereas says sees
    marks brings promises looks seems remains begins ends shows means makes takes gives becomes
    comes gets puts sets keeps starts turns saw brought began proved became marked whose which
    who what where
    """.split()  # noqa: SIM905  (a word list reads best as words)
)
DETERMINERS = {"a", "an", "the", "its", "their", "his", "her", "our", "your", "this", "that", "each", "every"}
_IRREGULAR_PLURALS = {"people", "children", "men", "women", "staff", "police", "cattle", "sheep", "fish", "feet"}
_IRREGULAR_PLURALS |= {"teeth", "mice", "geese", "personnel", "troops", "votes", "data", "crew", "acres"}


def prev_word(text: str, start: int) -> str:
    found = _PREV_WORD.search(text[max(0, start - 20) : start])
    return found.group(1).lower().rstrip(".") if found else ""


def next_words(text: str, end: int) -> tuple[str, str]:
    found = _NEXT_WORDS.match(text, end, min(len(text), end + 60))
    return (found.group(1), found.group(2) or "") if found else ("", "")


def is_plural_noun(word: str) -> bool:
    low = word.lower()
    if not word[:1].islower() or low in _NOT_NOUNS:
        return False
    return low in _IRREGULAR_PLURALS or (len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")))


def counts_follow(text: str, end: int) -> bool:
    """A plural noun next ("1450 workers"), or after one describing word ("1450 new homes")."""
    first, second = next_words(text, end)
    if is_plural_noun(first):
        return True
    return bool(second) and first.islower() and first.lower() not in _NOT_NOUNS and is_plural_noun(second)


def noun_follows(text: str, end: int) -> bool:
    first, _ = next_words(text, end)
    return bool(first) and first[:1].islower() and first.lower() not in _NOT_NOUNS


def after_article(text: str, start: int) -> bool:
    """ "a $2 billion dam", "the 10 km race": the amount describes the noun after it."""
    return prev_word(text, start) in DETERMINERS and text[max(0, start - 1) : start] == " "
