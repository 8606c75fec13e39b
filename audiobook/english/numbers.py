"""Years versus counts ("in 1450" / "1450 workers"), year ranges and decades."""

from __future__ import annotations

import re

from .context import counts_follow, next_words, prev_word
from .words import DECADES, ONES, Rule, cardinal, number_words, year_words

_STRONG_YEAR = {"in", "since", "by", "until", "till", "before", "after", "during", "throughout", "circa", "c"}
_STRONG_YEAR |= {"around", "from", "through"}
_YEAR_CONTEXT = _STRONG_YEAR | {"of", "the", "year", "early", "late", "mid", "spring", "summer", "autumn", "fall"}
_YEAR_CONTEXT |= {"winter", "fiscal", "vintage", "class", "election", "census", "between", "season", "budget"}
_YEAR_VERBS = {"was", "is", "will", "saw", "brought", "marked", "marks", "sees", "brings", "had", "has", "began"}
_YEAR_VERBS |= {"ended", "proved", "became", "remains", "promises", "looks", "seems", "could", "would"}
# A four-digit number that could be a year: not part of a longer number, amount or identifier.
_YEARISH = re.compile(r"(?<![\w.,$€£¥:/#+−-])(1\d\d\d|20\d\d)(?![\w%°$€£:/'’]|[.,]\d|\s?[–-]\s?\d)")
_YEAR_RANGE = re.compile(
    r"(?<![\w.,$€£¥:/#+−])(?<!\d-)(1[1-9]\d\d|20\d\d)\s?[–-]\s?(1[1-9]\d\d|20\d\d|\d\d)(?![\w%°]|[.,]\d|\s?[–-]\s?\d)"
)


def _year_or_count(match: re.Match[str]) -> str:
    text, written = match.string, match.group(1)
    n = int(written)
    prev = prev_word(text, match.start())
    if text[match.start() - 1 : match.start()] == "(" and text[match.end() : match.end() + 1] == ")":
        return year_words(n) if n >= 1100 else written
    if counts_follow(text, match.end()) and not (prev in _STRONG_YEAR and n >= 1900):
        return cardinal(n)
    if n < 1100 and prev not in _STRONG_YEAR:
        return written
    if prev in _YEAR_CONTEXT:
        return year_words(n)
    first, _ = next_words(text, match.end())
    if first.lower() in _YEAR_VERBS:
        return year_words(n)
    return written


def _year_range(match: re.Match[str]) -> str:
    first, last = match.group(1), match.group(2)
    a = int(first)
    b = int(last) if len(last) == 4 else a // 100 * 100 + int(last)
    if b <= a or counts_follow(match.string, match.end()):
        return f"{first} to {last}"
    if len(last) == 4:
        return f"{year_words(a)} to {year_words(b)}"
    tail = int(last)
    return f"{year_words(a)} to {'oh ' + ONES[tail] if tail < 10 else number_words(tail)}"


_DECADE = re.compile(r"(?<![\w$€£])(1\d|20)(\d)0['’]?s\b")
_SHORT_DECADE = re.compile(r"(?<![\w$€£.,])['’]?([2-9])0['’]?s\b")


def _decade(match: re.Match[str]) -> str:
    century, tens = int(match.group(1)), int(match.group(2))
    if tens == 0:
        return "two-thousands" if century == 20 else f"{number_words(century)}-hundreds"
    return f"{number_words(century)}-{DECADES[tens]}"


DECADE: Rule = (_DECADE, _decade)
SHORT_DECADE: Rule = (_SHORT_DECADE, lambda m: DECADES[int(m.group(1))])
YEAR_RANGE: Rule = (_YEAR_RANGE, _year_range)
YEAR_OR_COUNT: Rule = (_YEARISH, _year_or_count)
