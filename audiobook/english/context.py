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
    who what where now away today tomorrow yesterday tonight ago apiece later earlier instead
    overall too back off out up down again here there ahead behind already yet long tall wide deep high
    thick old apart below above
    """.split()  # noqa: SIM905  (a word list reads best as words)
)
_CONTRACTED = {"it", "that", "what", "there", "here", "he", "she", "who", "where", "let", "how", "when", "why"}
DETERMINERS = {"a", "an", "the", "its", "their", "his", "her", "our", "your", "this", "that", "each", "every"}
_IRREGULAR_PLURALS = {"people", "children", "men", "women", "staff", "police", "cattle", "sheep", "fish", "feet"}
_IRREGULAR_PLURALS |= {"teeth", "mice", "geese", "personnel", "troops", "votes", "data", "crew", "acres"}


def around(match: re.Match[str], reach: int) -> str:
    """The text within ``reach`` characters either side of a match: where a rule looks for the
    words that say what a number is about (a sport, the weather, politics)."""
    return match.string[max(0, match.start() - reach) : match.end() + reach]


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
    """A noun (or an adjective before one) next: "outlook", "new", "SSD"."""
    first, _ = next_words(text, end)
    if 2 <= len(first) <= 5 and first.isupper() and first.isalpha():
        return True  # an acronym: "a 512GB SSD"
    return bool(first) and first[:1].islower() and first.lower() not in _NOT_NOUNS


# A determiner and one describing word before the amount: "a 4-year, $120 million contract",
# "the Dodgers' 10-year, $700 million deal".
_DETERMINER_AND_WORD = re.compile(r"\b([A-Za-z]{1,20}(?:'s|’s|s'|s’)?)\s[A-Za-z0-9][\w'’-]{0,20},?\s$")


def is_determiner(word: str) -> bool:
    """ "the", "its", or a possessive ("India's", not "it's")."""
    if word.endswith(("s'", "s’")) and len(word) > 3:
        return True  # "the Dodgers' 10-year, $700 million deal"
    return word in DETERMINERS or (word.endswith(("'s", "’s")) and word[:-2] not in _CONTRACTED)


def after_article(text: str, start: int) -> bool:
    """ "a $2 billion dam", "the 10 km race": the amount describes the noun after it."""
    if text[max(0, start - 1) : start] != " ":
        return False
    prev = prev_word(text, start)
    if is_determiner(prev):
        return True  # "the 10 km race", "India's Rs 500 note" (not "it's $5 now")
    found = _DETERMINER_AND_WORD.search(text[max(0, start - 30) : start])
    return found is not None and is_determiner(found.group(1).lower())
