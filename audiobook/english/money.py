"""Money ("$1.05" → "a dollar five", "a $2 billion dam" → "a two-billion-dollar dam") and finance
shorthand (fiscal years, "rose +2%")."""

from __future__ import annotations

import re

from .context import DETERMINERS, after_article, is_determiner, next_words, noun_follows, prev_word
from .words import Rule, cardinal, data, decimal_value, hyphenated, number_words, year_words

_DATA = data("currencies")
_CURRENCIES: dict[str, list[str]] = _DATA["symbols"]
_CODES: dict[str, str] = _DATA["codes"]
_PREFIXES: dict[str, str] = _DATA["regions"]
_NAMES: dict[str, str] = _DATA["names"]
_SCALE = {"k": "thousand", "m": "million", "mn": "million", "bn": "billion", "b": "billion", "tn": "trillion"}
_SCALE |= {"t": "trillion", "trn": "trillion"}  # "$3T" (a lower-case t after an amount is not written)
_SCALE |= {"thousand": "thousand", "million": "million", "billion": "billion", "trillion": "trillion"}
_SCALE |= {"crore": "crore", "lakh": "lakh"}  # "₹1,250 crore": India's ten million and hundred thousand


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[arg-type]


_SIGNS = "".join(s for s in _CURRENCIES if len(s) == 1 and not s.isalpha())  # "$€£¥₹₦…"
_REGION = _alternation(r for r in _PREFIXES if r not in _CODES)  # "NZ", "HK", "A" before "$"
_PREFIX_CODES = _alternation(_CODES)
# "1,240 kr", "72 zł", "90 USD" ("kr-nordic" is a name for kr's other reading, never written)
_SUFFIXES = _alternation([s for s in _CURRENCIES if s.islower() and "-" not in s] + list(_CODES))
# A written amount: thousands separators only in threes, so "$5, or" keeps its comma; bounded.
NUMBER = r"(?:\d{1,3}(?:,\d{3}){1,8}+|\d{1,24}+)(?:\.\d{1,12}+)?"
_MONEY = re.compile(
    rf"(?<![\w{_SIGNS}])(?:(?P<pre>{_REGION})?(?P<sym>[{_SIGNS}]|R(?=\d))|(?P<code>{_PREFIX_CODES})\s?)"
    rf"(?P<num>{NUMBER})(?:(?:\s?(?P<scale0>thousand|million|billion|bn|mn|[kKmMbB])(?=\s?(?:[–-]|to)\s?(?:US\$|[{_SIGNS}])))?\s?(?:[–-]|to)\s?(?:US\$|[{_SIGNS}])?(?P<num2>{NUMBER}))?"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|crore|lakh|bn|mn|trn|tn|[kKmMbBT])\b)?"
)
# An exchange rate: an amount per another currency ("CHF 0.86 per euro", "C$1.37 per U.S. dollar").
_CURRENCY_WORDS = {n for names in _CURRENCIES.values() for n in names[:2]} | {"greenback", "sterling"}
# "per pound" is a weight as often ("$1.37 per pound of apples"): only "to/against the pound".
_RATE_AFTER = re.compile(
    r"\s(?:(?:per|to\sthe|against\sthe|vs\.?\sthe)\s(?:U\.?S\.?\s|[A-Z][a-z]{2,12}\s)?"
    rf"(?:{_alternation(_CURRENCY_WORDS - {'pound', 'pounds'})})|(?:to|against)\sthe\spound)\b"
)
_WORTH_AFTER = re.compile(r"[\s-]worth\b")
_NORDIC = re.compile(r"Norw|Denmark|Danish|Oslo|Copenhagen|Faroe|Greenland")
_RAND_NAMED = re.compile(r"\brand\b|South Africa|Johannesburg|Cape Town|Pretoria|Durban", re.IGNORECASE)


def _rand_amount(match: re.Match[str]) -> bool:
    """ "R18.90", "R1,200", "R3bn", "R500" in a sentence about South Africa; not "R2" or "R5 road"."""
    num = match.group("num")
    if re.search(r"\.\d\d$", num) or "," in num or match.group("scale") or match.group("num2"):
        return True
    text = match.string
    return _RAND_NAMED.search(text[max(0, match.start() - 200) : match.end() + 200]) is not None


_SUFFIXED = re.compile(
    rf"(?=\d)(?<![\w.,$€£])(?P<num>{NUMBER})(?P<scale>\s(?:thousand|million|billion|trillion|crore|lakh))?\s?(?P<cur>{_SUFFIXES})(?![\w/])"
)


