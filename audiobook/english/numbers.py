"""Years versus counts ("in 1450" / "1450 workers"), year ranges and decades."""

from __future__ import annotations

import re

from .context import counts_follow, is_determiner, is_plural_noun, next_words, noun_follows, prev_word
from .words import DECADES, ONES, Rule, cardinal, number_words, year_words

_STRONG_YEAR = {"in", "since", "by", "until", "till", "before", "after", "during", "throughout", "circa", "c"}
_STRONG_YEAR |= {"around", "from", "through"}
_YEAR_CONTEXT = _STRONG_YEAR | {"of", "the", "year", "early", "late", "mid", "spring", "summer", "autumn", "fall"}
_YEAR_CONTEXT |= {"winter", "fiscal", "vintage", "class", "election", "census", "between", "season", "budget"}
# A date stamped on a thing or a life: "a photograph dated 1962", "born 1934", "founded 1850".
_YEAR_CONTEXT |= {"dated", "born", "founded", "established", "est"}
_YEAR_VERBS = {"was", "is", "will", "saw", "brought", "marked", "marks", "sees", "brings", "had", "has", "began"}
_YEAR_VERBS |= {"ended", "proved", "became", "remains", "promises", "looks", "seems", "could", "would"}
# A four-digit number that could be a year: not part of a longer number, amount or identifier.
_YEARISH = re.compile(r"(?<![\w.,$€£¥:/#+−-])(1\d\d\d|20\d\d)(?![\w%°$€£:/'’]|[.,]\d|\s?[–-]\s?\d)")
_YEAR_RANGE = re.compile(
    r"(?<![\w.,$€£¥:/#+−])(?<!\d-)(1[1-9]\d\d|20\d\d)(?:\s?[–-]\s?|(/))(1[1-9]\d\d|20\d\d|\d\d)"
    r"(?![\w%°/]|[.,]\d|\s?[–-]\s?\d)"
)


# The year before this one in a list or pair: "between 2006 and 2018", "in 2010, 2014 or 2018".
_AFTER_LISTED_YEAR = re.compile(
    r"\b([A-Za-z]{1,12})\s(?:1\d\d\d|20\d\d)(?:,\s(?:1\d\d\d|20\d\d)){0,4}(?:,\s|,?\s(?:and|or|to|nor)\s)$"
)


# What a year's accounts hold: "its 2024 results", "the 2025 elections" (a year, not a count).
_PERIOD_NOUNS = {"sales", "results", "earnings", "revenues", "profits", "losses", "accounts", "figures"}
_PERIOD_NOUNS |= {"forecasts", "estimates", "targets", "emissions", "elections", "returns", "filings", "rankings"}
_POSSESSIVES = {"its", "their", "our", "his", "her", "your", "my"}


def _reports_a_year(text: str, prev: str, end: int) -> bool:
    """After a possessive, a number before a describing word and a plural noun is the year of a
    report ("its 2024 organic sales"; "its 2024 employees" counts them); after a possessive or
    "the", a period's figures ("the 2025 results") are that year's."""
    if not (prev in _POSSESSIVES or prev == "the" or is_determiner(prev)):
        return False
    first, second = next_words(text, end)
    if first.lower() in _PERIOD_NOUNS:
        return True
    return prev != "the" and counts_follow(text, end) and not is_plural_noun(first)


def _year_or_count(match: re.Match[str]) -> str:
    text, written = match.string, match.group(1)
    n = int(written)
    prev = prev_word(text, match.start())
    listed = _AFTER_LISTED_YEAR.search(text[max(0, match.start() - 60) : match.start()])
    if listed and listed.group(1).lower() in _YEAR_CONTEXT and n >= 1100 and not counts_follow(text, match.end()):
        return year_words(n)
    if text[match.start() - 1 : match.start()] == "(" and text[match.end() : match.end() + 1] == ")":
        return year_words(n) if n >= 1100 else written
    if 1900 <= n < 2100 and _reports_a_year(text, prev, match.end()):
        return year_words(n)
    if counts_follow(text, match.end()) and not (prev in _STRONG_YEAR and n >= 1900):
        return cardinal(n)
    if n < 1100 and prev not in _STRONG_YEAR:
        return written
    if 1900 <= n < 2100 and is_determiner(prev) and noun_follows(text, match.end()):
        return year_words(n)  # "its 2024 outlook", "a 2020 interview" (a plural noun was a count above)
    if prev in _YEAR_CONTEXT or (prev == "for" and 2010 <= n < 2100):  # "guidance for 2025"
        return year_words(n)
    first, _ = next_words(text, match.end())
    if first.lower() in _YEAR_VERBS:
        return year_words(n)
    return written


def _year_range(match: re.Match[str]) -> str:
    first, slash, last = match.groups()
    a = int(first)
    b = int(last) if len(last) == 4 else a // 100 * 100 + int(last)
    if slash and b != a + 1:  # "2024/25" is a season; any other slash is not a range of years
        return match.group(0)
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


