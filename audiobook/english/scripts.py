"""Other scripts inside English text: a gloss in brackets is said instead of the foreign word, a
run of another script is transliterated (anyascii, imported on first use), never spelled out."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from .words import Rule

_FOREIGN = (
    "\u0370-\u03ff\u0400-\u052f\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u0900-\u0dff\u0e00-\u0e7f\u10a0-\u10ff"
    "\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff66-\uff9f"
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
