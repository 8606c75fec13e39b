"""Text normalization for speech (English rules; other languages fall back to the engine).

Two outputs per sentence: a *caption* (what a reader sees in the transcript: page junk and
citation markers removed, otherwise as written) and the *spoken* text the engine is given, where
symbols, amounts, ranges and years are spelled the way a narrator would say them. espeak-ng
already reads plain numbers ("25,000", "28.8"), ordinals and common abbreviations correctly, so
the rules here only cover what it gets wrong (measured with espeak_TextToPhonemes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# --- caption cleaning (all languages) ----------------------------------------------------------

# "… competition. Source 8" / "… each. Source 8, Source 13" / "[3]" / "[^1]" / "[12, 13]"
_SOURCE_MARKER = re.compile(r"(?<=[.!?;:’”\"')\]])\s*\bSources?\s+\d+(?:\s*(?:,|and)\s*(?:Source\s+)?\d+)*\b")
_BRACKET_MARKER = re.compile(r"\s?\[(?:\^?\w{1,4}|\d+(?:\s*[,–-]\s*\d+)*)\]")
_SPACES = re.compile(r"\s+")


def clean_caption(text: str) -> str:
    text = _SOURCE_MARKER.sub("", text)
    text = _BRACKET_MARKER.sub("", text)
    text = "".join(ch for ch in text if _keep_char(ch))
    text = _SPACES.sub(" ", text).strip()
    return re.sub(r"\s+([.,;:!?])", r"\1", text)


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
_BOUNDARY = re.compile(r"([.!?…]+[\"'’”)\]]*)\s+(?=[\"'‘“(\[]?[A-Z0-9À-ÖØ-Þ])")
MAX_UTTERANCE_CHARS = 300


def split_sentences(text: str) -> list[str]:
    """Sentence-sized pieces: split at sentence ends, then split anything still too long."""
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.end(1)]
        last_word = before.rstrip(".!?…\"'’”)]").rsplit(None, 1)[-1].lower() if before.strip() else ""
        if match.group(1) == "." and (last_word in _ABBREVIATIONS or len(last_word) == 1):
            continue  # "Dr. Smith", "J. Doe": not a sentence end
        pieces.append(before.strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [short for piece in pieces if piece for short in _split_long(piece)]


def _split_long(sentence: str, limit: int = MAX_UTTERANCE_CHARS) -> list[str]:
    """Break an over-long sentence at clause punctuation, else between words, else anywhere."""
    if len(sentence) <= limit:
        return [sentence]
    for separator in (r"(?<=[;:])\s+", r"(?<=,)\s+", r"\s+(?=—|–)", r"\s+"):
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
_CURRENCY = re.compile(
    r"(?P<sym>[$€£¥]|\b(?:USD|EUR|GBP)\s?)(?P<num>\d[\d,]*(?:\.\d+)?)"
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
    r"(?<![\w.])(?P<num>[−-]?\d[\d,]*(?:\.\d+)?)\s?(?P<unit>km/h|kWh|MWh|GWh|TWh|°C|°F|km|cm|mm|kg"
    r"|mg|ml|kW|MW|GW|GB|MB|TB|mph|ms|m|g|t|l|W)(?![\w°/])"
)
_RANGE = re.compile(r"(?<![\w.])(\d[\d,.]*)\s?[–—-]\s?(\d[\d,.]*)(?![\w.]*-)")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_YEAR = re.compile(
    r"\b(in|since|by|from|until|of|year|the|early|late|mid|around|before|after)"
    r"\s+(1[1-9]\d\d|20\d\d)\b(?!,\d)",
    re.IGNORECASE,
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b")
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
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", match.group(0), flags=re.IGNORECASE)
    host = host.split("/")[0].split("?")[0].rstrip(".,;:")
    return " dot ".join(host.split("."))


def _iso_date(match: re.Match[str]) -> str:
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group(0)
    return f"{MONTHS[month - 1]} {day}, {year_words(year)}"


_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_URL, _url),
    (_EMAIL, lambda m: f"{m.group(1)} at {' dot '.join(m.group(2).split('.'))}"),
    (_ISO_DATE, _iso_date),
    (_CURRENCY, _currency),
    (_RANGE, lambda m: f"{m.group(1)} to {m.group(2)}"),
    (re.compile(r"(?:(?<=\s)|^)[−-](?=\d)|−(?=\d)"), "minus "),  # a sign, not a hyphen
    (_UNIT, lambda m: f"{m.group('num')} {_UNITS[m.group('unit')]}"),
    (_YEAR, lambda m: f"{m.group(1)} {year_words(int(m.group(2)))}"),
    (re.compile(r"\bCO[2₂]\b"), "C O 2"),
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"(?<=\d)\s?%"), " percent"),
    (re.compile(r"\s*[—―]\s*|\s+[–-]\s+"), ", "),  # dashes between clauses read as a pause
    (re.compile(r"\s*(?:→|->)\s*"), " to "),
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
    return re.sub(r"\s+([.,;:!?])", r"\1", _SPACES.sub(" ", text)).strip(" ,")


def spoken_form(caption: str, language: str) -> str:
    """The text to give the engine for a cleaned sentence."""
    if language.lower().split("-")[0] == "en":
        return speak_english(caption)
    # Other languages: the engine's own reading, minus markup remnants it would read out.
    return _SPACES.sub(" ", re.sub(r"[*_#|<>`~^\\{}\[\]]+", " ", caption)).strip()
