"""Titles and abbreviations ("Gov.", "St." as Saint or Street), Roman numerals and acronyms; the
word lists are audiobook/data/titles.toml, regnal.toml and acronyms.toml."""

from __future__ import annotations

import re

from .context import next_words
from .words import Rule, cardinal, data, ordinal

# A name the archive lexicon says how to say reaches these rules hidden as one private-use
# character (lexicon.shield): after a title it is a name like any other ("Dr. Nguyen").
HIDDEN_WORD = "\ue000-\uf8ff"
_CAPITALISED_FUNCTION_WORDS = {"the", "in", "at", "on", "from", "to", "near", "by", "and", "of", "a", "an", "via"}
_CAPITALISED_FUNCTION_WORDS |= {"visit", "visited", "for", "with", "outside", "into", "toward", "towards", "off"}


def title_rules() -> list[Rule]:
    titles = data("titles")
    before, undotted, after, street = (
        titles["before_name"],
        titles["before_name_undotted"],
        titles["after_name"],
        titles["street"],
    )
    words: dict[str, str] = titles["words"]
    numbered: dict[str, str] = titles["before_number"]

    def alternation(names: object) -> str:
        return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))  # type: ignore[arg-type]

    streetish = re.compile(rf"(?<![\w.])({alternation(street)})(\.?)(?![\w'’]|\.\w)")

    def street_or_name(match: re.Match[str]) -> str:
        abbreviation, dot = match.group(1), match.group(2)
        text, start, end = match.string, match.start(), match.end()
        head = text[max(0, start - 20) : start].split()
        prev = head[-1] if head else ""
        capital_next = re.match(rf"\s[A-Z{HIDDEN_WORD}]", text[end : end + 2]) is not None
        named = prev[:1].isupper() or "\ue000" <= prev[:1] <= "\uf8ff"  # a name, or one the lexicon hid
        after_name = (named and prev.lower().strip(",") not in _CAPITALISED_FUNCTION_WORDS) or bool(
            re.fullmatch(r"\d{1,4}(?:st|nd|rd|th)", prev)
        )
        at_end = end == len(text.rstrip()) and dot
        if after_name and (dot or not capital_next) and not (abbreviation in ("St", "Dr") and capital_next and not dot):
            return street[abbreviation] + ("." if at_end else "")
        if capital_next and abbreviation == "St":
            return "Saint"
        if capital_next and abbreviation == "Dr":
            return "Doctor"
        return match.group(0)

    def said_word(match: re.Match[str]) -> str:
        ends_sentence = match.group(0).endswith(".") and match.end() == len(match.string)
        return words[match.group(0)] + ("." if ends_sentence else "")  # "before the 9th Cir."

    return [
        _party_state_rule(),
        _party_alone_rule(),
        _city_state_rule(),
        (re.compile(rf"\b({alternation(before)})\.(?=\s[A-Z{HIDDEN_WORD}])"), lambda m: before[m.group(1)]),
        # a title after a title is part of it, whatever follows: "the Lt. Gov. will serve"
        (
            re.compile(rf"\b((?:{alternation(set(before.values()))})\s)({alternation(before)})\.(?!\w)"),
            lambda m: m.group(1) + before[m.group(2)],
        ),
        (
            re.compile(rf"\b({alternation(undotted)})(?=\s(?:[A-Z][a-z]|[{HIDDEN_WORD}]))"),
            lambda m: undotted[m.group(1)],
        ),
        (
            re.compile(rf"(?<=[A-Za-z])(,?)\s({alternation(after)})\.(?!\w)"),
            lambda m: f"{m.group(1)} {after[m.group(2)]}" + ("." if m.end() == len(m.string) else ""),
        ),
        (re.compile(rf"\b({alternation(numbered)})\.\s?(?=\d)"), lambda m: numbered[m.group(1)] + " "),
        (streetish, street_or_name),
        (re.compile(rf"(?<![\w.])(?:{alternation(words)})(?!\w)"), said_word),
    ]


def _city_state_rule() -> Rule:
    """ "New Haven, Conn.", "Dayton, Ohio": a state's abbreviation after a place's name and a comma
    is the state ("Miss. Smith" keeps her title)."""
    states = {k: v for k, v in data("places")["states"].items() if k.endswith(".")}
    names = "|".join(re.escape(n) for n in sorted(states, key=len, reverse=True))
    pattern = re.compile(rf",(?<=[A-Za-z],)\s({names})(?=[\s,;)\"'”’]|$)")

    def said(match: re.Match[str]) -> str:
        text, start, end = match.string, match.start(), match.end()
        head = text[max(0, start - 24) : start].split()
        if not head or not head[-1][:1].isupper():
            return match.group(0)
        if match.group(1) == "Miss." and re.match(r"\s[A-Z]", text[end : end + 2]):
            return match.group(0)
        if re.match(r"\s(?:No\.|\d)", text[end : end + 4]):
            return match.group(0)  # "People v. Trump, Ind. No. 71543-23": an indictment
        at_end = text[end:].strip(" \"'”’)") == ""
        return f", {states[match.group(1)]}" + ("." if at_end else "")

    return pattern, said


def _party_alone_rule() -> Rule:
    """ "Gov. Greg Abbott (R) signed": the party's letter in brackets after a first and last name
    (not a label: "Figure (D)", "Plan (B)")."""
    parties = data("places")["parties"]
    name = r"[A-Z][\w'’-]{1,20}"
    pattern = re.compile(rf"\b({name}\s({name}))\s\(([{''.join(parties)}])\)(?=([\s,;.]))")

    def said(match: re.Match[str]) -> str:
        if match.group(2) in _LABELS:
            return match.group(0)
        return f"{match.group(1)}, {parties[match.group(3)]}" + ("" if match.group(4) in ",;." else ",")

    return pattern, said