def _suffixed(match: re.Match[str]) -> str:
    """ "1,240 kr" → "1,240 kronor", "72 zł" → "72 zloty", "90 USD" → "90 dollars"."""
    written, text = match.group("cur"), match.string
    symbol = _CODES.get(written, written)
    if symbol == "kr" and _NORDIC.search(text[max(0, match.start() - 200) : match.end() + 200]):
        symbol = "kr-nordic"  # Norway's and Denmark's kroner, not Sweden's kronor
    names = _CURRENCIES[symbol]
    region = _PREFIXES.get(written)
    if region and symbol == "$":
        names = [f"{region} {names[0]}", f"{region} {names[1]}", *names[2:]]
    scale = match.group("scale") or ""
    if scale:
        return f"{match.group('num')}{scale} {names[1]}"
    return _amount(match.group("num"), tuple(names))  # type: ignore[arg-type]


# A code alone or in a pair, or a region's dollar sign alone, not beside an amount: "USD/JPY" →
# "dollar-yen", "a strong CHF", "USD-denominated", "A$ bonds". English words among the codes
# ("TRY", "PHP") are only read in a pair. A lookahead for two capitals leads (a fast scan) and
# what stands before is checked in _code_name.
_ALONE = {c: n for c, n in _NAMES.items() if c not in ("TRY", "PHP")}
_CODE_NAME = re.compile(
    rf"(?=[A-Z][A-Z$])(?:(?P<code>{_alternation(_NAMES)})(?:/(?P<code2>{_alternation(_NAMES)}))?|(?P<region>{_REGION})\$)"
    rf"(?![\w/$]|\s?[\d{_SIGNS}]|[.,]\d)"
)


def _code_name(match: re.Match[str]) -> str:
    text, start = match.string, match.start()
    before = text[max(0, start - 2) : start]
    if before[-1:].isalnum() or before[-1:] in ("/", "$", "_") or re.fullmatch(r"\d\s", before):
        return match.group(0)  # part of a longer word, or an amount's code ("12 CHF")
    code, code2 = match.group("code"), match.group("code2")
    if code2:
        return f"{_NAMES[code]}-{_NAMES[code2]}"
    if code:
        return _ALONE.get(code, code)
    return f"{_PREFIXES[match.group('region')]} dollar"


_CENTS = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d{1,2})?)\s?¢")


def _money(match: re.Match[str]) -> str:
    code = match.group("code")
    symbol = _CODES[code] if code else match.group("sym")
    if symbol == "R" and not code and not _rand_amount(match):
        return match.group(0)
    singular, plural, minor_one, minor = _CURRENCIES[symbol]
    region = _PREFIXES.get(match.group("pre") or code or "")
    if region and symbol == "$":
        singular, plural = f"{region} {singular}", f"{region} {plural}"
    names = (singular, plural, minor_one, minor)
    num, num2, scale = match.group("num"), match.group("num2"), match.group("scale")
    scale0 = match.group("scale0")  # "$16.4B-$16.8B": the scale written on both ends is said once
    if num2 and " to " in match.group(0) and prev_word(match.string, match.start()) in _MOVEMENT_VERBS | {"by"}:
        # "debt rose $184bn to $17.7tn": a change, then the level it reached — two amounts, no range
        return f"{_scaled(num, scale0, names)} to {_scaled(num2, scale, names)}"
    if scale0 and _SCALE[scale0.lower()] != _SCALE[(scale or scale0).lower()]:
        num = f"{num} {_SCALE[scale0.lower()]}"  # "$500M-$1.2B": "500 million to 1.2 billion dollars"
    scale = scale or scale0
    scale_word = f" {_SCALE[scale.lower()]}" if scale else ""
    text = match.string
    if "." in num and not (num2 or scale) and _RATE_AFTER.match(text, match.end()):
        return f"{num} {plural}"  # "C$1.37 per U.S. dollar", "CHF 0.86 per euro": a rate, not a price
    worth = _WORTH_AFTER.match(text, match.end()) is not None  # "€1.2bn-worth of contracts": no noun
    if after_article(text, match.start()) and noun_follows(text, match.end()) and not worth:
        amount, upper = decimal_value(num), decimal_value(num2) if num2 else None
        if "." in num and not (num2 or scale) and minor:
            return _attributive(num, names)  # "the $1.18 consensus" → "the one dollar eighteen consensus"
        if amount is not None:  # "a $2 billion dam" → "a two-billion-dollar dam"
            said = cardinal(amount) + (f" to {cardinal(upper)}" if upper is not None else "")
            return hyphenated(f"{said}{scale_word} {singular}")
    if num2 and not scale and "." in num + num2:  # "$6.10-$6.30": each amount in full
        return f"{_amount(num, names)} to {_amount(num2, names)}"
    if num2:
        return f"{num} to {num2}{scale_word} {plural}"
    if scale:
        return f"{num}{scale_word} {plural}"
    return _amount(num, names)


