"""English spoken forms: numbers, years, dates, money, titles, Roman numerals, units, symbols and
identifiers said the way a narrator says them (issue 15).

Hand-written, table-driven rules; num2words (imported on first use) spells cardinals and
ordinals, anyascii (also on first use) transliterates other scripts. The word lists — titles and
abbreviations, acronyms, units, regnal names — are data files in ``audiobook/data/`` and the
archive lexicon overrides any of them (normalize.spoken_form shields lexicon words from these rules).

Numeric dates follow the article's locale: ``en-GB``, ``en-AU``, ``en-NZ``, ``en-IE``, ``en-IN``
and ``en-ZA`` read 4/9/2025 day first ("the fourth of September"), every other English (``en``,
``en-US``, ``en-CA``) month first ("April ninth"); a first number over 12 is a day anywhere, and a
dotted date (09.04.2025) is always day first.

Every pattern sees user text, so each runs in linear time (see the note at the top of
normalize.py): bounded repeats, possessive runs, and context read from short windows.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources

Replacement = str | Callable[[re.Match[str]], str]
Rule = tuple[re.Pattern[str], Replacement]

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_DECADES = ["_", "tens", "twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"]
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
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + ("-" + _ONES[ones] if ones else "")


def year_words(year: int) -> str:
    """1984 → "nineteen eighty-four", 2005 → "two thousand five", 2026 → "twenty twenty-six"."""
    century, rest = divmod(year, 100)
    if 2000 <= year < 2010:
        return "two thousand" + (f" {_ONES[rest]}" if rest else "")
    if rest == 0:
        return f"{number_words(century)} hundred"
    return f"{number_words(century)} {'oh ' + _ONES[rest] if rest < 10 else number_words(rest)}"


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _hyphenated(words: str) -> str:
    return words.replace(" ", "-")


def _digits(group: str) -> str:
    return " ".join(ch for ch in group if ch.isdigit())


# --- context: short windows either side of a match (bounded, so every rule stays linear) --------

_PREV_WORD = re.compile(r"([A-Za-z][\w'’.]{0,14}?)[\s(\"'“‘-]{0,3}$")
_NEXT_WORDS = re.compile(r"[\s-]{1,2}([A-Za-z][\w'’-]{0,24})(?:\s([A-Za-z][\w'’-]{0,24}))?")
# Words that follow a number without being the thing counted.
_NOT_NOUNS = set(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "must",
        "should",
        "shall",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "his",
        "her",
        "their",
        "our",
        "your",
        "my",
        "than",
        "then",
        "so",
        "if",
        "when",
        "while",
        "after",
        "before",
        "since",
        "until",
        "through",
        "over",
        "under",
        "per",
        "each",
        "every",
        "alone",
        "only",
        "just",
        "also",
        "still",
        "about",
        "around",
        "more",
        "less",
        "fewer",
        "plus",
        "minus",
        "percent",
        "thus",
        "yes",
        "always",
        "perhaps",
        "across",
        "unless",
        "besides",
        "towards",
        "afterwards",
        "whereas",
        "says",
        "sees",
        "marks",
        "brings",
        "promises",
        "looks",
        "seems",
        "remains",
        "begins",
        "ends",
        "shows",
        "means",
        "makes",
        "takes",
        "gives",
        "becomes",
        "comes",
        "gets",
        "puts",
        "sets",
        "keeps",
        "starts",
        "turns",
        "saw",
        "brought",
        "began",
        "proved",
        "became",
        "marked",
        "whose",
        "which",
        "who",
        "what",
        "where",
    ]
)
_IRREGULAR_PLURALS = {"people", "children", "men", "women", "staff", "police", "cattle", "sheep", "fish", "feet"}
_IRREGULAR_PLURALS |= {"teeth", "mice", "geese", "personnel", "troops", "votes", "data", "crew", "acres"}


def _prev_word(text: str, start: int) -> str:
    found = _PREV_WORD.search(text[max(0, start - 20) : start])
    return found.group(1).lower().rstrip(".") if found else ""


def _next_words(text: str, end: int) -> tuple[str, str]:
    found = _NEXT_WORDS.match(text, end, min(len(text), end + 60))
    return (found.group(1), found.group(2) or "") if found else ("", "")


def _is_plural_noun(word: str) -> bool:
    low = word.lower()
    if not word[:1].islower() or low in _NOT_NOUNS:
        return False
    return low in _IRREGULAR_PLURALS or (len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")))


def _counts_follow(text: str, end: int) -> bool:
    """A plural noun next ("1450 workers"), or after one describing word ("1450 new homes")."""
    first, second = _next_words(text, end)
    if _is_plural_noun(first):
        return True
    return bool(second) and first.islower() and first.lower() not in _NOT_NOUNS and _is_plural_noun(second)


def _noun_follows(text: str, end: int) -> bool:
    first, _ = _next_words(text, end)
    return bool(first) and first[:1].islower() and first.lower() not in _NOT_NOUNS


def _after_article(text: str, start: int) -> bool:
    """ "a $2 billion dam", "an 8 km walk": the amount describes the noun after it."""
    return _prev_word(text, start) in ("a", "an") and text[max(0, start - 1) : start] == " "


# --- numbers: years and counts ------------------------------------------------------------------

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
    prev = _prev_word(text, match.start())
    if text[match.start() - 1 : match.start()] == "(" and text[match.end() : match.end() + 1] == ")":
        return year_words(n) if n >= 1100 else written
    if _counts_follow(text, match.end()) and not (prev in _STRONG_YEAR and n >= 1900):
        return cardinal(n)
    if n < 1100 and prev not in _STRONG_YEAR:
        return written
    if prev in _YEAR_CONTEXT:
        return year_words(n)
    first, _ = _next_words(text, match.end())
    if first.lower() in _YEAR_VERBS:
        return year_words(n)
    return written


def _year_range(match: re.Match[str]) -> str:
    first, last = match.group(1), match.group(2)
    a = int(first)
    b = int(last) if len(last) == 4 else a // 100 * 100 + int(last)
    if b <= a or _counts_follow(match.string, match.end()):
        return f"{first} to {last}"
    if len(last) == 4:
        return f"{year_words(a)} to {year_words(b)}"
    tail = int(last)
    return f"{year_words(a)} to {'oh ' + _ONES[tail] if tail < 10 else number_words(tail)}"


_DECADE = re.compile(r"(?<![\w$€£])(1\d|20)(\d)0['’]?s\b")
_SHORT_DECADE = re.compile(r"(?<![\w$€£.,])['’]?([2-9])0['’]?s\b")


def _decade(match: re.Match[str]) -> str:
    century, tens = int(match.group(1)), int(match.group(2))
    if tens == 0:
        return "two-thousands" if century == 20 else f"{number_words(century)}-hundreds"
    return f"{number_words(century)}-{_DECADES[tens]}"


# --- dates and times ----------------------------------------------------------------------------


def _month_table() -> dict[str, str]:
    table = {m: m for m in MONTHS}
    table.update(data("titles")["months"])
    return table


def _weekday_table() -> dict[str, str]:
    names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    table = {d: d for d in names}
    table.update(data("titles")["weekdays"])
    return table


def _date_words(day: int, month: int, year: int | None, day_first: bool) -> str:
    name = MONTHS[month - 1]
    if day_first:
        said = f"the {ordinal(day)} of {name}"
        return f"{said} {year_words(year)}" if year else said
    said = f"{name} {ordinal(day)}"
    return f"{said}, {year_words(year)}" if year else said


_ISO_DATETIME = re.compile(
    r"(?<![\w.-])(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d{1,9})?)?"
    r"(Z|\s?UTC|\s?GMT|[+-]\d{2}:?\d{2})?)?(?![\w:-])"
)
_NUMERIC_DATE = re.compile(r"(?<![\w/.,-])(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})(?![\w/]|[.,]\d)")


def _iso_datetime(day_first: bool) -> Callable[[re.Match[str]], str]:
    def said(match: re.Match[str]) -> str:
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group(0)
        words = _date_words(day, month, year, day_first)
        if match.group(4):
            words += f", {int(match.group(4))}:{match.group(5)}"
            zone = (match.group(6) or "").strip()
            if zone in ("Z", "UTC", "GMT"):
                words += " UTC" if zone != "GMT" else " GMT"
            elif zone:
                words += f" UTC {'plus' if zone[0] == '+' else 'minus'} {int(zone[1:3])}"
                words += f":{zone[-2:]}" if zone[-2:] != "00" else ""
        return words

    return said


def _numeric_date(day_first: bool) -> Callable[[re.Match[str]], str]:
    def said(match: re.Match[str]) -> str:
        a, separator, b, written_year = match.groups()
        if separator == "." and len(written_year) == 2:
            return match.group(0)  # 1.2.25 is a version as often as a date
        first, second = int(a), int(b)
        year = int(written_year)
        if len(written_year) == 2:
            year += 2000 if year < 70 else 1900
        order = day_first or separator == "."
        if first > 12:
            order = True
        elif second > 12:
            order = False
        day, month = (first, second) if order else (second, first)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group(0)
        return _date_words(day, month, year, order)

    return said


def _date_rules() -> list[Rule]:
    months = _month_table()
    names = "|".join(sorted(months, key=len, reverse=True))
    month = rf"(?P<month>{names})(?:\.(?=\s\d)|\b)"
    day = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    day2 = r"(?:\s?[–-]\s?(?P<day2>\d{1,2})(?:st|nd|rd|th)?)?"
    year = r"(?:,?\s(?P<year>1[1-9]\d\d|20\d\d)(?![\w]|[.,]\d))?"
    month_day = re.compile(rf"\b{month}\s{day}{day2}(?![\w:]|[.,]\d){year}")
    day_month = re.compile(rf"(?<![\w.,$€£])(?P<the>the\s)?{day}{day2}\s(?:of\s)?{month}(?![\w'’]){year}")
    month_year = re.compile(rf"\b{month}\s(?P<year>1[1-9]\d\d|20\d\d)(?![\w]|[.,]\d)")

    def md(match: re.Match[str]) -> str:
        d, d2 = int(match.group("day")), match.group("day2")
        if not 1 <= d <= 31 or (d2 and not d < int(d2) <= 31):
            return match.group(0)
        said = f"{months[match.group('month')]} {ordinal(d)}" + (f" to {ordinal(int(d2))}" if d2 else "")
        return said + (f", {year_words(int(match.group('year')))}" if match.group("year") else "")

    def dm(match: re.Match[str]) -> str:
        d, d2 = int(match.group("day")), match.group("day2")
        if not 1 <= d <= 31 or (d2 and not d < int(d2) <= 31):
            return match.group(0)
        the = match.group("the") or ("The " if match.start() == 0 else "the ")
        said = f"{the}{ordinal(d)}" + (f" to {ordinal(int(d2))}" if d2 else "")
        said += f" of {months[match.group('month')]}"
        return said + (f" {year_words(int(match.group('year')))}" if match.group("year") else "")

    return [
        (month_day, md),
        (day_month, dm),
        (month_year, lambda m: f"{months[m.group('month')]} {year_words(int(m.group('year')))}"),
    ]


def _weekday_rules() -> list[Rule]:
    names = "|".join(sorted(_month_table(), key=len, reverse=True))
    weekdays = _weekday_table()
    days = "|".join(sorted(weekdays, key=len, reverse=True))
    weekday_range = re.compile(rf"\b({days})\.?\s?(?:[–—-]|\s(?:to|through|thru)\s)\s?({days})(?:\.(?=\s?[\w,(]))?")
    weekday = re.compile(rf"\b({'|'.join(data('titles')['weekdays'])})\.(?=,?\s(?:{names}|\d))")
    return [
        (weekday_range, lambda m: f"{weekdays[m.group(1)]} to {weekdays[m.group(2)]}"),
        (weekday, lambda m: weekdays[m.group(1)]),
    ]


_ZONES = {"ET": "Eastern", "EST": "Eastern", "EDT": "Eastern", "PT": "Pacific", "PST": "Pacific"}
_ZONES |= {"PDT": "Pacific", "CT": "Central", "CST": "Central", "CDT": "Central", "MT": "Mountain"}
_ZONES |= {"MST": "Mountain", "MDT": "Mountain"}
_ZONE = re.compile(
    r"(?:(?<=\d)|(?<=[ap]m)|(?<=[AP]M)|(?<=[ap]\.m\.)|(?<=noon)|(?<=midnight))\s?(ET|EST|EDT|PT|PST|PDT|CT|CST|CDT|MT|MST|MDT)\b"
)
_CLOCK = re.compile(r"(?<![\d.])\b([01]?\d|2[0-3]):([0-5]\d)\b(?!:)(\s?[ap]\.?m\b\.?)?", re.IGNORECASE)
_HOUR = re.compile(r"(?<![\w:.,])(1[0-2]|0?[1-9])\s?([ap])\.?m\b\.?", re.IGNORECASE)


def _meridiem(written: str) -> str:
    return " a.m." if written.strip().lower().startswith("a") else " p.m."


def _clock(match: re.Match[str]) -> str:
    hour, minute, meridiem = int(match.group(1)), int(match.group(2)), match.group(3)
    said_hour = number_words(hour) if hour else "zero"
    if minute == 0:
        words = f"{said_hour} o'clock" if not meridiem else said_hour
    elif minute < 10:
        words = f"{said_hour} oh {_ONES[minute]}"
    else:
        words = f"{said_hour} {number_words(minute)}"
    return words + (_meridiem(meridiem) if meridiem else "")


def _ratio(match: re.Match[str]) -> str:
    a, b = match.group(1), match.group(2)
    clock = len(b) == 2 and int(b) <= 59 and int(a) <= 23
    first, _ = _next_words(match.string, match.end())
    ratio = first.lower() in {"ratio", "scale", "odds", "majority", "aspect", "split", "margin", "lead", "win", "vote"}
    ratio = ratio or _prev_word(match.string, match.start()) in {"ratio", "odds", "of", "by"}
    return f"{a} to {b}" if ratio or not clock else match.group(0)


# --- money --------------------------------------------------------------------------------------

_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", "", ""),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "CHF": ("franc", "francs", "centime", "centimes"),
}
_CODES = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CHF": "CHF", "CAD": "$", "AUD": "$"}
_PREFIXES = {"US": "US", "C": "Canadian", "CA": "Canadian", "A": "Australian", "AU": "Australian"}
_PREFIXES |= {"NZ": "New Zealand", "HK": "Hong Kong", "S": "Singapore", "CAD": "Canadian", "AUD": "Australian"}
_SCALE = {"k": "thousand", "m": "million", "mn": "million", "bn": "billion", "b": "billion", "tn": "trillion"}
_SCALE |= {"thousand": "thousand", "million": "million", "billion": "billion", "trillion": "trillion"}
# A written amount: thousands separators only in threes, so "$5, or" keeps its comma; bounded.
NUMBER = r"(?:\d{1,3}(?:,\d{3}){1,8}+|\d{1,24}+)(?:\.\d{1,12}+)?"
_MONEY = re.compile(
    rf"(?<![\w$€£¥₹])(?:(?P<pre>US|CA|C|AU|A|NZ|HK|S)?(?P<sym>[$€£¥₹])|(?P<code>USD|EUR|GBP|JPY|INR|CHF|CAD|AUD)\s?)"
    rf"(?P<num>{NUMBER})(?:\s?(?:[–-]|to)\s?(?:US\$|[$€£¥₹])?(?P<num2>{NUMBER}))?"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[kKmMbB])\b)?"
)
_CENTS = re.compile(r"(?<![\w.,])(\d{1,3})\s?¢")


def _money(match: re.Match[str]) -> str:
    code = match.group("code")
    symbol = _CODES[code] if code else match.group("sym")
    singular, plural, minor_one, minor = _CURRENCIES[symbol]
    region = _PREFIXES.get(match.group("pre") or code or "")
    if region and symbol == "$":
        singular, plural = f"{region} {singular}", f"{region} {plural}"
    num, num2, scale = match.group("num"), match.group("num2"), match.group("scale")
    scale_word = f" {_SCALE[scale.lower()]}" if scale else ""
    text = match.string
    if _after_article(text, match.start()) and _noun_follows(text, match.end()):
        amount, upper = _decimal(num), _decimal(num2) if num2 else None
        if amount is not None:  # "a $2 billion dam" → "a two-billion-dollar dam"
            said = cardinal(amount) + (f" to {cardinal(upper)}" if upper is not None else "")
            return _hyphenated(f"{said}{scale_word} {singular}")
    if num2:
        return f"{num} to {num2}{scale_word} {plural}"
    if scale:
        return f"{num}{scale_word} {plural}"
    whole, _, cents = num.partition(".")
    if cents and len(cents) == 2 and minor:
        n = int(cents)
        if int(whole.replace(",", "")) == 0:
            return f"{n} {minor_one if n == 1 else minor}"
        if n == 0:
            return f"{whole} {singular if whole == '1' else plural}"
        return f"a {singular} {number_words(n)}" if whole == "1" else f"{whole} {plural} {number_words(n)}"
    return f"{num} {singular if num == '1' else plural}"


# --- science and units --------------------------------------------------------------------------

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SCIENTIFIC = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,12})?)[eE]([+−-]?)(\d{1,3})(?![\w.]|\.\d)(\s?M\b)?")
_POWER = re.compile(
    r"(?<![\w.])(?:(\d{1,3}(?:\.\d{1,12})?)\s?[×x*·]\s?)?10(?:(?:\^|\*\*)([+−-]?)(\d{1,3})|([⁻⁺]?)([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}))"
    r"(?![\w])(\s?M\b)?"
)


def _power_words(mantissa: str | None, sign: str, exponent: str, molar: str | None) -> str:
    n = int(exponent)
    power = f"minus {cardinal(n)}" if sign in ("-", "−", "⁻") else ordinal(n)
    said = f"ten to the {power}"
    if mantissa and mantissa not in ("1", "1.0"):
        said = f"{mantissa} times {said}"
    return said + (" molar" if molar else "")


def _scientific(match: re.Match[str]) -> str:
    return _power_words(match.group(1), match.group(2), match.group(3), match.group(4))


def _power(match: re.Match[str]) -> str:
    if match.group(3):
        return _power_words(match.group(1), match.group(2), match.group(3), match.group(6))
    exponent = match.group(5).translate(_SUPERSCRIPTS)
    return _power_words(match.group(1), match.group(4).translate(_SUPERSCRIPTS), exponent, match.group(6))


def _unit_rule() -> Rule:
    units: dict[str, list[str]] = data("units")["units"]
    per: dict[str, str] = {k: v[0] for k, v in units.items()} | data("units")["per"]
    main = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    denominators = "|".join(re.escape(u) for u in sorted(per, key=len, reverse=True))
    pattern = re.compile(
        rf"(?<![\w.,])(?P<num>{NUMBER})(?P<joint>-|\s?)(?P<unit>{main})(?:/(?P<per>{denominators}))?(?![\w°/²³])"
    )

    def said(match: re.Match[str]) -> str:
        num, unit, denominator = match.group("num"), match.group("unit"), match.group("per")
        singular, plural = units[unit]
        text = match.string
        if match.group("joint") == "-" or (_after_article(text, match.start()) and _noun_follows(text, match.end())):
            amount = _decimal(num)
            if amount is not None:  # "a 10 km race" → "a ten-kilometre race"
                words = f"{cardinal(amount)} {singular}" + (f" per {per[denominator]}" if denominator else "")
                return _hyphenated(words)
        if match.group("joint") == "-":
            return match.group(0)
        name = singular if num == "1" else plural
        return f"{num} {name}" + (f" per {per[denominator]}" if denominator else "")

    return pattern, said


# --- titles, abbreviations, Roman numerals, acronyms --------------------------------------------

_CAPITALISED_FUNCTION_WORDS = {"the", "in", "at", "on", "from", "to", "near", "by", "and", "of", "a", "an", "via"}
_CAPITALISED_FUNCTION_WORDS |= {"visit", "visited", "for", "with", "outside", "into", "toward", "towards", "off"}


def _title_rules() -> list[Rule]:
    titles = data("titles")
    before, undotted, after, street = (
        titles["before_name"],
        titles["before_name_undotted"],
        titles["after_name"],
        titles["street"],
    )
    words: dict[str, str] = titles["words"]

    def alternation(names: object) -> str:
        return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))  # type: ignore[arg-type]

    streetish = re.compile(rf"(?<![\w.])({alternation(street)})(\.?)(?![\w'’]|\.\w)")

    def street_or_name(match: re.Match[str]) -> str:
        abbreviation, dot = match.group(1), match.group(2)
        text, start, end = match.string, match.start(), match.end()
        head = text[max(0, start - 20) : start].split()
        prev = head[-1] if head else ""
        capital_next = re.match(r"\s[A-Z]", text[end : end + 2]) is not None
        after_name = (prev[:1].isupper() and prev.lower().strip(",") not in _CAPITALISED_FUNCTION_WORDS) or bool(
            re.fullmatch(r"\d{1,4}(?:st|nd|rd|th)", prev)
        )
        at_end = end == len(text.rstrip()) and dot
        if after_name and (dot or not capital_next) and not (abbreviation in ("St", "Dr") and capital_next and not dot):
            return street[abbreviation] + ("." if at_end else "")
        if capital_next and abbreviation == "St":
            return "Saint"
        if capital_next and abbreviation == "Dr":
            return "Doctor"
        return match.group(0)

    return [
        (re.compile(rf"\b({alternation(before)})\.(?=\s[A-Z])"), lambda m: before[m.group(1)]),
        (re.compile(rf"\b({alternation(undotted)})(?=\s[A-Z][a-z])"), lambda m: undotted[m.group(1)]),
        (
            re.compile(rf"(?<=[A-Za-z])(,?)\s({alternation(after)})\.(?!\w)"),
            lambda m: f"{m.group(1)} {after[m.group(2)]}" + ("." if m.end() == len(m.string) else ""),
        ),
        (streetish, street_or_name),
        (re.compile(rf"(?<![\w.])(?:{alternation(words)})(?!\w)"), lambda m: words[m.group(0)]),
    ]


_ROMAN_VALID = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_I_FOLLOWERS = {"am", "think", "know", "have", "had", "will", "would", "can", "could", "want", "said", "guess"}
_I_FOLLOWERS |= {"mean", "feel", "believe", "hope", "did", "do", "must", "should", "might", "see", "saw", "love"}
_I_FOLLOWERS |= {"like", "went", "got", "need", "told", "asked", "wanted", "heard", "found", "also", "never"}


def roman_value(numeral: str) -> int:
    total = 0
    for ch, nxt in zip(numeral, numeral[1:] + " ", strict=True):
        value = _ROMAN_VALUES[ch]
        total += -value if nxt != " " and _ROMAN_VALUES[nxt] > value else value
    return total


def _roman_rule() -> Rule:
    regnal = data("regnal")
    names, counted = set(regnal["names"]), set(regnal["counted"])
    pattern = re.compile(r"\b([A-Z][a-z]{1,20}\.?|[A-Z][a-z]{0,3}[A-Z][a-z]{1,10})\s([IVXLCDM]{1,9})(?![\w'’-])")

    def said(match: re.Match[str]) -> str:
        prev, numeral = match.group(1), match.group(2)
        if not _ROMAN_VALID.fullmatch(numeral):
            return match.group(0)
        value = roman_value(numeral)
        text = match.string
        if prev in counted or prev.rstrip(".") in counted:
            return f"{prev} {cardinal(value).capitalize()}"
        regnal_name = prev in names
        if not regnal_name and numeral in ("II", "III", "IV"):
            head = text[max(0, match.start() - 24) : match.start()].split()
            regnal_name = bool(head) and head[-1][:1].isupper() and head[-1].isalpha()  # "John Smith III"
        if not regnal_name:
            return match.group(0)
        if numeral == "I":
            first, _ = _next_words(text, match.end())
            if first.lower() in _I_FOLLOWERS or text[match.end() : match.end() + 1] in ("'", "’"):
                return match.group(0)
        return f"{prev} the {ordinal(value).capitalize()}"

    return pattern, said


def _acronym_rules() -> tuple[Rule, Rule]:
    acronyms = data("acronyms")
    spelled = "|".join(sorted(acronyms["spelled"], key=len, reverse=True))
    said: dict[str, str] = acronyms["said"]
    said_pattern = "|".join(re.escape(w) for w in sorted(said, key=len, reverse=True))

    def spell(match: re.Match[str]) -> str:
        word = match.group(0)
        if word.endswith("s") and word[:-1].isupper() and len(word) > 2:
            return " ".join(word[:-1]) + "'s"
        return " ".join(word)

    return (
        (re.compile(rf"(?<![\w'’.])(?:{spelled})(?![\w'’]|\.\w)"), spell),
        (re.compile(rf"(?<![\w/.])(?:{said_pattern})(?![\w/#+]|\.\w)"), lambda m: said[m.group(0)]),
    )


# --- identifiers, symbols, other scripts --------------------------------------------------------

_PHONE_CONTEXT = re.compile(
    r"(?:call|phone|tel|dial|fax|text|number|hotline|line|contact|mobile|cell|at)\W{0,3}$", re.I
)


def _short_phone(match: re.Match[str]) -> str:
    before = match.string[max(0, match.start() - 12) : match.start()]
    if match.group(2).startswith("0") or _PHONE_CONTEXT.search(before):
        return f"{_digits(match.group(1))}, {_digits(match.group(2))}"
    return match.group(0)


def _international_phone(match: re.Match[str]) -> str:
    groups = [match.group(1), *re.split(r"[\s.-]", match.group(2).strip(" .-"))]
    if sum(len(g) for g in groups) < 7:
        return match.group(0)
    return "plus " + ", ".join(_digits(g) for g in groups if g)


def _dotted(match: re.Match[str]) -> str:
    parts = [p for p in match.groups() if p is not None]
    if len(parts) == 4 and all(int(p) <= 255 for p in parts):
        return " dot ".join(parts)
    return " point ".join(parts)


_KEYS = {"ctrl": "control", "cmd": "command", "opt": "option", "alt": "alt", "shift": "shift", "fn": "function"}
_KEYS |= {"control": "control", "command": "command", "option": "option", "win": "windows", "super": "super"}
_KEY_COMBO = re.compile(
    r"\b(?:(?:Ctrl|Control|Cmd|Command|Alt|Option|Opt|Shift|Fn|Win|Super)\s?\+\s?){1,3}+(?:F\d{1,2}|[A-Za-z0-9]|[A-Z][a-z]{1,8})\b"
)


def _key_combo(match: re.Match[str]) -> str:
    keys = [k.strip() for k in match.group(0).split("+")]
    return " ".join(_KEYS.get(k.lower(), k) for k in keys)


def _comparison(match: re.Match[str]) -> str:
    symbol = match.group(1)
    head = match.string[max(0, match.start() - 8) : match.start()].split()
    after_value = bool(head) and (len(head[-1]) <= 2 or head[-1][-1:].isdigit())  # "p > 0.05", "x>3"
    if symbol in ("<=", "≤"):
        return " less than or equal to "
    if symbol in (">=", "≥"):
        return " greater than or equal to "
    if symbol == "<":
        return " less than "
    return " greater than " if after_value else " more than "


_FOREIGN = (
    "\u0370-\u03ff\u0400-\u052f\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u0900-\u0dff\u0e00-\u0e7f\u10a0-\u10ff"
    "\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff66-\uff9f"
)
_TRANSLITERATED = _FOREIGN + "\u0100-\u024f\u1e00-\u1eff"
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρςστυφχψωΔΣΩΦΠΛΓΘΨ",
        [
            "alpha",
            "beta",
            "gamma",
            "delta",
            "epsilon",
            "zeta",
            "eta",
            "theta",
            "iota",
            "kappa",
            "lambda",
            "mu",
            "nu",
            "xi",
            "omicron",
            "pi",
            "rho",
            "sigma",
            "sigma",
            "tau",
            "upsilon",
            "phi",
            "chi",
            "psi",
            "omega",
            "delta",
            "sigma",
            "omega",
            "phi",
            "pi",
            "lambda",
            "gamma",
            "theta",
            "psi",
        ],
        strict=True,
    )
)
# "Tokyo (東京)" → "Tokyo"; "北京 (Beijing)" → "Beijing": the gloss only.
_GLOSS_AFTER = re.compile(rf"\s?[(（][{_FOREIGN}][^()（）a-zA-Z]{{0,80}}[)）]")
_GLOSS_BEFORE = re.compile(
    rf"(?<![{_FOREIGN}])[{_FOREIGN}][{_FOREIGN}\s·・]{{0,80}}?\s?[(（]([A-Za-z][^()（）]{{0,80}})[)）]"
)
_SCRIPT_RUN = re.compile(rf"[{_TRANSLITERATED}]{{1,200}}+")


@cache
def _anyascii() -> Callable[[str], str]:
    from anyascii import anyascii

    return anyascii


def _transliterate(match: re.Match[str]) -> str:
    run = match.group(0)
    text, start, end = match.string, match.start(), match.end()
    if run in _GREEK and not text[start - 1 : start].isalpha() and not text[end : end + 1].isalpha():
        return _GREEK[run]  # "α-helix", "β blockers": the letter's name
    said = _anyascii()(run)
    if "\u2e80" <= run[0] <= "\ufaff":  # CJK syllables come capitalised one by one: "BeiJing"
        said = said[:1] + said[1:].lower()
    return said


def _fiscal_year(match: re.Match[str]) -> str:
    written = match.group(1)
    return "fiscal " + year_words(int(written) + (2000 if len(written) == 2 else 0))


_MOVEMENT = re.compile(
    r"\b(rose|rise|rises|risen|rising|up|gained|gains|gain|climbed|climbs|jumped|jumps|increased|grew|grows|added"
    r"|adds|advanced|surged|soared|fell|falls|fall|fallen|falling|down|dropped|drops|lost|loses|declined|declines"
    r"|slipped|decreased|shed|slid|sank|tumbled|plunged)(\s(?:by\s)?)[+−-](?=\.?\d)"
)


@cache
def rules(locale: str) -> tuple[tuple[Rule, ...], tuple[Rule, ...], Rule, tuple[Rule, ...], Rule]:
    """(before, numbers, units, after, spelled acronyms): numbers and units only run when a digit
    is present; spelled acronyms only in a sentence not written in capitals."""
    day_first = locale in DAY_FIRST_LOCALES
    spelled, said = _acronym_rules()
    before: tuple[Rule, ...] = (
        (_GLOSS_BEFORE, r"\1"),
        (_GLOSS_AFTER, ""),
        said,
        (_KEY_COMBO, _key_combo),
        (
            re.compile(r"([⌘⌥⇧⌃])\s?"),
            lambda m: {"⌘": "command ", "⌥": "option ", "⇧": "shift ", "⌃": "control "}[m.group(1)],
        ),
        (re.compile(r"(?<![\w.@])@([A-Za-z_]\w{0,30})"), r"at \1"),
        (re.compile(r"(?<![\w&#])#([A-Za-z]\w{0,40})"), r"hashtag \1"),
        (re.compile(r"(?<![\w/.])(?<!\d\s)([a-z]{2,15})/([a-z]{2,15})(?![\w/.])"), r"\1 or \2"),
        (re.compile(r"\b([A-Z]{2,8})/(\d(?:\.\d)?|[A-Z]{2,8})\b"), r"\1 \2"),
        *_weekday_rules(),
        *_title_rules(),
    )
    numbers: tuple[Rule, ...] = (
        (_ISO_DATETIME, _iso_datetime(day_first)),
        (_NUMERIC_DATE, _numeric_date(day_first)),
        (re.compile(r"\bCVE-(\d{4})-(\d{4,7})\b"), lambda m: f"CVE {year_words(int(m.group(1)))}, {m.group(2)}"),
        (re.compile(r"(?<![\w+])\+(\d{1,3})((?:[\s.-]\d{1,5}){2,5}+)(?![\w-])"), _international_phone),
        (
            re.compile(r"(?<![\w+-])(?:\+?1[\s.-])?(?:\((\d{3})\)\s?|(\d{3})[\s.-])(\d{3})[\s.-](\d{4})(?![\w-])"),
            lambda m: ", ".join(_digits(g) for g in m.groups() if g),
        ),
        (re.compile(r"(?<![\w.+-])(\d{3})-(\d{4})(?![\w-]|\.\d)"), _short_phone),
        (
            # "version v3.1" says "version" once
            re.compile(r"(?:\b([Vv]ersion)[ \t]{1,4})?(?<![\w.])v(\d{1,4}(?:\.\d{1,4}){0,3}+)(?!\w|\.\d)"),
            lambda m: f"{m.group(1) or 'version'} " + " point ".join(m.group(2).split(".")),
        ),
        (re.compile(r"(?<![\w.])(\d{1,4})\.(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?(?!\w|\.\d)"), _dotted),
        *_date_rules(),
        (_DECADE, _decade),
        (_SHORT_DECADE, lambda m: _DECADES[int(m.group(1))]),
        (_ZONE, lambda m: f" {_ZONES[m.group(1)]}"),
        (re.compile(r"(?<![\w:.])(\d{1,3}):(\d{1,3})(?![\d:])"), _ratio),
        (_CLOCK, _clock),
        (_HOUR, lambda m: number_words(int(m.group(1))) + _meridiem(m.group(2))),
        (_MOVEMENT, r"\1\2"),
        (re.compile(r"\bFY\s?['’]?(\d{4}|\d{2})(?!\w)"), _fiscal_year),
        (re.compile(r"(?<![\w.])(\d{1,6}(?:\.\d{1,3})?)x(?!\w)"), r"\1 times"),
        (_MONEY, _money),
        (_CENTS, r"\1 cents"),
        (_SCIENTIFIC, _scientific),
        (_POWER, _power),
        (re.compile(r"(?<![\w.])(\d{1,2})['′’]\s?(\d{1,2})(?:\"|″|”|'')"), r"\1 feet \2 inches"),
        (re.compile(r"(?<![\w.-])(\d{1,3})-(\d{1,3})-(\d{1,3})(?![\w.-]|-\d)"), r"\1 \2 \3"),
        (re.compile(r"(?<![\w.])(\d{1,2})[–-](\d{1,2})\s?\((\d{1,2})\)"), r"\1 to \2, tiebreak \3"),
        (_YEAR_RANGE, _year_range),
    )
    unit = _unit_rule()
    after: tuple[Rule, ...] = (
        (re.compile(r"(?<![<>=!-])(<=|>=|≤|≥|<|>)\s?(?=[−+-]?\.?\d)"), _comparison),
        (re.compile(r"\s?≈\s?"), " approximately "),
        (re.compile(r"\s?≠\s?"), " not equal to "),
        (re.compile(r"(?<![\w~])~\s?(?=\d)"), "about "),
        _roman_rule(),
        (_SCRIPT_RUN, _transliterate),
    )
    return before, numbers, unit, after, spelled


def year_rule() -> Rule:
    return _YEARISH, _year_or_count
