"""Identifiers and symbols: phone numbers, versions, addresses, scores and ratios, key combos,
comparisons."""

from __future__ import annotations

import re

from .context import around, counts_follow, is_determiner, next_words, prev_word
from .words import Rule, data, digits, year_words


def _ratio(match: re.Match[str]) -> str:
    a, b = match.group(1), match.group(2)
    clock = len(b) == 2 and int(b) <= 59 and int(a) <= 23
    first, _ = next_words(match.string, match.end())
    ratio = first.lower() in {"ratio", "scale", "odds", "majority", "aspect", "split", "margin", "lead", "win", "vote"}
    prev = prev_word(match.string, match.start())
    ratio = ratio or prev in {"ratio", "odds", "of"} or (prev == "by" and not clock)  # "by 14:30" is a time
    return f"{a} to {b}" if ratio or not clock else match.group(0)


_PHONE_CONTEXT = re.compile(
    r"(?:call|phone|tel|dial|fax|text|number|hotline|line|contact|mobile|cell|at)\W{0,3}$", re.I
)


def _short_phone(match: re.Match[str]) -> str:
    before = match.string[max(0, match.start() - 12) : match.start()]
    if match.group(2).startswith("0") or _PHONE_CONTEXT.search(before):
        return f"{digits(match.group(1))}, {digits(match.group(2))}"
    return match.group(0)


def _international_phone(match: re.Match[str]) -> str:
    groups = [match.group(1), *re.split(r"[\s.-]", match.group(2).strip(" .-"))]
    if sum(len(g) for g in groups) < 7:
        return match.group(0)
    return "plus " + ", ".join(digits(g) for g in groups if g)


def _dotted(match: re.Match[str]) -> str:
    parts = [p for p in match.groups() if p is not None]
    if len(parts) == 4 and all(int(p) <= 255 for p in parts):
        return " dot ".join(parts)
    return " point ".join(parts)


_KEYS = {"ctrl": "control", "cmd": "command", "opt": "option", "alt": "alt", "shift": "shift", "fn": "function"}
_KEYS |= {"control": "control", "command": "command", "option": "option", "win": "windows", "super": "super"}
_KEY_COMBO = re.compile(
    r"\b(?:(?:Ctrl|Control|Cmd|Command|Alt|Option|Opt|Shift|Fn|Win|Super)\s?\+\s?){1,3}+(?:F\d{1,2}|[A-Za-z0-9]|[A-Z][a-z]{1,8})\b"
)


def _key_combo(match: re.Match[str]) -> str:
    keys = [k.strip() for k in match.group(0).split("+")]
    return " ".join(_KEYS.get(k.lower(), k) for k in keys)


def _comparison(match: re.Match[str]) -> str:
    symbol = match.group(1)
    head = match.string[max(0, match.start() - 8) : match.start()].split()
    after_value = bool(head) and (len(head[-1]) <= 2 or head[-1][-1:].isdigit())  # "p > 0.05", "x>3"
    if symbol in ("<=", "≤"):
        return " less than or equal to "
    if symbol in (">=", "≥"):
        return " greater than or equal to "
    if symbol == "<":
        return " less than "
    return " greater than " if after_value else " more than "


