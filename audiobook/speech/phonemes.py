"""Spoken text to phonemes, and phonemes back to written words, for an engine that speaks
phonemes (Piper): pure functions over a phonemizer (``text → phonemes per sentence``).

Pronunciations. The lexicon's pronunciation marks (`lexicon.spoken_parts`) are spoken as their
phonemes; the plain text around them goes through the phonemizer. Piper's own ``[[ phonemes ]]``
is not used for this: its phonemizer drops the punctuation right after a block and joins the
next word to it (measured with piper-tts 1.8.0: "Met [[wˈɪn]], then left." → "mˈɛt wˈɪnðˈɛn
lˈɛft.", and "Met [[wˈɪn]]." loses its full stop), so the pause and the falling end were lost.
A ``[[`` in an article is text, not phonemes: it is taken apart before the phonemizer sees it.

Word timing. The engine knows how long each phoneme lasts; the reader needs written words. espeak
(Piper's phonemizer) does not say one phoneme word per written word: "1450" becomes four, "in the"
often one ("ɪnðə"), "Dr." a word it reads out. So each written word is phonemized alone, and the
letters of those (stress and length marks aside) are matched to the sentence's (difflib): each
phoneme of the sentence goes to the written word whose letters it matched, or, where the two
differ (a vowel reduced in context), to the word at the same place in the unmatched stretch.
Cut points between words then give each written word its own span, in order, covering the clip.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from difflib import SequenceMatcher

from ..lexicon import Pronounced, spoken_parts
from ..model import WordTiming

Phonemize = Callable[[str], list[list[str]]]

_BRACKETS = re.compile(r"\[\[|\]\]")
_LEADING_PUNCTUATION = re.compile(r"\s*([,;:.!?]+)")
_STRESS = ("ˈ", "ˌ")


def _escaped(text: str) -> str:
    """``[[`` and ``]]`` taken apart: Piper's phonemizer would read what is between as phonemes."""
    return _BRACKETS.sub(lambda m: f"{m.group(0)[0]} {m.group(0)[1]}", text)


def _ipa_parts(text: str) -> list[str | Pronounced]:
    """Spoken text as plain text and pronunciations with IPA; a pronunciation without IPA (only
    espeak's phonemes) is its respelling, read with the text around it."""
    parts: list[str | Pronounced] = []
    for part in spoken_parts(text):
        plain = part if isinstance(part, str) else None if part.ipa else part.say
        if plain is None:
            parts.append(part)
        elif parts and isinstance(parts[-1], str):
            parts[-1] += plain
        else:
            parts.append(plain)
    return parts


def sentence_phonemes(text: str, phonemize: Phonemize) -> list[list[str]]:
    """Phonemes per sentence: plain text exactly as the phonemizer reads it; pronunciations as
    their phonemes, with the spaces and the punctuation around them kept."""
    parts = _ipa_parts(text)
    if all(isinstance(part, str) for part in parts) and not _BRACKETS.search("".join(parts)):  # type: ignore[arg-type]
        return phonemize("".join(parts))  # type: ignore[arg-type]
    sentences: list[list[str]] = [[]]
    after_pronunciation = False
    for part in parts:
        if isinstance(part, Pronounced):
            if sentences[-1] and sentences[-1][-1] != " ":
                sentences[-1].append(" ")
            sentences[-1].extend(unicodedata.normalize("NFD", part.ipa))
            after_pronunciation = True
            continue
        plain = _escaped(part)
        lead = _LEADING_PUNCTUATION.match(plain) if after_pronunciation else None
        if lead:  # the phonemizer drops punctuation that starts its text: it belongs to the word before
            for mark in lead.group(1):
                if mark in ",;:":
                    sentences[-1] += [mark, " "]
                else:  # . ! ? end the sentence
                    sentences[-1].append(mark)
                    sentences.append([])
            plain = plain[lead.end() :]
        after_pronunciation = False
        found = phonemize(plain) if plain.strip() else []
        if found:
            first, *rest = found
            if sentences[-1] and first and sentences[-1][-1] != " ":
                sentences[-1].append(" ")
            sentences[-1].extend(first)
            sentences.extend(rest)
    return [sentence for sentence in sentences if sentence]


def _is_letter(phoneme: str) -> bool:
    """A phoneme that is a sound of its own (not a stress or length mark, a diacritic, punctuation)."""
    return bool(phoneme) and unicodedata.category(phoneme[0]) in ("Ll", "Lu", "Lo")


