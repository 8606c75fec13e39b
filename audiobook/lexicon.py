"""Pronunciation lexicon: whole-word replacements applied to the spoken text of each sentence.

Entries come from `lexicon.toml` beside the articles (or a `[lexicon]` table in `audiobook.toml`)
and from an article's front matter (`lexicon:` mapping), the article's own winning. Because the
replacement works per sentence, changing an entry changes only the sentences containing the word.

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


@dataclass(frozen=True)
class LexiconEntry:
    word: str
    say: str
    case_sensitive: bool = False

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        flags = 0 if self.case_sensitive else re.IGNORECASE
        return re.compile(rf"(?<![\w'’-]){re.escape(self.word)}(?![\w'’-])", flags)

    def replacement(self, match: re.Match[str]) -> str:
        """The respelling; capitalised where the matched word was (sentence starts)."""
        found = match.group(0)
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

    def apply(self, text: str) -> str:
        for entry in self.entries:
            text = entry.pattern.sub(entry.replacement, text)
        return text

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
            entries.append(LexiconEntry(str(word).strip(), say.strip(), case_sensitive))
    unknown = set(tables) - {"words", "case_sensitive"}
    if unknown:
        raise AudiobookError(f"{origin}: unknown lexicon table(s): {', '.join(sorted(unknown))}")
    return Lexicon(tuple(entries))