CVE: Rule = (re.compile(r"\bCVE-(\d{4})-(\d{4,7})\b"), lambda m: f"CVE {year_words(int(m.group(1)))}, {m.group(2)}")
INTERNATIONAL_PHONE: Rule = (
    re.compile(r"(?<![\w+])\+(\d{1,3})((?:[\s.-]\d{1,5}){2,5}+)(?![\w-])"),
    _international_phone,
)
NORTH_AMERICAN_PHONE: Rule = (
    re.compile(r"(?<![\w+-])(?:\+?1[\s.-])?(?:\((\d{3})\)\s?|(\d{3})[\s.-])(\d{3})[\s.-](\d{4})(?![\w-])"),
    lambda m: ", ".join(digits(g) for g in m.groups() if g),
)
SHORT_PHONE: Rule = (re.compile(r"(?<![\w.+-])(\d{3})-(\d{4})(?![\w-]|\.\d)"), _short_phone)
VERSION: Rule = (
    # "version v3.1" says "version" once
    re.compile(r"(?:\b([Vv]ersion)[ \t]{1,4})?(?<![\w.])v(\d{1,4}(?:\.\d{1,4}){0,3}+)(?!\w|\.\d)"),
    lambda m: f"{m.group(1) or 'version'} " + " point ".join(m.group(2).split(".")),
)
DOTTED: Rule = (re.compile(r"(?<![\w.])(\d{1,4})\.(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?(?!\w|\.\d)"), _dotted)
RATIO: Rule = (re.compile(r"(?<![\w:.])(\d{1,3}):(\d{1,3})(?![\d:])"), _ratio)
TIMES: Rule = (re.compile(r"(?<![\w.])(\d{1,6}(?:\.\d{1,3})?)[x×](?!\w)"), r"\1 times")
FEET_INCHES: Rule = (re.compile(r"(?<![\w.])(\d{1,2})['′’]\s?(\d{1,2})(?:\"|″|”|'')"), r"\1 feet \2 inches")
KEY_COMBO: Rule = (_KEY_COMBO, _key_combo)
KEY_SYMBOL: Rule = (
    re.compile(r"([⌘⌥⇧⌃])\s?"),
    lambda m: {"⌘": "command ", "⌥": "option ", "⇧": "shift ", "⌃": "control "}[m.group(1)],
)
MENTION: Rule = (re.compile(r"(?<![\w.@])@([A-Za-z_]\w{0,30})"), r"at \1")
HASHTAG: Rule = (re.compile(r"(?<![\w&#])#([A-Za-z]\w{0,40})"), r"hashtag \1")
WORD_OR_WORD: Rule = (re.compile(r"(?<![\w/.])(?<!\d\s)([a-z]{2,15})/([a-z]{2,15})(?![\w/.])"), r"\1 or \2")
# "HTTP/3", "TCP/IP", "P/E", "I/O": the slash is not said.
PROTOCOL_VERSION: Rule = (re.compile(r"\b([A-Z]{1,8})/(\d(?:\.\d)?|[A-Z]{1,8})\b"), r"\1 \2")
COMPARISON: Rule = (re.compile(r"(?<![<>=!-])(<=|>=|≤|≥|<|>)\s?(?=[−+-]?\.?\d|point\s\d)"), _comparison)
APPROXIMATELY: Rule = (re.compile(r"\s?≈\s?"), " approximately ")
NOT_EQUAL: Rule = (re.compile(r"\s?≠\s?"), " not equal to ")
ABOUT: Rule = (re.compile(r"(?<![\w~])~\s?(?=\d)"), "about ")


# Boeing's jets are said in pairs of digits: "737 MAX" → "seven thirty-seven MAX".
_JET = re.compile(r"[\s-](?:MAX|Max|Dreamliner|jets?|jetliners?|aircraft|planes?)\b")


_FLYING = re.compile(r"\b(?:Boeing|crash(?:ed|es)?|take-?off|land(?:ed|ing)|pilots?|airlines?|flights?|grounded)\b")


def _a_plane(text: str, start: int, end: int) -> bool:
    """ "The 737 crashed after take-off": after a determiner, in a sentence about flying, not a count."""
    flying = _FLYING.search(text[max(0, start - 120) : end + 120]) is not None
    return flying and is_determiner(prev_word(text, start)) and not counts_follow(text, end)


def _airliner(match: re.Match[str]) -> str:
    text, start = match.string, match.start()
    named = text[max(0, start - 7) : start] == "Boeing " or _JET.match(text, start + 3, start + 15)
    if named or match.group(2) or _a_plane(text, start, match.end()):
        variant = f" {match.group(2)}" if match.group(2) else ""  # "787-9": "seven eighty-seven nine"
        return f"seven {match.group(1)}7{variant}" + (" Max" if match.group(3) else "")  # the name, not M-A-X
    return match.group(0)