def _scaled(num: str, scale: str | None, names: tuple[str, str, str, str]) -> str:
    return f"{num} {_SCALE[scale.lower()]} {names[1]}" if scale else _amount(num, names)


def _attributive(num: str, names: tuple[str, str, str, str]) -> str:
    """An amount with cents before a noun: "one dollar eighteen", "forty-five-cent", "five-dollar"."""
    singular, _, minor_one, minor = names
    whole_text, _, cents_text = num.partition(".")
    whole, cents = int(whole_text.replace(",", "")), int(cents_text.ljust(2, "0")[:2])
    if not cents:
        return hyphenated(f"{cardinal(whole)} {singular}")
    if not whole:
        return hyphenated(f"{number_words(cents)} {minor_one}")
    return f"{cardinal(whole)} {singular} {number_words(cents)}"


def _amount(num: str, names: tuple[str, str, str, str]) -> str:
    """ "1.05" dollars → "a dollar five", "0.45" → "45 cents", "14.50" → "14 dollars fifty"."""
    singular, plural, minor_one, minor = names
    whole, _, cents = num.partition(".")
    if cents and len(cents) == 2 and minor:
        n = int(cents)
        if int(whole.replace(",", "")) == 0:
            return f"{n} {minor_one if n == 1 else minor}"
        if n == 0:
            return f"{whole} {singular if whole == '1' else plural}"
        if whole == "1":
            return f"a {singular} {number_words(n)}"
        if n < 10:  # "2,450 dollars five" sounds like a misreading
            return f"{whole} {plural} and {n} {minor_one if n == 1 else minor}"
        return f"{whole} {plural} {number_words(n)}"
    return f"{num} {singular if num == '1' else plural}"


# Pence written "310p" (British copy); never a video resolution ("1080p", "720p").
_PENCE = re.compile(r"(?<![\w.,$£])(\d{1,3}(?:,\d{3})?(?:\.\d{1,2})?)p(?![\w'’-])")  # "310p", "2,415p"
_RESOLUTIONS = {"144", "240", "360", "480", "576", "720"}


def _pence(match: re.Match[str]) -> str:
    amount = match.group(1)
    if amount in _RESOLUTIONS:
        return match.group(0)
    return f"{amount} {'penny' if amount == '1' else 'pence'}"


# "Q3 revenue" → "third-quarter revenue"; "in Q3 2024" → "in the third quarter of 2024"; "H1".
_QUARTER = re.compile(
    r"(?<![\w-])(?P<f>F)?(?:([QH])([1-4])|(?P<n>[1-4])(?P<p>[QH]))(?:\s(?P<year>(?:19|20)\d\d)|\s(?:FY|fiscal\s)['’]?(?P<fy>\d{2,4}))?(?![\w-])"
)
_LABEL_AFTER = re.compile(r"[.:)]?\s[A-Z]|[.:)]?$")
_BEFORE_HALF = {"in", "the", "its", "their", "during", "for", "by", "since", "until", "of", "first", "second"}
_RESULTS = {"revenue", "revenues", "profit", "profits", "sales", "results", "earnings", "loss", "losses", "income"}
_QUARTER_NAMES = ("first", "second", "third", "fourth")
_DETERMINERS = DETERMINERS | {"last", "next"}