# "by mid-2025", "pre-2020 levels": the year after a prefix.
PREFIXED_YEAR: Rule = (
    re.compile(r"\b(mid|pre|post|early|late|end|start)-(1[5-9]\d\d|20\d\d)(?![\w–-]|[.,]\d)", re.IGNORECASE),
    lambda m: f"{m.group(1)}-{year_words(int(m.group(2)))}",
)
# "2023's biggest release": a year, whatever follows.
YEAR_POSSESSIVE: Rule = (
    re.compile(r"(?<![\w.,$€£¥:/#+−-])(1[5-9]\d\d|20\d\d)(?=['’]s\b)"),
    lambda m: year_words(int(m.group(1))),
)
# "back in '08" → "back in oh 8"; "the class of '19" → "19".
SHORT_YEAR: Rule = (
    re.compile(r"(?<![\w'’])['’]([0-9])([0-9])(?![\w'’%]|[.,]\d)"),
    lambda m: f"oh {m.group(2)}" if m.group(1) == "0" else m.group(1) + m.group(2),
)
DECADE: Rule = (_DECADE, _decade)
SHORT_DECADE: Rule = (_SHORT_DECADE, lambda m: DECADES[int(m.group(1))])
YEAR_RANGE: Rule = (_YEAR_RANGE, _year_range)
YEAR_OR_COUNT: Rule = (_YEARISH, _year_or_count)


_PAIRED_SCALE = re.compile(r"(?:,\s|\s(?:and|or|to)\s)\d{1,4}(?:\.\d{1,2})?[kKMBT](?![\w'’])")
_SCALE_LETTERS = {"k": "thousand", "K": "thousand", "M": "million", "B": "billion", "T": "trillion"}
_SCALE_LETTERS |= {"bn": "billion", "mn": "million", "tn": "trillion"}


def _scale_suffix(match: re.Match[str]) -> str:
    """ "70B parameters" → "70 billion parameters", "a 1M-token window" → "a 1 million-token window";
    only before a counted noun, so "a 4K TV" stays."""
    text, end = match.string, match.end()
    plus = match.group(3)  # "500M+ downloads" → "500 million-plus downloads"
    compound = re.match(r"-[a-z]", text[end : end + 2]) is not None
    paired = _PAIRED_SCALE.match(text, end, end + 20)  # "8B and 70B versions"
    # "to 260.28M", "2.9bn people": no other reading
    decimal = ("." in match.group(1) and match.group(2) in "MBK") or len(match.group(2)) == 2
    if not (compound or decimal or counts_follow(text, paired.end() if paired else end)):
        return match.group(0)
    return f"{match.group(1)} {_SCALE_LETTERS[match.group(2)]}" + ("-plus" if plus else "")


SCALE_SUFFIX: Rule = (
    re.compile(r"(?<![\w.,$€£¥])(\d{1,4}(?:\.\d{1,2})?)(bn|mn|tn|[kKMBT])(\+)?(?![\w'’+]|-\d)"),
    _scale_suffix,
)
# "5.25%-5.5%" → "5.25 to 5.5%": the unit once, as a narrator says a range.
PERCENT_RANGE: Rule = (re.compile(r"(?<=\d)\s?%\s?[–-]\s?(?=\d[\d,.]{0,24}+\s?%)"), " to ")

# "7½ years", "¾ of voters": the single-character fractions, after a whole number or alone.
_VULGAR = {"½": "half", "¼": "quarter", "¾": "three quarters", "⅓": "third", "⅔": "two thirds", "⅛": "eighth"}
_VULGAR_FRACTION = re.compile(r"(?<![\w.])(\d{1,6}+)?\s?([½¼¾⅓⅔⅛])")


def _vulgar_fraction(match: re.Match[str]) -> str:
    whole, part = match.group(1), _VULGAR[match.group(2)]
    article = "an" if part == "eighth" else "a"
    single = part if part.startswith(("three", "two")) else f"{article} {part}"
    if part == "half" and match.string.startswith(" of", match.end()):
        single = "half"  # "½ of voters": half of them
    return f" {whole} and {single}" if whole else f" {single}"


VULGAR_FRACTION: Rule = (_VULGAR_FRACTION, _vulgar_fraction)

# "c.4,000 staff", "c. 1850": circa, which keeps a year a year.
CIRCA: Rule = (re.compile(r"(?<![\w.])c\.\s?(?=\d)"), "circa ")
# "an est. 5 million": estimated; "Harrods, est. 1849": established, before a year.
ESTIMATED: Rule = (re.compile(r"\b([Aa]n?|[Tt]he)\sest\.\s?(?=[\d$€£])"), lambda m: f"{m.group(1)} estimated ")
ESTABLISHED: Rule = (
    re.compile(r"(?<![\w.])([Ee])st\.\s?(?=(?:1[1-9]\d\d|20\d\d)(?![\d,.]\d|\s?(?:million|billion|people)\b))"),
    lambda m: ("E" if m.group(1) == "E" else "e") + "stablished ",
)

# "12 1/2 years": a whole number and a common fraction, "12 and a half".
_MIXED_FRACTIONS = {"1/2": "a half", "1/4": "a quarter", "3/4": "three quarters", "1/3": "a third", "2/3": "two thirds"}
MIXED_NUMBER: Rule = (
    re.compile(r"(?<![\w.,/])(\d{1,4}) ([123]/[234])(?![\w/.]|[.,]\d)"),
    lambda m: f"{m.group(1)} and {_MIXED_FRACTIONS[m.group(2)]}" if m.group(2) in _MIXED_FRACTIONS else m.group(0),
)
