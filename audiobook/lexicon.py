"""Pronunciation lexicon: whole-word replacements applied to the spoken text of each sentence.

Entries come from `lexicon.toml` beside the articles (or a `[lexicon]` table in `audiobook.toml`)
and from an article's front matter (`lexicon:` mapping), the article's own winning. Because the
replacement works per sentence, changing an entry changes only the sentences containing the word.

Entries are applied once, all together: a respelling is never matched again by another entry
(so `a = "b b"`, `b = "c c"` cannot multiply the text), and a respelling is at most
MAX_SAY_CHARS long.

    # lexicon.toml
    [words]                  # case-insensitive
    Nguyen = "Win"           # a respelling: every engine says it
    Siobhan = { say = "Shiv-awn", ipa = "ʃɪvˈɔːn" }   # IPA phonemes for Piper
    "Dvořák" = { ipa = "dvˈɔːʒɑːk" }                 # IPA only: espeak reads the word as written
    Nguyen = { say = "Win", ipa = "wˈɪn", espeak = "w'In" }   # and espeak's own phoneme notation
    [case_sensitive]         # only this exact spelling
    SQL = "sequel"

Phonemes are IPA as espeak-ng writes it (what Piper voices are trained on: `ˈ` before the
stressed syllable, `ː` for length); checked when the lexicon is read. espeak takes phonemes too,
but in its own ASCII notation (Kirshenbaum-like: `w'In` is "win"), so an entry may give those as
`espeak`. A word with phonemes reaches the engines as one *pronunciation mark* in the spoken text
(its respelling and its phonemes between noncharacters, which no article text can hold: captions
drop them): each engine speaks the phonemes it takes (`spoken_parts`), else the respelling
(`respelled`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

# A respelling is a word or a short phrase; 200 characters is a long sentence already.
MAX_SAY_CHARS = 200

# A pronunciation mark: OPEN respelling SPLIT IPA [ESPEAK espeak's phonemes] CLOSE (Unicode
# noncharacters, see above).
_OPEN, _SPLIT, _ESPEAK, _CLOSE = "\ufdd0", "\ufdd1", "\ufdd3", "\ufdd2"
_FIELD = f"([^{_OPEN}{_SPLIT}{_ESPEAK}{_CLOSE}]*)"
_MARK = re.compile(f"{_OPEN}{_FIELD}{_SPLIT}{_FIELD}(?:{_ESPEAK}{_FIELD})?{_CLOSE}")
# What is left of a mark cut in two (a very long sentence split inside its respelling): the
# phoneme half goes (it is not text to read), the rest of the respelling stays.
_STRAY = re.compile(f"{_SPLIT}[^{_OPEN}{_CLOSE}]*(?:{_CLOSE}|$)|[{_OPEN}{_ESPEAK}{_CLOSE}]")
# IPA as espeak-ng writes it, after NFD: ASCII lower-case letters, IPA extensions and spacing
# modifiers (ˈ ˌ ː ʰ …), combining diacritics, a few letters from other blocks; spaces between
# words. No punctuation: a comma or full stop would be read as a pause.
_IPA_BLOCKS = ((0x61, 0x7A), (0x250, 0x2FF), (0x300, 0x36F))
_IPA_OTHERS = set("æçðøħŋœβθχεᵻⱱǀǁǂǃ ")


# What people type for IPA marks on a keyboard, and the mark meant.
_KEYBOARD_MARKS = {"'": "ˈ", '"': "ˈ", ",": "ˌ", ":": "ː"}


def ipa_problem(ipa: str) -> str | None:
    """Why ``ipa`` (NFD) cannot be phonemes for the neural engine, or None."""
    if not ipa.strip():
        return "is empty"
    for char in ipa:
        if char not in _IPA_OTHERS and not any(low <= ord(char) <= high for low, high in _IPA_BLOCKS):
            meant = _KEYBOARD_MARKS.get(char)
            hint = f" (for a stress or length mark write {meant})" if meant else ""
            return f"holds {char!r} (U+{ord(char):04X}), which is not an IPA phoneme as espeak-ng writes them{hint}"
    return None


def espeak_problem(phonemes: str) -> str | None:
    """Why ``phonemes`` cannot be espeak phoneme mnemonics, or None (espeak itself has no check:
    it says what it can of them)."""
    if not phonemes.strip():
        return "is empty"
    for char in phonemes:
        if not " " <= char <= "~" or char in "[]":
            return f"holds {char!r} (U+{ord(char):04X}); espeak's phoneme notation is ASCII, without [ or ]"
    return None


def ipa_spelling(ipa: str) -> str:
    """``ipa`` as the voices spell it: decomposed (NFD, as Piper splits espeak's output), single
    spaces, and the keyboard's "g" as the IPA letter "ɡ" (the same sound; voices know only "ɡ")."""
    return " ".join(unicodedata.normalize("NFD", ipa).replace("g", "ɡ").split())


@dataclass(frozen=True)
class Pronounced:
    """A word the lexicon gives phonemes for, inside spoken text: its respelling and its phonemes."""

    say: str
    ipa: str  # "" when only espeak's phonemes are given
    espeak: str = ""  # espeak's own notation, "" when not given


def pronounced(say: str, ipa: str, espeak: str = "") -> str:
    """The pronunciation mark for spoken text (see the module docstring)."""
    return f"{_OPEN}{say}{_SPLIT}{ipa}{_ESPEAK + espeak if espeak else ''}{_CLOSE}"


def spoken_parts(text: str) -> list[str | Pronounced]:
    """Spoken text as plain pieces and the pronunciations between them, in order."""
    parts: list[str | Pronounced] = []
    position = 0
    for mark in _MARK.finditer(text):
        if mark.start() > position:
            parts.append(_STRAY.sub("", text[position : mark.start()]))
        parts.append(Pronounced(mark.group(1), mark.group(2), mark.group(3) or ""))
        position = mark.end()
    if position < len(text):
        parts.append(_STRAY.sub("", text[position:]))
    return parts


def respelled(text: str) -> str:
    """Spoken text for an engine without phoneme input: each pronunciation as its respelling."""
    return _STRAY.sub("", _MARK.sub(lambda mark: mark.group(1), text))


def shown(text: str) -> str:
    """Spoken text for a person to read (`audiobook script`): each pronunciation as its
    respelling followed by the phonemes the neural voice says, "Shivawn /ʃɪvˈɔːn/"."""

    def show(mark: re.Match[str]) -> str:
        phonemes = mark.group(2) or mark.group(3) or ""
        return f"{mark.group(1)} /{phonemes}/" if phonemes else mark.group(1)

    return _STRAY.sub("", _MARK.sub(show, text))


_EDGE_BEFORE = r"(?<![\w'’-])"
_EDGE_AFTER = r"(?![\w'’-])"


@dataclass(frozen=True)
class LexiconEntry:
    word: str
    say: str  # the respelling (the word itself when only phonemes are given)
    case_sensitive: bool = False
    ipa: str | None = None  # phonemes for engines that take IPA (NFD, checked by ipa_problem)
    espeak: str | None = None  # phonemes in espeak's own notation (checked by espeak_problem)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        flags = 0 if self.case_sensitive else re.IGNORECASE
        return re.compile(rf"{_EDGE_BEFORE}{re.escape(self.word)}{_EDGE_AFTER}", flags)

    def replacement(self, match: re.Match[str]) -> str:
        """The respelling; capitalised where the matched word was (sentence starts)."""
        return self.said_for(match.group(0))

    def said_for(self, found: str) -> str:
        say = self.say
        if not self.case_sensitive and found[:1].isupper() and say[:1].islower():
            say = say[:1].upper() + say[1:]
        return pronounced(say, self.ipa or "", self.espeak or "") if self.ipa or self.espeak else say


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[LexiconEntry, ...] = ()

    def merged(self, other: Lexicon) -> Lexicon:
        """``other``'s entries override ours for the same word."""
        words = {e.word.lower() for e in other.entries}
        return Lexicon(tuple(e for e in self.entries if e.word.lower() not in words) + other.entries)

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        """All entries as one alternation, one group each; longer words first, so a phrase
        ("New York") wins over a word inside it ("York")."""
        if not self.entries:
            return None
        order = sorted(range(len(self.entries)), key=lambda i: -len(self.entries[i].word))
        alternatives = []
        for i in order:
            entry = self.entries[i]
            word = re.escape(entry.word)
            alternatives.append(f"(?P<e{i}>{word})" if entry.case_sensitive else f"(?P<e{i}>(?i:{word}))")
        return re.compile(f"{_EDGE_BEFORE}(?:{'|'.join(alternatives)}){_EDGE_AFTER}")

    def apply(self, text: str) -> str:
        """Replace every entry's word in one pass: replacements are not searched again."""
        if self._pattern is None:
            return text

        def said(match: re.Match[str]) -> str:
            entry = self.entries[int(match.lastgroup[1:])]  # type: ignore[index]
            return entry.said_for(match.group(0))

        return self._pattern.sub(said, text)

    def shield(self, text: str) -> tuple[str, list[str]]:
        """``text`` with each entry's word replaced by a placeholder character (U+E000 + its
        index in the returned list of respellings), so the normalization rules cannot change a
        word the lexicon says how to say; the caller puts the respellings back afterwards."""
        if self._pattern is None:
            return text, []
        said: list[str] = []

        def hide(match: re.Match[str]) -> str:
            if len(said) >= 6400:  # the private-use area; a sentence never has this many words
                return match.group(0)
            said.append(self.entries[int(match.lastgroup[1:])].said_for(match.group(0)))  # type: ignore[index]
            return chr(0xE000 + len(said) - 1)

        return self._pattern.sub(hide, text), said

    def matches(self, text: str) -> set[str]:
        return {entry.word for entry in self.entries if entry.pattern.search(text)}


def lexicon_from_mapping(data: dict[str, object], origin: str) -> Lexicon:
    """Build from `{words: {..}, case_sensitive: {..}}` or a flat `{word: say}` mapping; an entry
    is a respelling or a table `{say = "...", ipa = "...", espeak = "..."}` (any of them)."""
    from .errors import AudiobookError

    entries: list[LexiconEntry] = []
    tables = {k: v for k, v in data.items() if k in ("words", "case_sensitive") and isinstance(v, dict)}
    flat = {k: v for k, v in data.items() if k not in tables}
    unknown = sorted(k for k, v in flat.items() if isinstance(v, dict) and not set(v) <= set(_ENTRY_KEYS))
    if unknown:
        raise AudiobookError(
            f"{origin}: unknown lexicon table(s) or entries: {', '.join(unknown)}"
            f" (tables are [words] and [case_sensitive]; an entry gives {', '.join(_ENTRY_KEYS)})"
        )
    for case_sensitive, table in (
        (False, flat),
        (False, tables.get("words", {})),
        (True, tables.get("case_sensitive", {})),
    ):
        for word, value in table.items():
            entries.append(_entry(str(word), value, case_sensitive, origin))
    return Lexicon(tuple(entries))


_ENTRY_KEYS = ("say", "ipa", "espeak")


def _entry(word: str, value: object, case_sensitive: bool, origin: str) -> LexiconEntry:
    """One entry, checked: a problem is one line naming the file and the entry."""
    from .errors import AudiobookError

    def refuse(reason: str) -> AudiobookError:
        return AudiobookError(f"{origin}: lexicon entry {word!r} {reason}")

    if not word.strip():
        raise refuse("must map a word to text to say")
    if isinstance(value, dict):
        extra = sorted(set(value) - set(_ENTRY_KEYS))
        if extra:
            raise refuse(f"has unknown key(s) {', '.join(extra)} (an entry gives {', '.join(_ENTRY_KEYS)})")
        if not set(value) & set(_ENTRY_KEYS):
            raise refuse(f"gives none of {', '.join(_ENTRY_KEYS)}")
        say, ipa, espeak = value.get("say", word.strip()), value.get("ipa"), value.get("espeak")
    else:
        say, ipa, espeak = value, None, None
    if not isinstance(say, str) or not say.strip():
        raise refuse("must map a word to text to say")
    if len(say.strip()) > MAX_SAY_CHARS:
        raise refuse(f"says {len(say.strip()):,} characters; the limit is {MAX_SAY_CHARS}")
    if any(unicodedata.category(c).startswith("C") for c in say):
        raise refuse("says text holding control or unassigned characters")
    if ipa is not None:
        if not isinstance(ipa, str):
            raise refuse("must give its ipa as text")
        ipa = ipa_spelling(ipa)
        if len(ipa) > MAX_SAY_CHARS:
            raise refuse(f"gives {len(ipa):,} characters of ipa; the limit is {MAX_SAY_CHARS}")
        problem = ipa_problem(ipa)
        if problem:
            raise refuse(f"ipa {ipa!r} {problem}")
    if espeak is not None:
        if not isinstance(espeak, str):
            raise refuse("must give its espeak phonemes as text")
        espeak = " ".join(espeak.split())
        problem = espeak_problem(espeak) or (
            f"is {len(espeak):,} characters; the limit is {MAX_SAY_CHARS}" if len(espeak) > MAX_SAY_CHARS else None
        )
        if problem:
            raise refuse(f"espeak {espeak!r} {problem}")
    return LexiconEntry(word.strip(), say.strip(), case_sensitive, ipa, espeak)