def _quarter(match: re.Match[str]) -> str:
    """ "Q3 revenue" → "third-quarter revenue", "in H1" → "in the first half"."""
    text, start, end = match.string, match.start(), match.end()
    if start == 0 and _LABEL_AFTER.match(text, end):
        return match.group(0)  # a quiz question's label ("Q1. What…", "Q2 Which…"), not a quarter
    letter, number = (match.group(2), match.group(3)) if match.group(2) else (match.group("p"), match.group("n"))
    period = "quarter" if letter == "Q" else "half"
    # "H2" is hydrogen as often as a half-year: a half only after a word that introduces a period
    introduced = prev_word(text, start) in _BEFORE_HALF or match.group("year") or match.group("fy")
    introduced = introduced or next_words(text, end)[0].lower() in _RESULTS  # "reported H1 revenue"
    if period == "half" and (number not in "12" or not introduced):
        return match.group(0)
    name = ("fiscal " if match.group("f") else "") + _QUARTER_NAMES[int(number) - 1]  # "FQ3"
    text = match.string
    year, fiscal = match.group("year"), match.group("fy")
    of_year = f" of {year_words(int(year))}" if year else ""
    if fiscal:
        of_year = f" of fiscal {year_words(int(fiscal) + (2000 if len(fiscal) == 2 else 0))}"
    previous = prev_word(text, match.start())
    determiner = previous in _DETERMINERS or is_determiner(previous)  # "the company's Q4 results"
    if noun_follows(text, match.end()) and (determiner or not of_year):  # "Q3 revenue", "the Q3 2024 results"
        return f"{name}-{period}" + (f" {of_year[4:]}" if of_year else "")
    said = f"{name} {period}{of_year}"
    if determiner:
        return said
    return ("The " if match.start() == 0 else "the ") + said


def _fiscal_year(match: re.Match[str]) -> str:
    """ "FY25" → "fiscal twenty twenty-five"; "FY2023/24" → "fiscal twenty twenty-three twenty-four"."""
    written, second = match.group(1), match.group(2)
    said = "fiscal " + year_words(int(written) + (2000 if len(written) == 2 else 0))
    return said + (f" {number_words(int(second))}" if second and int(second) >= 10 else "")


_MOVEMENT_VERBS = set(
    """
    rose rise rises risen rising up gained gains gain climbed climbs jumped jumps increased grew grows added
    adds advanced surged soared fell falls fall fallen falling down dropped drops lost loses declined declines
    slipped decreased shed slid sank tumbled plunged
    """.split()  # noqa: SIM905  (a word list reads best as words)
)
_MOVEMENT = re.compile(r"(?<=[a-z])(\s(?:by\s)?)[+−-](?=\.?\d)")
_VERB_BEFORE = re.compile(r"\b([a-z]{2,9})$")


def _movement(match: re.Match[str]) -> str:
    verb = _VERB_BEFORE.search(match.string[max(0, match.start() - 10) : match.start()])
    return match.group(1) if verb and verb.group(1) in _MOVEMENT_VERBS else match.group(0)


MONEY: Rule = (_MONEY, _money)
SUFFIXED: Rule = (_SUFFIXED, _suffixed)
CODE_NAME: Rule = (_CODE_NAME, _code_name)
CENTS: Rule = (_CENTS, r"\1 cents")
# "beat by 2c", "20c a share": a lower-case c after a small whole number is cents ("2C" is Celsius).
LETTER_CENTS: Rule = (
    re.compile(r"(?<![\w.,$€£-])(\d{1,2})c(?![\w'’+#-])"),
    lambda m: f"{m.group(1)} {'cent' if m.group(1) == '1' else 'cents'}",
)
MOVEMENT: Rule = (_MOVEMENT, _movement)  # "rose +2%": the verb already says which way
PENCE: Rule = (_PENCE, _pence)
QUARTER: Rule = (_QUARTER, _quarter)
FISCAL_YEAR: Rule = (re.compile(r"\bFY\s?['’]?(\d{4}|\d{2})(?:/(\d{2}))?(?![\w/])"), _fiscal_year)
# "a 3-yr/$15M deal" → "a 3-year, $15M deal" (the money rule then says the amount); "10-yr".
CONTRACT_YEARS: Rule = (
    re.compile(r"(?<=\d)-(?:yrs?|years?)(?:\s?/\s?(?=(?:US)?[$€£]\d))?(?![\w/-])"),
    lambda m: "-year, " if "/" in m.group(0) else "-year",
)

# "£1,750 pcm": a British letting's rent per calendar month.
PER_CALENDAR_MONTH: Rule = (
    # the literal first, so the scan is fast; what comes before is checked only at a "pcm"
    re.compile(r"pcm\b"),
    lambda m: (
        " a month" if re.search(r"(?:\d ?|[a-z]s )\Z", m.string[max(0, m.start() - 3) : m.start()]) else m.group(0)
    ),
)
