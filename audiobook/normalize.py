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
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from . import english
from .english import MONTHS, number_words, year_words  # noqa: F401  (re-exported)

if TYPE_CHECKING:
    from .lexicon import Lexicon

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
    text = _PAGE_FURNITURE.sub("", text)
    text = "".join(ch for ch in text if _keep_char(ch))
    text = _SPACES.sub(" ", text).strip()
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)


# "word ." → "word." but "C# and .NET" keeps its space (the mark starts a word there).
_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<!\s)\s+([.,;:!?])(?![\w])")
# Page furniture inside a sentence: "· 5 min read", "Updated 2 hours ago".
_PAGE_FURNITURE = re.compile(
    r"(?:^|\s?[·•|]\s?)\d{1,3}[- ](?i:min(?:ute)?s?\sread)\b|\b(?:Updated|Published|Posted|Edited)\s(?:\d{1,3}|an?|one)"
    r"\s(?:second|minute|hour|day|week|month)s?\sago\b\.?"
)


def _keep_char(ch: str) -> bool:
    """Drop emoji, pictographs and control characters; keep letters of every script."""
    category = unicodedata.category(ch)
    if category == "So" and ch not in "°©®™⌘⌥⇧⌃":
        return False
    return not (category.startswith("C") and ch not in "\t\n")


# --- sentence splitting ------------------------------------------------------------------------