AIRLINER: Rule = (
    re.compile(r"(?<![\w.,-])7([1-8])7(?:-(\d{1,2}|[1-9]00)(?![\w-]))?(?![\w.,]\d|\d)(\sMAX\b)?"),
    _airliner,
)
_AIRBUS_WORDS = re.compile(
    r"\b(?:Airbus|jets?|jetliners?|aircraft|planes?|airlines?|flights?|fleet|superjumbos?|pilots?)\b"
)


def _airbus(match: re.Match[str]) -> str:
    """ "A380" → "A3 80" (espeak then says "A three eighty"), "A350-1000" → "A3 50 1000"."""
    window = around(match, 100)
    if not (match.group(3) or match.group(4)) and _AIRBUS_WORDS.search(window) is None:
        return match.group(0)  # "the A303 near Stonehenge" is a road
    return (
        f"A{match.group(1)} {match.group(2)}"
        + (f" {match.group(3)}" if match.group(3) else "")
        + (f" {match.group(4)}" if match.group(4) else "")
    )


# An Airbus model, "A380", "A320neo", "A350-1000": said "A three-eighty", not "A three hundred eighty".
AIRBUS: Rule = (re.compile(r"A(?<![\w-]A)([23])(20|[0-8]\d)(neo)?(?:-(\d{3,4}))?s?(?![\w-])"), _airbus)


# A code of capitals and five or more digits ("KB5034441") is read digit by digit.
CODE: Rule = (re.compile(r"\b([A-Z]{1,4})-?(\d{5,12})\b"), lambda m: f"{m.group(1)} {digits(m.group(2))}")


def versioned_rule() -> Rule:
    """ "Python 3.12" → "Python 3 point 12": after a product from acronyms.toml [versioned], each
    part of a version is a whole number ("three point twelve", not "three point one two")."""
    names = "|".join(re.escape(n) for n in sorted(data("acronyms")["versioned"]["names"], key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.-])((?:{names})\s)(\d{{1,4}}(?:\.\d{{1,4}}){{1,3}}+)(?!\w|\.\d)")
    return pattern, lambda m: m.group(1) + " point ".join(m.group(2).split("."))


def _version_pair(match: re.Match[str]) -> str:
    """ "Python 3.12 is faster than 3.11": once a version of a product was said, a number with the
    same major part joined to it ("than", "and", "vs") is a version too."""
    word, major, minor = match.groups()
    window = match.string[max(0, match.start() - 120) : match.start()]
    if re.search(rf"(?<![\w.]){major} point \d", window) is None or counts_follow(match.string, match.end()):
        return match.group(0)  # no version before it, or a quantity ("in 3.25 months")
    return f"{word} {major} point {minor}"


VERSION_PAIR: Rule = (
    re.compile(
        r"\b(than|and|or|to|from|versus|vs\.?|over|nor|with|in|since|before|after)\s(\d{1,4})\.(\d{1,4})(?![\w%]|\.\d)"
    ),
    _version_pair,
)


def _pair(two: str) -> str:
    value = int(two)
    return "hundred" if value == 0 else (f"oh {value}" if two.startswith("0") else str(value))


def paired_rule() -> Rule:
    """ "RTX 4090" → "RTX 40 90": after a product line from acronyms.toml [paired], a four-digit
    model number is said in pairs ("7900" → "79 hundred")."""
    names = "|".join(re.escape(n) for n in sorted(data("acronyms")["paired"]["names"], key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.-])((?:{names})\s)([1-9]\d)(\d\d)(?![\w.,]\d|\d)")
    return pattern, lambda m: f"{m.group(1)}{m.group(2)} {_pair(m.group(3))}"