_LABELS = {"Figure", "Fig", "Table", "Panel", "Part", "Section", "Appendix", "Exhibit", "Column", "Option", "Plan"}
_LABELS |= {"Type", "Class", "Grade", "Group", "Step", "Item", "Box", "Schedule", "Annex", "Chart"}


def _party_state_rule() -> Rule:
    """ ", D-N.Y.," or " (D-Mass.)" → ", Democrat of New York,": party and state after a name."""
    places = data("places")
    parties, states = places["parties"], places["states"]
    names = "|".join(re.escape(n) for n in sorted(states, key=len, reverse=True))
    pattern = re.compile(rf"(?<=[A-Za-z])(,\s|\s\()([{''.join(parties)}])-({names})(?=[,;)]|\s[a-z]|$)")
    return pattern, lambda m: f"{m.group(1)}{parties[m.group(2)]} of {states[m.group(3)]}"


# "Loper Bright v. Raimondo": a case name, said "versus".
VERSUS: Rule = (re.compile(r"(?<=[A-Za-z.]) v\.? (?=[A-Z])"), " versus ")
# An interview's "Q:" at the start of a sentence; its "A:" is an answer only right after a "Q:"
# (normalize.spoken_form's ``answering``): "A: Paris" in a list or a legend stays a letter.
INTERVIEW: Rule = (re.compile(r"^Q:\s"), "Question: ")
ANSWER: Rule = (re.compile(r"^A:\s"), "Answer: ")

_ROMAN_VALID = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_I_FOLLOWERS = {"am", "think", "know", "have", "had", "will", "would", "can", "could", "want", "said", "guess"}
_I_FOLLOWERS |= {"mean", "feel", "believe", "hope", "did", "do", "must", "should", "might", "see", "saw", "love"}
_I_FOLLOWERS |= {"like", "went", "got", "need", "told", "asked", "wanted", "heard", "found", "also", "never"}


def roman_value(numeral: str) -> int:
    total = 0
    for ch, nxt in zip(numeral, numeral[1:] + " ", strict=True):
        value = _ROMAN_VALUES[ch]
        total += -value if nxt != " " and _ROMAN_VALUES[nxt] > value else value
    return total


def roman_rule() -> Rule:
    regnal = data("regnal")
    names, counted = set(regnal["names"]), set(regnal["counted"])
    # "Grade II-listed", "World War II-era": a hyphen and a word may follow a counted numeral
    pattern = re.compile(
        r"\b([A-Z][a-z]{1,20}\.?|[A-Z][a-z]{0,3}[A-Z][a-z]{1,10})\s([IVXLCDM]{1,9})(?![\w'’]|-(?![a-z]))"
    )

    def said(match: re.Match[str]) -> str:
        prev, numeral = match.group(1), match.group(2)
        if not _ROMAN_VALID.fullmatch(numeral) or numeral in ("C", "D", "L", "M"):
            return match.group(0)  # "Grade C", "Type C", "Vitamin D" are letters, not 100 or 500
        value = roman_value(numeral)
        text = match.string
        xbox = text[max(0, match.start() - 5) : match.start()] == "Xbox "
        if numeral == "X" and (xbox or text[match.end() : match.end() + 1] == "|"):
            return match.group(0)  # the "Xbox Series X" is a letter
        star = " star" if text[match.end() : match.end() + 1] == "*" else ""  # "Grade II* listed"
        if prev in counted or prev.rstrip(".") in counted:
            return f"{prev} {cardinal(value).capitalize()}{star}"
        if text[match.end() : match.end() + 1] == "-":
            return match.group(0)  # "Louis XIV-style" is left to the engine
        regnal_name = prev in names
        if not regnal_name and numeral in ("II", "III", "IV"):
            head = text[max(0, match.start() - 24) : match.start()].split()
            regnal_name = bool(head) and head[-1][:1].isupper() and head[-1].isalpha()  # "John Smith III"
        if not regnal_name:
            return match.group(0)
        if numeral == "I":
            first, _ = next_words(text, match.end())
            if first.lower() in _I_FOLLOWERS or text[match.end() : match.end() + 1] in ("'", "’"):
                return match.group(0)
        return f"{prev} the {ordinal(value).capitalize()}"

    return pattern, said


def acronym_rules() -> tuple[Rule, Rule]:
    acronyms = data("acronyms")
    spelled = "|".join(sorted(acronyms["spelled"], key=len, reverse=True))
    said: dict[str, str] = acronyms["said"]
    said_pattern = "|".join(re.escape(w) for w in sorted(said, key=len, reverse=True))

    def spell(match: re.Match[str]) -> str:
        word = match.group(0)
        if word.endswith("s") and word[:-1].isupper() and len(word) > 2:
            return " ".join(word[:-1]) + "'s"
        return " ".join(word)

    return (
        # and any plural of capitals without a vowel ("DVDs", "LLMs"), which espeak reads as singular
        (re.compile(rf"(?<![\w'’.])(?<![A-Z]-)(?:{spelled}|[B-DF-HJ-NP-TV-Z]{{2,4}}s)(?![\w'’]|\.\w)"), spell),
        (re.compile(rf"(?<![\w/.])(?:{said_pattern})(?![\w/#+]|\.\w)"), lambda m: said[m.group(0)]),
    )


def lettered_model_rule() -> Rule:
    """ "Su-57", "Il-76": a maker's prefix from acronyms.toml [lettered] before a model number is
    said letter by letter."""
    prefixes = data("acronyms")["lettered"]["prefixes"]
    names = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.-])({names})-(?=\d{{1,3}}[A-Z]?s?(?![\w.-]|[.,]\d))")
    return pattern, lambda m: " ".join(m.group(1).upper()) + " "
