"""Pronunciation lexicon: whole-word replacements applied to the spoken text of each sentence.

Entries come from `lexicon.toml` beside the articles (or a `[lexicon]` table in `audiobook.toml`)
and from an article's front matter (`lexicon:` mapping), the article's own winning. Because the
replacement works per sentence, changing an entry changes only the sentences containing the word.

Entries are applied once, all together: a respelling is never matched again by another entry
(so `a = "b b"`, `b = "c c"` cannot multiply the text), and a respelling is at most
MAX_SAY_CHARS long.

    # lexicon.toml
    [words]                  # case-insensitive
    Nguyen = "Win"
    [case_sensitive]         # only this exact spelling
    SQL = "sequel"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

# A respelling is a word or a short phrase; 200 characters is a long sentence already.
MAX_SAY_CHARS = 200
_EDGE_BEFORE = r"(?<![\w'’-])"
_EDGE_AFTER = r"(?![\w'’-])"


@dataclass(frozen=True)
class LexiconEntry:
    word: str
    say: str
    case_sensitive: bool = False

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        flags = 0 if self.case_sensitive else re.IGNORECASE
        return re.compile(rf"{_EDGE_BEFORE}{re.escape(self.word)}{_EDGE_AFTER}", flags)

    def replacement(self, match: re.Match[str]) -> str:
        """The respelling; capitalised where the matched word was (sentence starts)."""
        return self.said_for(match.group(0))

    def said_for(self, found: str) -> str:
        if not self.case_sensitive and found[:1].isupper() and self.say[:1].islower():
            return self.say[:1].upper() + self.say[1:]
        return self.say


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
    """Build from `{words: {..}, case_sensitive: {..}}` or a flat `{word: say}` mapping."""
    from .errors import AudiobookError

    entries: list[LexiconEntry] = []
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    flat = {k: v for k, v in data.items() if not isinstance(v, dict)}
    for case_sensitive, table in (
        (False, flat),
        (False, tables.get("words", {})),
        (True, tables.get("case_sensitive", {})),
    ):
        for word, say in table.items():
            if not isinstance(say, str) or not str(word).strip():
                raise AudiobookError(f"{origin}: lexicon entry {word!r} must map a word to text to say")
            if len(say.strip()) > MAX_SAY_CHARS:
                raise AudiobookError(
                    f"{origin}: lexicon entry {word!r} says {len(say.strip()):,} characters;"
                    f" the limit is {MAX_SAY_CHARS}"
                )
            entries.append(LexiconEntry(str(word).strip(), say.strip(), case_sensitive))
    unknown = set(tables) - {"words", "case_sensitive"}
    if unknown:
        raise AudiobookError(f"{origin}: unknown lexicon table(s): {', '.join(sorted(unknown))}")
    return Lexicon(tuple(entries))