def identifier_number(number: str) -> str:
    """A number that names, not counts: "230" → "2 30", "1138" → "11 38", "04512" digit by digit."""
    if len(number) >= 5 or number.startswith("0"):
        return digits(number)
    if len(number) == 4:
        return f"{number[:2]} {_pair(number[2:])}"
    if len(number) == 3 and number[1:] != "00":
        return f"{number[0]} {_pair(number[1:])}"
    return number


_LABELS = (
    r"Room|Courtroom|Suite|Gate|Studio|Hall|Office|Ward|Apartment|Unit|Platform|Section|Sections|Form|Flight"
    r"|Route|Highway|Interstate|Rule|Article|Proposition|Prop\.|Resolution|§|§§|U\.S\.C\.(?:\s§)?|C\.F\.R\.(?:\s§)?"
)
# "Section 230", "§ 1983", "18 U.S.C. 1030", "Form 302", "Gate 1210": a number that names a thing
# is said in pairs as a narrator says it ("two thirty", "nineteen eighty-three", "ten thirty").
LABELLED_NUMBER: Rule = (
    re.compile(rf"(?<![\w.])((?:{_LABELS})\s?(?:[A-Z]{{1,3}}-)?)([1-9]\d{{2,3}})\b(?![.,]\d|[–-]\d)"),
    lambda m: f"{m.group(1).replace('-', ' ')}{identifier_number(m.group(2))}",  # "Room SD-538" too
)
# A federal docket "1:23-cv-04512" (court, year, kind, number): read in parts, never as a clock.
DOCKET: Rule = (
    re.compile(r"(?<![\w:])(\d{1,2}):(\d{2})-([a-z]{2,4})-(\d{3,6})(?:-([A-Z]{2,4}))?(?![\w-])"),
    lambda m: (
        f"{m.group(1)}, {m.group(2)}, {' '.join(m.group(3).upper())}, {digits(m.group(4))}"
        + (f", {' '.join(m.group(5))}" if m.group(5) else "")
    ),
)

# "Apple (AAPL.O)", "Barclays (BARC.L)": a Reuters instrument code; the exchange suffix is not
# said, the ticker is.
TICKER_SUFFIX: Rule = (re.compile(r"(?<=\()([A-Z0-9][A-Za-z0-9]{0,5})\.[A-Z]{1,2}(?=\))"), r"\1")


def zip_code_rule() -> Rule:
    """ "New York, NY 10118": a ZIP code after a two-letter state is read digit by digit."""
    states = {code for code in data("places")["states"] if len(code) == 2 and code.isupper()}

    def zip_code(match: re.Match[str]) -> str:
        if match.group(1) not in states:
            return match.group(0)
        plus_four = f", {digits(match.group(3))}" if match.group(3) else ""
        return f"{match.group(1)} {digits(match.group(2))}{plus_four}"

    return re.compile(r"\b([A-Z]{2}) (\d{5})(?:-(\d{4}))?(?![\w.,]\d|\d)"), zip_code


# A processor or graphics model "i9-14900K", "Ryzen 9 7950X3D": the number in pairs as a narrator
# says it ("fourteen nine hundred K", "seventy-nine fifty X 3 D"). Only with a series prefix or
# after a chip family, so "5000K" (kelvin) or "2000W" keep their units.
_CHIP_FAMILY = r"Core|Ryzen\s\d|Xeon|EPYC|Threadripper|Snapdragon|Dimensity|Exynos|Radeon|GeForce|RTX|GTX|RX|Arc"
# "Core Ultra 9 285K": three digits after the newer family's tier
_CHIP_FAMILY += r"|Core\sUltra\s[3579]"
_CHIP_MODEL = re.compile(
    rf"(?:\b(i[3579])-|\b((?:{_CHIP_FAMILY})\s))(\d{{4,5}}|(?<=Ultra\s\d\s)\d{{3}})([A-Z]{{1,3}}(?:\d[A-Z])?)?(?![\w.,-])"
)