# Abbreviations and titles the splitter never breaks after ("Gov. Newsom", "Lt. Col. Smith"),
# from audiobook/data/titles.toml.
_TITLES = english.data("titles")
_ABBREVIATIONS = {
    *_TITLES["no_break"]["words"],
    *(
        name.lower()
        for table in ("before_name", "after_name", "street", "weekdays", "months")
        for name in _TITLES[table]
    ),
}
# "Cat. 5", "Art. 3": an abbreviation only before a number ("the cat. Then…" ends a sentence).
_NUMBERED_ONLY = {name.lower() for name in _TITLES["before_number"]} - _ABBREVIATIONS
# "in Nov." ends the sentence before a word ("…in Nov. Then it ended."), not before a day ("Nov. 5")
# or another date word ("Tue. Jan. 7").
_DATE_ABBREVIATIONS = {name.lower() for table in ("weekdays", "months") for name in _TITLES[table]}
_DATE_WORDS = "|".join(sorted(_DATE_ABBREVIATIONS, key=len, reverse=True))
_DATE_WORD = re.compile(rf"[\"'‘“(\[]?(?:\d|(?:{_DATE_WORDS})\b)", re.IGNORECASE)
# "Trump, Ind. No. 71543-23", "Ind. Code § 35-42": a state's abbreviation inside a legal citation
# (a case number or the state's code follows) does not end the sentence.
_STATE_ABBREVIATIONS = {name.lower() for name in english.data("places")["states"] if name.endswith(".")}
_CITATION_AFTER_STATE = re.compile(r"(?:No\.\s?\d|Code\b|Const\.|Stat\.|Ct\.|App\.)")
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
        tail = text[max(start, match.start() - 64) : match.start()]
        if match.group(1) == "." and _numbered_only(tail) and text[match.end() : match.end() + 1].isdigit():
            continue  # "Cat. 5", "Art. 3"
        if match.group(1) == "." and _is_abbreviation(tail) and not _ends_at_date(tail, text, match.end()):
            continue  # "Dr. Smith", "J. Doe": not a sentence end
        if match.group(1) == "." and _state_in_citation(tail, text, match.end()):
            continue  # "Trump, Ind. No. 71543-23"
        pieces.append(text[start : match.end(1)].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [short for piece in pieces if piece for short in _split_long(piece)]


def _is_abbreviation(before: str) -> bool:
    """Whether the word ending ``before`` (a short tail of the text) is an abbreviation or an
    initial; only the tail is looked at, so skipping many of them stays linear."""
    words = before.rstrip(".!?…\"'’”)]").split()
    last_word = re.split(r"[–/-]", words[-1])[-1].lower() if words else ""  # "27-Dec." as "Dec."
    if not before.endswith((")", "]")):  # "(b. 1934)": an initial inside an open bracket ("(a)." ends)
        last_word = last_word.lstrip("(['\"‘“")
    initialism = len(last_word) >= 3 and last_word[1::2] == "." * (len(last_word) // 2)  # "u.n", "d.c"
    return last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()) or initialism


def _state_in_citation(before: str, text: str, next_start: int) -> bool:
    words = before.split()
    state = bool(words) and words[-1].lower() + "." in _STATE_ABBREVIATIONS
    return state and _CITATION_AFTER_STATE.match(text, next_start) is not None


def _numbered_only(before: str) -> bool:
    words = before.split()
    return bool(words) and words[-1].lower() in _NUMBERED_ONLY


def _ends_at_date(before: str, text: str, next_start: int) -> bool:
    """Whether a month or weekday abbreviation ends the sentence: a word, not a day or another
    date word, follows it."""
    words = before.split()
    last_word = re.split(r"[–/-]", words[-1])[-1].lower() if words else ""
    return last_word in _DATE_ABBREVIATIONS and not _DATE_WORD.match(text, next_start)


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

_RANGE = re.compile(r"(?<![\w.])(?<!\d[–—-])(\d[\d,.]{0,24})\s?[–—-]\s?(\d[\d,.]{0,24})(?![\w.]*+-)")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
# Bounded as in RFC 5321: at most 64 characters before the @, labels of at most 63; the name
# starts where its run of name characters starts (a whole run is tried once, not at every dot).
_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-]{1,64})@([\w-]{1,63}(?:\.[\w-]{1,63})+)\b")


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
_FRACTION = re.compile(r"(?<![\d/])((?:\d{1,3}\.(?=\d{1,2}/(?:5|10)\b))?\d{1,12}/\d{1,12})(?![\d/])")
_ABBREVIATION_WORDS = (
    (re.compile(r"\bvs\.?(?=\s)", re.IGNORECASE), "versus"),
    (re.compile(r"\bi\.e\.,?", re.IGNORECASE), "that is,"),
    (re.compile(r"\be\.g\.,?", re.IGNORECASE), "for example,"),
    (re.compile(r"\bPh\.\s?D\.?"), "P H D"),
)
_NUMBER_WORDS = (
    # "No. 23-1145": a docket or file number, its parts read apart and never as a range
    # (the second part in pairs, "23-1145" → "23, 11 45")
    (
        re.compile(r"\bNo\.\s?(\d{1,7})-(\d{2,7})(?![\w-])"),
        lambda m: (
            f"number {english.identifiers.identifier_number(m.group(1))}, "
            + english.identifiers.identifier_number(m.group(2))
        ),
    ),
    (re.compile(r"\bNo\.\s?(?=\d)"), "number "),
    # "H.R. 7521", "SB 1047": a bill, its four digits said in pairs like a year ("ten forty-seven")
    (
        re.compile(r"\b(H\.\s?R\.|S\.\s?B\.|H\.\s?B\.|A\.\s?B\.|SB|HB|AB|S\.)\s(\d\d)([1-9]\d)\b"),
        lambda m: f"{' '.join(ch for ch in m.group(1) if ch.isalpha())} {m.group(2)} {m.group(3)}",
    ),
    (re.compile(r"\bNos\.\s?(?=\d)"), "numbers "),
    (re.compile(r"(?<!\w)#(?=\d)"), "number "),
)


def _fraction(match: re.Match[str]) -> str:
    top, _, bottom = match.group(1).partition("/")
    if "." in top:
        return f"{top} out of {bottom}"  # a rating: "2.1/5"
    if len(top) == 2 and len(bottom) == 2 and int(top) + int(bottom) == 100:
        return f"{top} {bottom}"  # "a 60/40 split": sixty-forty
    if match.group(1) in _FRACTIONS:
        return _FRACTIONS[match.group(1)]
    if bottom in ("5", "10", "100") and int(top) <= int(bottom):
        return f"{top} out of {bottom}"  # a rating or a share: "10/10", "9/10 doctors"
    if 0 < int(top) < int(bottom) <= 1000 and _SHARE_AFTER.match(match.string, match.end()):
        return _fraction_words(int(top), int(bottom))  # "1/30 the width", "3/8 of an inch"
    return match.group(1).replace("/", " over ")


_SHARE_AFTER = re.compile(r"\s(?:of|the)\s")


def _fraction_words(top: int, bottom: int) -> str:
    """3/8 → "three eighths", 1/30 → "one thirtieth" (a share of a whole)."""
    name = {2: "half", 4: "quarter"}.get(bottom) or english.ordinal(bottom)
    if top > 1:
        name = "halves" if bottom == 2 else name + "s"
    return f"{english.cardinal(top)} {name}"


