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


def _transliterate(match: re.Match[str]) -> str:
    run = match.group(0)
    text, start, end = match.string, match.start(), match.end()
    if run in _GREEK and not text[start - 1 : start].isalpha() and not text[end : end + 1].isalpha():
        return _GREEK[run]  # "α-helix", "β blockers": the letter's name
    said = _anyascii()(run)
    if "\u2e80" <= run[0] <= "\ufaff":  # CJK syllables come capitalised one by one: "BeiJing"
        said = said[:1] + said[1:].lower()
    return said


GLOSSES: tuple[Rule, ...] = ((_GLOSS_BEFORE, r"\1"), (_GLOSS_AFTER, ""))
TRANSLITERATION: Rule = (_SCRIPT_RUN, _transliterate)
