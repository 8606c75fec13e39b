"""Number words and the word lists every rule shares: cardinals and ordinals (num2words, imported
on first use), years, and the data files in audiobook/data/."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources

Replacement = str | Callable[[re.Match[str]], str]
Rule = tuple[re.Pattern[str], Replacement]

MONTHS = tuple(
    "January February March April May June July August September October November December".split()  # noqa: SIM905
)
_ONES_TEXT = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen"
)
ONES = _ONES_TEXT.split()
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
DECADES = ["_", "tens", "twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"]
DAY_FIRST_LOCALES = {"gb", "uk", "au", "nz", "ie", "in", "za"}


@cache
def data(name: str) -> dict:
    """A word list from audiobook/data/<name>.toml."""
    return tomllib.loads(resources.files("audiobook").joinpath("data", f"{name}.toml").read_text("utf-8"))


@cache
def _num2words() -> Callable[..., str]:
    from num2words import num2words  # 55 ms: only when a number is first spelled

    return num2words


def cardinal(value: int | Decimal) -> str:
    """1450 → "one thousand four hundred and fifty"."""
    return _num2words()(value).replace(",", "")


def ordinal(n: int) -> str:
    return _num2words()(n, to="ordinal").replace(",", "")


def number_words(n: int) -> str:
    """Cardinal number words for 0 ≤ n < 100 (hand-written: the common case needs no import)."""
    if n < 20:
        return ONES[n]
    tens, ones = divmod(n, 10)
    return TENS[tens] + ("-" + ONES[ones] if ones else "")


def year_words(year: int) -> str:
    """1984 → "nineteen eighty-four", 2005 → "two thousand five", 2026 → "twenty twenty-six"."""
    century, rest = divmod(year, 100)
    if 2000 <= year < 2010:
        return "two thousand" + (f" {ONES[rest]}" if rest else "")
    if rest == 0:
        return f"{number_words(century)} hundred"
    return f"{number_words(century)} {'oh ' + ONES[rest] if rest < 10 else number_words(rest)}"


def decimal_value(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def hyphenated(words: str) -> str:
    return words.replace(" ", "-")


def digits(group: str) -> str:
    return " ".join(ch for ch in group if ch.isdigit())