_SIGN = re.compile(r"(?:(?<=\s)|^)[−-](?=\.?\d)|−(?=\d)")
_HAS_DIGIT = re.compile(r"\d")
_HAS_LOWER = re.compile(r"[a-z]")
_LINKS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_URL, _url),
    (_EMAIL, lambda m: f"{m.group(1)} at {' dot '.join(m.group(2).split('.'))}"),
)
_NUMBER_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    *_NUMBER_WORDS,
    (_FRACTION, _fraction),
    (_RANGE, lambda m: f"{m.group(1)} to {m.group(2)}"),
    (_SIGN, "minus "),  # a sign, not a hyphen
)
_SYMBOL_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    *_ABBREVIATION_WORDS,
    (re.compile(r"\bCO[2₂]\b"), "C O 2"),
    (re.compile(r"±\s?"), "plus or minus "),
    (re.compile(r"(?:(?<=\s)|^)\+(?=\.?\d)"), "plus "),
    (re.compile(r"\s=\s"), " equals "),
    (re.compile(r"§\s?"), "section "),
    (re.compile(r"(?<!\s)\s*&\s*"), " and "),
    (re.compile(r"(?<=\d)\s?%"), " percent"),
    (re.compile(r"(?<=\d)\s?°(?![CF])"), " degrees"),
    (re.compile(r"(?<!\s)(?:\s*[—―]\s*|\s+[–-]\s+)"), ", "),  # dashes between clauses read as a pause
    (re.compile(r"(?<!\s)\s*(?:→|->)\s*"), " to "),
    (re.compile(r"(?<=\d)\s?×\s?(?=\d)"), " by "),
    (re.compile(r"(?<=[a-z)])²"), " squared"),
    (re.compile(r"(?<=[a-z)])³"), " cubed"),
    (re.compile(r"[“”„«»]"), '"'),
    (re.compile(r"[‘’‚‹›]"), "'"),
    (re.compile(r"…"), "..."),
)
_MARKUP_REMNANTS = re.compile(r"[*_#|<>`~^\\{}\[\]]+")  # never read as symbols


def _run(text: str, rules: Iterable[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]]) -> str:
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def speak_english(caption: str, locale: str = "", answering: bool = False) -> str:
    """The narrator's reading of an English sentence; ``locale`` ("us", "gb", …) orders numeric
    dates (see audiobook/english/__init__.py); ``answering``: an interview's "A:" follows a "Q:"."""
    before, numbers, unit, after, spelled = english.rules(locale)
    text = _run(caption, _LINKS)
    if answering:
        text = _run(text, (english.titles.ANSWER,))
    text = _run(text, before)
    if _HAS_DIGIT.search(text):
        text = _run(text, numbers)
        text = _run(text, _NUMBER_RULES)
        text = _run(text, (unit, english.year_rule()))
    text = _run(text, _SYMBOL_RULES)
    text = _run(text, after)
    if _HAS_LOWER.search(text):  # a sentence in capitals is not a row of acronyms
        text = spelled[0].sub(spelled[1], text)
    text = _MARKUP_REMNANTS.sub(" ", text)
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", text)).strip(" ,")
    if text[:1].islower() and not caption[:1].islower():  # "2020 was…" → "Twenty twenty was…"
        text = text[:1].upper() + text[1:]
    return text


_PLACEHOLDER = re.compile("[\ue000-\uf8ff]")


def spoken_form(caption: str, language: str, lexicon: Lexicon | None = None, answering: bool = False) -> str:
    """The text to give the engine for a cleaned sentence. Words of ``lexicon`` are said as it
    says, whatever the rules would make of them (lexicon entries win over the data files).
    ``answering``: a "Q:" was said just before, so a leading "A:" is the interview's "Answer:"."""
    said: list[str] = []
    if lexicon is not None:
        caption, said = lexicon.shield(caption)
    base, _, region = language.lower().partition("-")
    if base == "en":
        text = speak_english(caption, region, answering)
    else:  # Other languages: the engine's own reading, minus markup remnants it would read out.
        text = _SPACES.sub(" ", _MARKUP_REMNANTS.sub(" ", caption)).strip()
    if lexicon is not None:
        text = lexicon.apply(text)
        if said:
            text = _PLACEHOLDER.sub(lambda m: said[ord(m.group(0)) - 0xE000], text)
    return text