def _chip_model(match: re.Match[str]) -> str:
    series, family, number, suffix = match.groups()
    if (series is None and suffix is None) or number.endswith("000"):
        return match.group(0)  # "RTX 4090" is read by the paired-name rule
    head, tail = number[:-3], number[-3:]
    if len(number) == 3:
        head, tail = number[0], _pair(number[1:])
    elif len(number) == 4:
        head, tail = number[:2], number[2:]
        tail = "hundred" if tail == "00" else f"oh {tail[1]}" if tail[0] == "0" else tail
    said = f"{head} {tail}"
    letters = " ".join(suffix) if suffix else ""
    return (family or "") + " ".join(part for part in (series, said, letters) if part)


CHIP_MODEL: Rule = (_CHIP_MODEL, _chip_model)


def house_number_rule() -> Rule:
    """ "1428 Elm St.", "1600 Pennsylvania Ave.": a four-digit house number in pairs, "fourteen
    twenty-eight", "sixteen hundred" (only before a street's name and its kind)."""
    kinds = [*data("titles")["street"], "Street", "Avenue", "Road", "Boulevard", "Lane", "Drive", "Way", "Place"]
    kinds_alternation = "|".join(sorted(set(kinds), key=len, reverse=True))
    pattern = re.compile(
        rf"(?<![\w.,$€£¥#-])([1-9]\d)(\d\d)(?=\s[A-Z][a-z]{{1,20}}(?:\s[A-Z][a-z]{{1,20}})?\s(?:{kinds_alternation})\b)"
    )

    def pairs(match: re.Match[str]) -> str:
        head, tail = match.groups()
        if tail == "00":
            return f"{head} hundred"
        return f"{head} oh {tail[1]}" if tail[0] == "0" else f"{head} {tail}"

    return pattern, pairs


# "52 km SW of the city", "winds NW 10-15 mph": a compass point before "of" or after "winds" is
# its name.
_COMPASS = {"N": "north", "S": "south", "E": "east", "W": "west"}


def _compass_name(point: str) -> str:
    if len(point) == 2:
        return _COMPASS[point[0]] + _COMPASS[point[1]]
    return f"{_COMPASS[point[0]]}-{_COMPASS[point[1]]}{_COMPASS[point[2]]}"


_POINT = r"NN[EW]|SS[EW]|E[NS]E|W[NS]W|[NS][EW]"
COMPASS_POINT: Rule = (
    re.compile(rf"(?<=\s)({_POINT})(?=\sof\b)|(?<=\bwinds )({_POINT})(?=\s\d)"),
    lambda m: _compass_name(m.group(1) or m.group(2)),
)


_POLITICS_WORDS = re.compile(
    r"\b(?:district|House|congressional|voters?|Rep\.|Representative|seats?|races?|incumbent|Democrats?|Republicans?"
    r"|GOP|primary|elections?|represents?|candidates?|flip|swing|midterms?|ballots?|Congress)\b",
    re.IGNORECASE,
)


_RIFLES = {"AK-47", "AK-74", "AR-15", "AR-10"}


def district_rule() -> Rule:
    """ "TX-23", "AZ-6": a congressional district, "Texas's 23rd district" (with politics nearby:
    an "AK-47" is a rifle)."""
    states = {code: name for code, name in data("places")["states"].items() if len(code) == 2 and code.isupper()}

    def district(match: re.Match[str]) -> str:
        state, number = match.group(1), int(match.group(2))
        window = around(match, 120)
        if state not in states or number == 0 or _POLITICS_WORDS.search(window) is None:
            return match.group(0)
        if match.group(0) in _RIFLES or prev_word(match.string, match.start()) in ("a", "an"):
            return match.group(0)  # "an AK-47": a district takes no article
        first, _ = next_words(match.string, match.end())
        return f"{states[state]}'s {ordinal_digits(number)}" + ("" if first.lower() == "district" else " district")

    return re.compile(r"(?<![\w-])([A-Z]{2})-(\d{1,2})(?![\w-]|[.,]\d)"), district


