"""Other scripts inside English text: a gloss in brackets is said instead of the foreign word, a
run of another script is transliterated (anyascii, imported on first use), never spelled out."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from .words import Rule

# Every script but Latin: Greek to Mongolian and the rest of the BMP's alphabets and syllabaries,
# CJK, Hangul, Arabic presentation forms, and CJK beyond the BMP. Left to espeak, a word in one of
# them is either spelled as letter names ("Chinese letter") or makes espeak switch to that
# language's stock voice, whose pitch flutter runs on across utterances (measured: the same
# sentence with Arabic in it came out different on each call), so it never reaches the engine.
_FOREIGN = (
    "\u0370-\u1cff\u1f00-\u1fff\u2d00-\u2d7f\u2e80-\u2fdf\u3040-\u9fff\ua000-\ua4cf\ua500-\ua6ff"
    "\uac00-\ud7af\uf900-\ufaff\ufb1d-\ufdff\ufe70-\ufefc\uff66-\uffdc\U00020000-\U0003134f"
)
_TRANSLITERATED = _FOREIGN + "\u0100-\u024f\u1e00-\u1eff"
_GREEK_NAMES = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma sigma tau"
    " upsilon phi chi psi omega delta sigma omega phi pi lambda gamma theta psi"
)
_GREEK = dict(zip("αβγδεζηθικλμνξοπρςστυφχψωΔΣΩΦΠΛΓΘΨ", _GREEK_NAMES.split(), strict=True))
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


# Arabic is written without its short vowels, and anyascii drops the long ones too ("مرحبا" →
# "mrhb"), which espeak then spells letter by letter. So Arabic is read here: long vowels kept,
# the article "ال" said "al-", and an "a" put in wherever a cluster of consonants could not be said.
_ARABIC_LETTERS = dict(
    zip(
        "ابتثجحخدذرزسشصضطظعغفقكلمنهةوىيأإآءؤئ",
        "a b t th j h kh d dh r z s sh s d t z a gh f q k l m n h a w a y a i aa _ _ _".split(),  # noqa: SIM905
        strict=True,
    )
)
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")


def _arabic_word(word: str) -> str:
    article = word.startswith("ال") and len(word) > 3
    sounds = [_ARABIC_LETTERS.get(ch, "") for ch in (word[2:] if article else word)]
    sounds = [s for s in sounds if s != "_"]
    vowel = [s in ("a", "i", "aa") for s in sounds]
    for i, s in enumerate(sounds):  # w and y between consonants (or last) are the long u and i
        if s in ("w", "y") and i > 0 and not vowel[i - 1] and (i + 1 == len(sounds) or not vowel[i + 1]):
            sounds[i], vowel[i] = ("u" if s == "w" else "i"), True
    said, run, opened = "", 0, False  # run: consonants in a row; opened: a vowel said already
    for sound, is_vowel in zip(sounds, vowel, strict=True):
        if not is_vowel and (run >= 2 or (run == 1 and not opened)):
            said, run, opened = said + "a", 0, True
        said += sound
        run = 0 if is_vowel else run + 1
        opened = opened or is_vowel
    return ("al-" if article else "") + said


def _arabic(run: str) -> str:
    return _ARABIC_WORD.sub(lambda m: _arabic_word(m.group(0)), run)


def _transliterate(match: re.Match[str]) -> str:
    run = match.group(0)
    text, start, end = match.string, match.start(), match.end()
    if run in _GREEK and not text[start - 1 : start].isalpha() and not text[end : end + 1].isalpha():
        return _GREEK[run]  # "α-helix", "β blockers": the letter's name
    said = _anyascii()(_arabic(run) if _ARABIC_WORD.search(run) else run)
    if "\u2e80" <= run[0] <= "\ufaff":  # CJK syllables come capitalised one by one: "BeiJing"
        said = said[:1] + said[1:].lower()
    return said


GLOSSES: tuple[Rule, ...] = ((_GLOSS_BEFORE, r"\1"), (_GLOSS_AFTER, ""))
TRANSLITERATION: Rule = (_SCRIPT_RUN, _transliterate)
