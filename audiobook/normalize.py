"""Text normalization for speech (English rules; other languages fall back to the engine).

Two outputs per sentence: a *caption* (what a reader sees in the transcript: page junk and
citation markers removed, otherwise as written) and the *spoken* text the engine is given, where
symbols, amounts, ranges and years are spelled the way a narrator would say them. espeak-ng
already reads plain numbers ("25,000", "28.8"), ordinals and common abbreviations correctly, so
the rules here only cover what it gets wrong (measured with espeak_TextToPhonemes).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

# --- caption cleaning (all languages) ----------------------------------------------------------

# Every pattern here sees user text, so each must run in linear time on any input (issue 13):
# - a run that scans forward from a delimiter excludes that delimiter ("[" inside "[…]"), so scans
#   started at different delimiters never cover the same text;
# - a run that could start at every character of a long run starts only at its first character
#   (a look-behind), and a run followed by something it cannot contain is possessive (`*+`);
# - numbers are bounded ({0,24}): no narrator reads a 30-digit amount as one.
# tests/test_hostile_text.py times each pattern class at 10 KB and 100 KB.

# "… competition. Source 8" / "… each. Source 8, Source 13" / "[3]" / "[^1]" / "[12, 13]"
_SOURCE_MARKER = re.compile(r"(?<=[.!?;:’”\"')\]])\s*+\bSources?\s++\d++(?:\s*+(?:,|and)\s*+(?:Source\s+)?\d++)*\b")
_BRACKET_MARKER = re.compile(r"\s?\[(?:\^?\w{1,4}|\d++(?:\s*+[,–-]\s*+\d++)*+)\]")
_SPACES = re.compile(r"\s+")


_MD_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_MD_LINK = re.compile(r"\[([^\[\]]+)\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
# The emphasised text never contains its own marker character, so every scan ends at the next one.
_MD_EMPHASIS = re.compile(r"(\*{1,3})(?=[^\s*])([^*]+?)(?<=\S)\1|(_{2,3})(?=[^\s_])([^_]+?)(?<=\S)\3")
_MD_CODE = re.compile(r"`([^`]+)`")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")


def clean_caption(text: str) -> str:
    """The sentence as a reader should see it: markup, entities and citation markers removed."""
    text = html.unescape(text)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_CODE.sub(r"\1", text)
    for _ in range(2):  # "**bold *and italic* text**": the inner pair first, then the outer
        text = _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(4), text)
    text = _HTML_TAG.sub("", text)
    text = _SOURCE_MARKER.sub("", text)
    text = _BRACKET_MARKER.sub("", text)
    text = "".join(ch for ch in text if _keep_char(ch))
    text = _SPACES.sub(" ", text).strip()
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)


_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<!\s)\s+([.,;:!?])")


def _keep_char(ch: str) -> bool:
    """Drop emoji, pictographs and control characters; keep letters of every script."""
    category = unicodedata.category(ch)
    if category == "So" and ch not in "°©®™":
        return False
    return not (category.startswith("C") and ch not in "\t\n")


# --- sentence splitting ------------------------------------------------------------------------

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "jr",
    "sr",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "no",
    "fig",
    "inc",
    "ltd",
    "co",
    "corp",
    "approx",
    "dept",
    "est",
    "u.s",
    "u.k",
    "a.m",
    "p.m",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mt",
    "ft",
    "vol",
}
# Starts only at the first mark of a run ("!!!", "...."), so a long run is scanned once.
_BOUNDARY = re.compile(r"(?<![.!?…])([.!?…]++[\"'’”)\]]*+)\s++(?=[\"'‘“(\[]?[A-Z0-9À-ÖØ-Þ])")
# About 50 words, 15-20 s of speech: a sentence a listener can follow, a clip the engine renders
# and verifies on its own, and a retry that repeats little (a longer piece is cut between words).
MAX_UTTERANCE_CHARS = 300


def split_sentences(text: str) -> list[str]:
    """Sentence-sized pieces: split at sentence ends, then split anything still too long."""
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group(1) == "." and _is_abbreviation(text[max(start, match.start() - 64) : match.start()]):
            continue  # "Dr. Smith", "J. Doe": not a sentence end
        pieces.append(text[start : match.end(1)].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [short for piece in pieces if piece for short in _split_long(piece)]


def _is_abbreviation(before: str) -> bool:
    """Whether the word ending ``before`` (a short tail of the text) is an abbreviation or an
    initial; only the tail is looked at, so skipping many of them stays linear."""
    words = before.rstrip(".!?…\"'’”)]").split()
    last_word = words[-1].lower() if words else ""
    return last_word in _ABBREVIATIONS or len(last_word) == 1


def _split_long(sentence: str, limit: int = MAX_UTTERANCE_CHARS) -> list[str]:
    """Break an over-long sentence at clause punctuation, else between words, else anywhere."""
    if len(sentence) <= limit:
        return [sentence]
    for separator in (r"(?<=[;:])\s+", r"(?<=,)\s+", r"(?<!\s)\s+(?=—|–)", r"\s+"):
        parts = re.split(separator, sentence)
        if len(parts) > 1:
            chunks: list[str] = []
            for part in parts:
                if chunks and len(chunks[-1]) + 1 + len(part) <= limit:
                    chunks[-1] += " " + part
                else:
                    chunks.append(part)
            return [c for chunk in chunks for c in _split_long(chunk, limit)]
    return [sentence[i : i + limit] for i in range(0, len(sentence), limit)]


# --- spoken form (English) ---------------------------------------------------------------------

_CURRENCY_WORDS = {
    "$": ("dollars", "cents"),
    "€": ("euros", "cents"),
    "£": ("pounds", "pence"),
    "¥": ("yen", ""),
    "USD": ("dollars", "cents"),
    "EUR": ("euros", "cents"),
    "GBP": ("pounds", "pence"),
}
_SCALE = {
    "k": "thousand",
    "m": "million",
    "mn": "million",
    "bn": "billion",
    "b": "billion",
    "tn": "trillion",
    "thousand": "thousand",
    "million": "million",
    "billion": "billion",
    "trillion": "trillion",
}
# A written number (digits, thousands separators, decimals), bounded: see the note at the top.
_NUMBER = r"\d[\d,]{0,24}+(?:\.\d{1,12}+)?"
_CURRENCY = re.compile(
    rf"(?P<sym>[$€£¥]|\b(?:USD|EUR|GBP)\s?)(?P<num>{_NUMBER})"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[kKmMbB])\b)?"
)
_UNITS = {
    "km": "kilometres",
    "m": "metres",
    "cm": "centimetres",
    "mm": "millimetres",
    "kg": "kilograms",
    "g": "grams",
    "mg": "milligrams",
    "t": "tonnes",
    "l": "litres",
    "ml": "millilitres",
    "W": "watts",
    "kW": "kilowatts",
    "MW": "megawatts",
    "GW": "gigawatts",
    "kWh": "kilowatt hours",
    "MWh": "megawatt hours",
    "GWh": "gigawatt hours",
    "TWh": "terawatt hours",
    "mph": "miles per hour",
    "km/h": "kilometres per hour",
    "°C": "degrees Celsius",
    "°F": "degrees Fahrenheit",
    "GB": "gigabytes",
    "MB": "megabytes",
    "TB": "terabytes",
    "ms": "milliseconds",
}
_UNIT = re.compile(
    rf"(?<![\w.])(?P<num>[−-]?{_NUMBER})\s?(?P<unit>km/h|kWh|MWh|GWh|TWh|°C|°F|km|cm|mm|kg"
    r"|mg|ml|kW|MW|GW|GB|MB|TB|mph|ms|m|g|t|l|W)(?![\w°/])"
)
_RANGE = re.compile(r"(?<![\w.])(\d[\d,.]{0,24})\s?[–—-]\s?(\d[\d,.]{0,24})(?![\w.]*+-)")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_YEAR = re.compile(
    r"\b(in|since|by|from|until|of|year|the|early|late|mid|around|before|after)"
    r"\s+(1[1-9]\d\d|20\d\d)\b(?!,\d)",
    re.IGNORECASE,
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
# Bounded as in RFC 5321: at most 64 characters before the @, labels of at most 63; the name
# starts where its run of name characters starts (a whole run is tried once, not at every dot).
_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-]{1,64})@([\w-]{1,63}(?:\.[\w-]{1,63})+)\b")
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


def number_words(n: int) -> str:
    """Cardinal number words for 0 ≤ n < 100 (enough for years; espeak handles the rest)."""
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


_CURRENCY_RANGE = re.compile(rf"([$€£¥])({_NUMBER})\s?[–-]\s?\1?({_NUMBER})(?![\d.]*+\s?(?:bn|mn|k)\b)")


def _currency_range(match: re.Match[str]) -> str:
    return f"{match.group(2)} to {match.group(3)} {_CURRENCY_WORDS[match.group(1)][0]}"


def _currency(match: re.Match[str]) -> str:
    major, minor = _CURRENCY_WORDS[match.group("sym").strip()]
    number = match.group("num").replace(",", "")
    scale = match.group("scale")
    if scale:
        return f"{number} {_SCALE[scale.lower()]} {major}"
    whole, _, cents = number.partition(".")
    if cents and minor and len(cents) == 2 and int(cents):
        return f"{whole} {major} {int(cents)} {minor}"
    return f"{number} {major}" if whole != "1" else f"1 {major.rstrip('s')}"


def _url(match: re.Match[str]) -> str:
    """Only the host, said as words; sentence punctuation swallowed by the match is put back."""
    url = match.group(0)
    trailing = url[len(url.rstrip(".,;:!?")) :]
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url, flags=re.IGNORECASE)
    host = host.split("/")[0].split("?")[0].rstrip(".,;:")
    return " dot ".join(host.split(".")) + trailing


_FRACTIONS = {
    "1/2": "one half",
    "1/3": "one third",
    "2/3": "two thirds",
    "1/4": "one quarter",
    "3/4": "three quarters",
    "1/5": "one fifth",
    "1/10": "one tenth",
}
_FRACTION = re.compile(r"(?<![\d/])(\d+/\d+)(?![\d/])")
_CLOCK = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b(?!:)(\s?[ap]\.?m\.?)?", re.IGNORECASE)
_MONTH_NAMES = "|".join(MONTHS)
_MONTH_YEAR = re.compile(  # "March 12, 2026", "March 2026", "12 March 2026": the year said as a year
    rf"\b((?:{_MONTH_NAMES})(?:\s\d{{1,2}}(?:st|nd|rd|th)?,?)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s(?:{_MONTH_NAMES}),?)\s(1[1-9]\d\d|20\d\d)\b"
)
# Said letter by letter although espeak would read them as a word; the lexicon adds more.
SPELLED_ACRONYMS = ("FAQ", "SUV", "CEO", "GIF", "JPEG")
_SPELLED = re.compile(r"\b(" + "|".join(SPELLED_ACRONYMS) + r")(s?)\b")
_ABBREVIATION_WORDS = (
    (re.compile(r"\bvs\.?(?=\s)", re.IGNORECASE), "versus"),
    (re.compile(r"\bi\.e\.,?", re.IGNORECASE), "that is,"),
    (re.compile(r"\be\.g\.,?", re.IGNORECASE), "for example,"),
    (re.compile(r"\bNo\.\s?(?=\d)"), "number "),
    (re.compile(r"(?<!\w)#(?=\d)"), "number "),
    (re.compile(r"\bapprox\.", re.IGNORECASE), "approximately"),
    (re.compile(r"\bPh\.\s?D\.?"), "P H D"),
    (re.compile(r"\bSt\.(?=\s[A-Z])"), "Saint"),
)


def _fraction(match: re.Match[str]) -> str:
    return _FRACTIONS.get(match.group(1), match.group(1).replace("/", " over "))


def _clock(match: re.Match[str]) -> str:
    hour, minute, meridiem = int(match.group(1)), int(match.group(2)), match.group(3)
    said_hour = number_words(hour) if hour else "zero"
    if minute == 0:
        words = f"{said_hour} o'clock" if not meridiem else said_hour
    elif minute < 10:
        words = f"{said_hour} oh {_ONES[minute]}"
    else:
        words = f"{said_hour} {number_words(minute)}"
    if meridiem:
        words += " a.m." if meridiem.strip().lower().startswith("a") else " p.m."
    return words


def _iso_date(match: re.Match[str]) -> str:
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group(0)
    return f"{MONTHS[month - 1]} {day}, {year_words(year)}"


_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_URL, _url),
    (_EMAIL, lambda m: f"{m.group(1)} at {' dot '.join(m.group(2).split('.'))}"),
    (_ISO_DATE, _iso_date),
    (_MONTH_YEAR, lambda m: f"{m.group(1)} {year_words(int(m.group(2)))}"),
    (_CLOCK, _clock),
    *_ABBREVIATION_WORDS,
    (_CURRENCY_RANGE, _currency_range),
    (_CURRENCY, _currency),
    (_FRACTION, _fraction),
    (_RANGE, lambda m: f"{m.group(1)} to {m.group(2)}"),
    (re.compile(r"(?:(?<=\s)|^)[−-](?=\d)|−(?=\d)"), "minus "),  # a sign, not a hyphen
    (_UNIT, lambda m: f"{m.group('num')} {_UNITS[m.group('unit')]}"),
    (_YEAR, lambda m: f"{m.group(1)} {year_words(int(m.group(2)))}"),
    (re.compile(r"\bCO[2₂]\b"), "C O 2"),
    (_SPELLED, lambda m: " ".join(m.group(1)) + ("'s" if m.group(2) else "")),
    (re.compile(r"±\s?"), "plus or minus "),
    (re.compile(r"(?:(?<=\s)|^)\+(?=\d)"), "plus "),
    (re.compile(r"\s=\s"), " equals "),
    (re.compile(r"§\s?"), "section "),
    (re.compile(r"(?<!\s)\s*&\s*"), " and "),
    (re.compile(r"(?<=\d)\s?%"), " percent"),
    (re.compile(r"(?<!\s)(?:\s*[—―]\s*|\s+[–-]\s+)"), ", "),  # dashes between clauses read as a pause
    (re.compile(r"(?<!\s)\s*(?:→|->)\s*"), " to "),
    (re.compile(r"(?<=\d)\s?×\s?(?=\d)"), " by "),
    (re.compile(r"[“”„«»]"), '"'),
    (re.compile(r"[‘’‚‹›]"), "'"),
    (re.compile(r"…"), "..."),
    (re.compile(r"[*_#|<>`~^\\{}\[\]]+"), " "),  # markup remnants are never read as symbols
)


def speak_english(caption: str) -> str:
    text = caption
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", text)).strip(" ,")


def spoken_form(caption: str, language: str) -> str:
    """The text to give the engine for a cleaned sentence."""
    if language.lower().split("-")[0] == "en":
        return speak_english(caption)
    # Other languages: the engine's own reading, minus markup remnants it would read out.
    return _SPACES.sub(" ", re.sub(r"[*_#|<>`~^\\{}\[\]]+", " ", caption)).strip()