def ordinal_digits(n: int) -> str:
    """23 → "23rd" (espeak says it)."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def compass_street_rule() -> Rule:
    """ "W. 42nd St.", "N. Michigan Ave.": a point of the compass before a street's name (after a
    capitalised name, "George W. Bush Street", it is an initial)."""
    kinds = [*data("titles")["street"], *data("titles")["street"].values()]
    kinds_alternation = "|".join(sorted(set(kinds), key=len, reverse=True))
    pattern = re.compile(
        rf"\b([NSEW])\.\s(?=(?:\d{{1,3}}(?:st|nd|rd|th)|[A-Z][a-z]{{1,20}})\s(?:{kinds_alternation})\b)"
    )

    def point(match: re.Match[str]) -> str:
        head = match.string[max(0, match.start() - 20) : match.start()].split()
        if head and head[-1][:1].isupper() and head[-1].lower() not in _FUNCTION_WORDS:
            return match.group(0)
        return {"N": "North ", "S": "South ", "E": "East ", "W": "West "}[match.group(1)]

    return pattern, point


_FUNCTION_WORDS = {"on", "at", "near", "from", "to", "in", "the", "of", "and", "off", "via", "along", "past"}


_MOTORWAY = re.compile(r"\b(?:M\d{1,3}\b|A\d{1,4}(?:\(M\)|\b)|(?:motorway|carriageway|junctions?)\b)")
# "between J4 and J6 of the M25": a motorway junction.
JUNCTION: Rule = (
    re.compile(r"J(?<![\w-]J)(\d{1,2})(?![\w-])"),
    lambda m: (
        f"junction {m.group(1)}" if _MOTORWAY.search(m.string[max(0, m.start() - 100) : m.end() + 100]) else m.group(0)
    ),
)


def _inside_number(match: re.Match[str]) -> bool:
    """The match starts inside a longer number or word (patterns start with their digits rather
    than a look-behind, which the engine would try at every character)."""
    return re.match(r"[\w.,]", match.string[match.start() - 1 : match.start()]) is not None


# "at 1440p", "1080p video": a screen resolution, said in pairs ("fourteen-forty p").
RESOLUTION: Rule = (
    re.compile(r"(480|720|1080|1440|2160|4320)p\b"),
    lambda m: m.group(0) if _inside_number(m) else f"{identifier_number(m.group(1))} p",
)
# "a 401(k)", "403(b)s", "501(c)(3)": a section of the tax code, named in pairs ("four-oh-one K"),
# its letter said as a letter and its subsection numbers after it.
CODE_SECTION: Rule = (
    re.compile(r"([1-9]\d\d)\(([a-z])\)((?:\(\d{1,2}\)){0,3})(s?)(?!\w)"),
    lambda m: m.group(0) if _inside_number(m) else _code_section(m),
)


def _code_section(m: re.Match) -> str:
    subsections = "".join(f" {number}" for number in re.findall(r"\d+", m.group(3)))
    plural = "'s" if m.group(4) else ""
    return f"{identifier_number(m.group(1))} {m.group(2).upper()}{plural}{subsections}"


# "the Offences Against the Person Act 1861": a British act's year.
ACT_YEAR: Rule = (
    re.compile(r"Act\s(1[2-9]\d\d|20\d\d)\b(?![.,]\d)(?<=\bAct\s\d{4})"),
    lambda m: f"Act {year_words(int(m.group(1)))}",
)

# "Ordinance 2024-17", "Resolution 2023-105": a year and a number, "twenty twenty-four, seventeen".
YEAR_NUMBERED: Rule = (
    re.compile(
        r"\b((?:Ordinance|Resolution|Order|Decree|Directive|Regulation|Law|Bylaw|Case)\s)(1[89]\d\d|20\d\d)-(\d{1,4})\b(?!-)"
    ),
    lambda m: f"{m.group(1)}{year_words(int(m.group(2)))}, {identifier_number(m.group(3))}",
)