def _letters(phonemes: list[str]) -> list[str]:
    return [phoneme for phoneme in phonemes if _is_letter(phoneme)]


def sounds(spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Per-phoneme spans (phoneme, start, end) → the letters with their spans, a stress mark
    joined to the letter after it and a length mark or diacritic to the letter before it;
    spaces and punctuation (pauses) belong to no letter."""
    letters: list[list] = []
    pending: int | None = None  # start of stress marks waiting for their letter
    joinable = False  # the phoneme before was a letter (or joined to one)
    for phoneme, start, end in spans:
        if phoneme in _STRESS:
            pending = start if pending is None else pending
            joinable = False
        elif _is_letter(phoneme):
            letters.append([phoneme, start if pending is None else pending, end])
            pending, joinable = None, True
        elif joinable and phoneme and unicodedata.category(phoneme[0]) in ("Lm", "Mn"):
            letters[-1][2] = end
        else:
            pending, joinable = None, False
    return [(phoneme, start, end) for phoneme, start, end in letters]


def written_words(text: str, phonemize: Phonemize) -> list[tuple[str, list[str]]]:
    """The written words of spoken text (white-space separated, holding a letter or digit; a
    pronunciation's respelling), each with the phoneme letters it has when said alone."""
    words: list[tuple[str, list[str]]] = []
    for part in _ipa_parts(text):
        if isinstance(part, Pronounced):
            tokens = [t for t in part.say.split() if any(c.isalnum() for c in t)] or part.say.split()
            if not tokens:
                continue
            ipa = unicodedata.normalize("NFD", part.ipa).split()
            if len(ipa) == len(tokens):
                words += [(token, _letters(list(said))) for token, said in zip(tokens, ipa, strict=True)]
            else:  # the phonemes shared out over the respelling's words, in order
                letters = _letters(list("".join(ipa)))
                count = len(tokens)
                words += [
                    (token, letters[k * len(letters) // count : (k + 1) * len(letters) // count])
                    for k, token in enumerate(tokens)
                ]
            continue
        for token in part.split():
            if any(c.isalnum() for c in token):
                alone = [phoneme for sentence in phonemize(_escaped(token)) for phoneme in sentence]
                words.append((token, _letters(alone)))
    return words


def align_words(
    words: list[tuple[str, list[str]]], sounding: list[tuple[str, int, int]], sample_count: int
) -> tuple[WordTiming, ...]:
    """One timing per written word (see the module docstring): ``words`` from `written_words`,
    ``sounding`` the clip's letters in order with their spans in samples (from `sounds`)."""
    if not words or len(sounding) < len(words):
        return ()
    word_letters: list[str] = []
    owner: list[int] = []  # per letter of word_letters, its word
    for number, (_, letters) in enumerate(words):
        word_letters += letters
        owner += [number] * len(letters)
    clip_letters = [phoneme for phoneme, _, _ in sounding]
    labels: list[int | None] = [None] * len(clip_letters)
    matcher = SequenceMatcher(None, word_letters, clip_letters, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "replace"):  # a replaced stretch: each letter to the word at the same place
            for j in range(j1, j2):
                labels[j] = owner[i1 + (j - j1) * (i2 - i1) // (j2 - j1)]
    # Letters the words alone do not have (an "insert"): the word before them, at the start the word after.
    known = [label for label in labels if label is not None]
    if not known:
        return ()
    previous = known[0]
    for j, label in enumerate(labels):
        previous = previous if label is None else label
        labels[j] = previous
    # Cut points: word k takes letters [cuts[k], cuts[k + 1]); every word at least one letter.
    total, count = len(labels), len(words)
    cuts = [next((j for j, label in enumerate(labels) if label >= k), total) for k in range(count)]  # type: ignore[operator]
    cuts[0] = 0
    for k in range(1, count):
        cuts[k] = max(cuts[k], cuts[k - 1] + 1)
    for k in range(count - 1, 0, -1):
        cuts[k] = min(cuts[k], total - (count - k))
    cuts.append(total)
    timings: list[WordTiming] = []
    previous_end = 0
    for k, (shown, _) in enumerate(words):
        start = max(sounding[cuts[k]][1], previous_end)
        end = min(sounding[cuts[k + 1] - 1][2], sample_count)
        if end > start:
            timings.append(WordTiming(shown, start, end))
            previous_end = end
    return tuple(timings)
