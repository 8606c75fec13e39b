"""Units from audiobook/data/units.toml ("40 km/h", "a 10 km race") and powers of ten."""

from __future__ import annotations

import re

from . import numbers
from .context import after_article, around, counts_follow, is_plural_noun, next_words, noun_follows, prev_word
from .money import NUMBER
from .words import Rule, cardinal, data, decimal_value, hyphenated, ordinal

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SCIENTIFIC = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,12})?)[eE]([+−-]?)(\d{1,3})(?![\w.]|\.\d)(\s?M\b)?")
_POWER = re.compile(
    r"(?<![\w.])(?:(\d{1,3}(?:\.\d{1,12})?)\s?[×x*·]\s?)?10(?:(?:\^|\*\*)([+−-]?)(\d{1,3})|([⁻⁺]?)([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}))"
    r"(?![\w])(\s?M\b)?"
)


def _power_words(mantissa: str | None, sign: str, exponent: str, molar: str | None) -> str:
    n = int(exponent)
    power = f"minus {cardinal(n)}" if sign in ("-", "−", "⁻") else ordinal(n)
    said = f"ten to the {power}"
    if mantissa and mantissa not in ("1", "1.0"):
        said = f"{mantissa} times {said}"
    return said + (" molar" if molar else "")


def _scientific(match: re.Match[str]) -> str:
    return _power_words(match.group(1), match.group(2), match.group(3), match.group(4))


def _power(match: re.Match[str]) -> str:
    if match.group(3):
        return _power_words(match.group(1), match.group(2), match.group(3), match.group(6))
    exponent = match.group(5).translate(_SUPERSCRIPTS)
    return _power_words(match.group(1), match.group(4).translate(_SUPERSCRIPTS), exponent, match.group(6))


# A total that is reached or passed ("turnout topped 1.2m", "sales surpassed 3.5m") is a count in
# millions; a length is followed by what it measures ("topped 1.2m tall", "1.2m of snow").
_TOTAL_VERBS = {"topped", "tops", "surpassed", "surpasses", "exceeded", "exceeds", "passed", "hit", "hits", "nearly"}
_TOTAL_VERBS |= {"almost", "roughly", "some", "approximately", "totalled", "totaled", "totals", "numbered"}
_DIMENSIONS = {"tall", "high", "long", "wide", "deep", "thick", "of", "above", "below", "under", "away"}


def _counted_total(text: str, start: int, end: int) -> bool:
    first, _ = next_words(text, end)
    return prev_word(text, start) in _TOTAL_VERBS and first.lower() not in _DIMENSIONS


# "its 200 MP camera and 5,000 mAh battery": the article before the first amount serves both.
_DESCRIBED_BEFORE = re.compile(
    r"(?:\b(?:a|an|the|its|their|his|her|our|your)|'s)\s\d[\d,.]{0,12}\s?[A-Za-zµμ°²³]{1,6}\s[a-z]{2,20},?\s(?:and|or)\s$",
    re.IGNORECASE,
)


def _second_described(text: str, start: int) -> bool:
    return _DESCRIBED_BEFORE.search(text[max(0, start - 60) : start]) is not None


def _people_follow(text: str, end: int) -> bool:
    """ "2.5m Britons", "1.2m Americans", "3m Chinese": a people after "m" is counted (a length
    measures a lowercase thing, "a 2.5m wall"; "-ers" is left alone: "the 400m Masters")."""
    first, _ = next_words(text, end)
    return len(first) > 4 and first[0].isupper() and first[1:].islower() and first.endswith(("ans", "ons", "ese"))


def _can_follows(text: str, end: int) -> bool:
    return next_words(text, end)[0] == "can"  # "a 14 oz can": after an article, a tin, not a verb


# "6.3m b/d", "1.05m oz": a scale letter before a unit is millions (or billions) of it.
_SCALE_WORDS = {"m": " million", "mn": " million", "bn": " billion"}
_COMPOUND_AFTER = re.compile(r"-[a-z]")  # "5 km-wide": the unit joins a compound


def _plural_noun_follows(text: str, end: int) -> bool:
    """A plural noun next ("25 bp cuts"), or after one describing word that is no verb ("25 bp
    rate cuts", not "70 km/h downed trees")."""
    first, second = next_words(text, end)
    if is_plural_noun(first):
        return True
    verb_like = first.endswith(("ed", "ing", "ly"))
    return bool(second) and not verb_like and counts_follow(text, end)


_SECOND_PER = {"day": "day", "d": "day", "h": "hour", "hr": "hour", "min": "minute", "week": "week", "wk": "week"}


def unit_rule() -> Rule:
    units: dict[str, list[str]] = data("units")["units"]
    per: dict[str, str] = {k: v[0] for k, v in units.items()} | data("units")["per"]
    main = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    denominators = "|".join(re.escape(u) for u in sorted(per, key=len, reverse=True))
    pattern = re.compile(
        rf"(?<![\w.,])(?:(?P<low>{NUMBER})(?P<joiner>\s?[–-]\s?|\sto\s|\sby\s))?(?P<num>{NUMBER})(?P<scale>\s(?:thousand|million|billion)|(?:m|mn|bn)\s(?=\S{{1,5}}(?:\s|$|[,.;])))?(?P<joint>-|\s?)(?P<unit>{main})(?:/(?P<per>{denominators})(?:/(?P<per2>day|d|h|hr|min|week|wk))?)?(?![\w°/²³])"
    )

    def said(match: re.Match[str]) -> str:
        num, unit, denominator = match.group("num"), match.group("unit"), match.group("per")
        scale = _SCALE_WORDS.get((match.group("scale") or "").strip(), match.group("scale") or "")  # "1.5 million km"
        per_words = f" per {per[denominator]}" if denominator else ""
        if match.group("per2"):  # "0.5 mg/kg/day": milligrams per kilogram per day
            per_words += f" per {_SECOND_PER[match.group('per2')]}"
        singular, plural = units[unit]
        text = match.string
        counted_million = unit == "m" and not match.group("joint") and counts_follow(text, match.end())
        # The quantity describes the noun after it: "a 10 km race", "25 bp cuts", "165 mph winds",
        # "a 5 km-wide crater" ("25 bp in cuts", "70 km/h downed trees" stay amounts).
        noun_next = noun_follows(text, match.end()) or _can_follows(text, match.end())
        describes = (after_article(text, match.start()) or _second_described(text, match.start())) and noun_next
        describes = describes or (_plural_noun_follows(text, match.end()) and not counted_million)
        describes = describes or _COMPOUND_AFTER.match(text, match.end()) is not None
        if match.group("joint") == "-" or describes:
            amount, low = decimal_value(num), decimal_value(match.group("low") or "0")
            if amount is not None and low is not None:  # "a 10 km race" → "a ten-kilometre race"
                joiner = "by" if match.group("joiner") == " by " else "to"  # "a 4 by 6 ft rug"
                words = f"{cardinal(low)} {joiner} " if match.group("low") else ""  # "a 10-15 cm snowfall"
                words += f"{cardinal(amount)}{scale} {singular}" + per_words
                return hyphenated(words)
        if match.group("joint") == "-":
            return match.group(0)
        if match.group("low"):  # "10 to 15 cm of snow": the range said once, then the unit
            num = f"{match.group('low')} {'by' if match.group('joiner') == ' by ' else 'to'} {num}"
        if (
            unit == "m"
            and not match.group("joint")
            and (
                counts_follow(text, match.end())
                or _people_follow(text, match.end())
                or "million" in text[max(0, match.start() - 200) : match.end() + 200]
                or _counted_total(text, match.start(), match.end())
            )
        ):
            return f"{num} million"  # "1.2m people", "from 7.77m" in a sentence counting in millions
        name = singular if num == "1" and not scale else plural
        full_stop = "." if unit.endswith(".") and match.end() == len(text) else ""  # "… 1,150 sq. ft."
        return f"{num}{scale} {name}" + per_words + full_stop

    return pattern, said


_FRACTION_NAMES = {"½": "half", "¼": "a quarter", "¾": "three quarters", "⅓": "a third", "⅔": "two thirds"}
_FRACTION_NAMES |= {"⅛": "an eighth", "1/2": "half", "1/4": "a quarter", "3/4": "three quarters", "1/3": "a third"}
_FRACTION_NAMES |= {"2/3": "two thirds", "1/8": "an eighth"}
# Measures written as words that a fraction can take ("½ cup", "3/4 mile"), besides the units.
_MEASURES = "cup teaspoon tablespoon pint quart gallon litre liter pound ounce inch foot yard mile hour minute acre"
_VOWEL_SOUND = re.compile(r"[aeiou]|hour|hono", re.IGNORECASE)


def fraction_of_unit_rule() -> Rule:
    """ "½ tsp of salt" → "half a teaspoon of salt", "3/4 cup" → "three quarters of a cup": a
    fraction alone before a unit or a measure is a part of one; "7½ years" and "¾ of voters" are
    said by numbers.vulgar_fraction ("2 1/2 cups" has its whole number: numbers.MIXED_NUMBER).
    A lookahead for a digit or fraction leads the pattern (a fast scan); what stands before it is
    checked in said()."""
    units: dict[str, list[str]] = data("units")["units"]
    names = {u: v[0] for u, v in units.items() if v[0] == v[1] or not v[0].endswith("s")}
    names |= {m: m for m in _MEASURES.split()}
    alternation = "|".join(re.escape(u) for u in sorted(names, key=len, reverse=True))
    pattern = re.compile(
        r"(?=[\d½¼¾⅓⅔⅛])(?:(?P<whole>\d{1,6}+)\s?)?(?P<fraction>[½¼¾⅓⅔⅛]|(?<![\w./,])(?<!\d\s)[123]/[2348])"
        rf"(?:\s?(?P<unit>{alternation})(?![\w°/²³]))?"
    )
    vulgar = numbers.VULGAR_FRACTION[1]

    def said(match: re.Match[str]) -> str:
        fraction, unit = _FRACTION_NAMES.get(match.group("fraction")), match.group("unit")
        start = match.start()
        if start and (match.string[start - 1].isalnum() or match.string[start - 1] in "./"):
            return match.group(0)  # "7.½", "a½": not a number's part
        if match.group("whole") or fraction is None or unit is None:
            if "/" in match.group("fraction"):
                return match.group(0)  # "2 1/2 cups", "1/2 of": the number rules read them
            if unit is None:
                return vulgar(match)  # "7½ years", "¾ of voters"
            part = _FRACTION_NAMES[match.group("fraction")]  # "1½ tsp": "1 and a half teaspoons"
            plural = units[unit][1] if unit in units else unit
            return f" {match.group('whole')} and {'a ' + part if part == 'half' else part} {plural}"
        name = names[unit]
        article = "an" if _VOWEL_SOUND.match(name) else "a"
        return f"{fraction} {article} {name}" if fraction == "half" else f"{fraction} of {article} {name}"

    return pattern, said


def per_unit_rule() -> Rule:
    """ "cells per mL" → "cells per millilitre": a unit written after "per" without a number."""
    units: dict[str, list[str]] = data("units")["units"]
    names = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True) if len(u) > 1)
    return re.compile(rf"\bper\s({names})(?![\w°/²³])"), lambda m: f"per {units[m.group(1)][0]}"


_PER_TIME = {"month": "a month", "mo": "a month", "year": "a year", "yr": "a year", "day": "a day"}
_PER_TIME |= {"week": "a week", "wk": "a week", "hour": "an hour", "hr": "an hour", "night": "a night"}
_PER_TIME |= {"person": "a person", "head": "a head", "share": "a share", "night": "a night"}
# Prices per quantity: "$2,195.15/oz", "$3.49/gal", "$82/bbl".
_PER_TIME |= {"oz": "an ounce", "lb": "a pound", "kg": "a kilo", "gal": "a gallon", "bbl": "a barrel"}
_PER_TIME |= {"t": "a tonne", "barrel": "a barrel", "tonne": "a tonne", "ton": "a ton", "MWh": "a megawatt hour"}
_PER_TIME |= {"kWh": "a kilowatt hour", "sq ft": "a square foot"}
# "$9.99/month", "40 hrs/week": the slash is "a".
PER_TIME: Rule = (re.compile(rf"(?<=[\w%])\s?/\s?({'|'.join(_PER_TIME)})\b"), lambda m: f" {_PER_TIME[m.group(1)]}")
# "25 degrees F below normal" (after ° became "degrees"): the scale's name.
DEGREE_SCALE: Rule = (
    re.compile(r"\bdegrees\s([CF])\b(?!\.\w)"),
    lambda m: "degrees " + ("Celsius" if m.group(1) == "C" else "Fahrenheit"),
)
# "40.3C in Lincolnshire", "highs of 72F": a temperature without its degree sign (British and
# wire copy), read only when the sentence is about weather or heat (or a reading "recorded"), so
# "a 4C car" stays.
_WEATHER = re.compile(
    r"\b(?:temperatures?|heat(?:wave)?|hot(?:ter|test)?|warm(?:er|est|ing)?|cold(?:er|est)?|cool(?:er)?|highs?|lows?"
    r"|freez\w{0,6}|frost|weather|forecast|climate|thermometer|mercury|Met Office|degrees?"
    r"|scorch\w{0,4}|swelter\w{0,4}|chill\w{0,3}|record(?:ed|s)?)\b",
    re.IGNORECASE,
)
_BARE_TEMPERATURE = re.compile(r"(?<![\w.,])([−-]?\d{1,3}(?:\.\d)?)([CF])\b(?![\w'’-])")


def _bare_temperature(match: re.Match[str]) -> str:
    window = around(match, 120)
    if not _WEATHER.search(window):
        return match.group(0)
    return f"{match.group(1)} degrees {'Celsius' if match.group(2) == 'C' else 'Fahrenheit'}"


BARE_TEMPERATURE: Rule = (_BARE_TEMPERATURE, _bare_temperature)
# "measures 9.8 x 7 x 0.25 in.", "a 9x13-inch dish", "1920x1080 pixels": dimensions, said "by"; two
# numbers only before a unit or a compound ("5x zoom", "a 3x-leveraged fund" are times, elsewhere).
_BY_DIMENSIONS = re.compile(
    r"(?=\d)(?<![\w.,])(\d{1,5}(?:\.\d{1,3})?)\s?[x×]\s?(\d{1,5}(?:\.\d{1,3})?)(?:\s?[x×]\s?(\d{1,5}(?:\.\d{1,3})?))?"
    r"(?P<inches>\s?in\.(?=\s|$))?(?![\w.]|\.\d)"
)
_UNIT_OR_COMPOUND = re.compile(r"-[a-z]|\s?(?:in|inches|ft|feet|cm|mm|m|metres|meters|pixels?|px)\b")


def _dimensions(match: re.Match[str]) -> str:
    third, inches = match.group(3), match.group("inches")
    if not (third or inches or _UNIT_OR_COMPOUND.match(match.string, match.end())):
        return match.group(0)
    said = " by ".join(n for n in match.group(1, 2, 3) if n)
    full_stop = "." if inches and match.end() == len(match.string) else ""  # "… 0.25 in." ends the sentence
    return said + (" inches" if inches else "") + full_stop


DIMENSIONS: Rule = (_BY_DIMENSIONS, _dimensions)
# "cruising at FL350": a flight level, its digits said one by one.
FLIGHT_LEVEL: Rule = (
    re.compile(r"FL(?<![\w-]FL)\s?(\d{2,3})(?![\w.]|[.,]\d)"),
    lambda m: "flight level " + " ".join("zero" if d == "0" else d for d in m.group(1)),
)
# "120/80 mmHg", "fell by 8/5 mmHg": a blood pressure reading, said "over" (never a date).
# The slash leads the pattern (a fast scan): only it changes.
PRESSURE_READING: Rule = (re.compile(r"/(?<=\d/)(?=\d{1,3}\s?mm\s?Hg\b)"), " over ")
# "a M7.5 quake": a magnitude (only with its decimal: "M3 chip", "M4 motorway" stay).
MAGNITUDE: Rule = (re.compile(r"(?<![\w.])M(\d\.\d)(?![\w.]|\.\d)"), r"magnitude \1")
# "a 14.2\" display": inches, outside a quotation only (an even count of quotes before it).
_INCH_MARK = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,2})?)[\"″](?=\s[a-z]|[,;.]?(?:\s|$))")


_AFTER_DIGIT = re.compile(r'(?<=\d)"')
_PAIRED_INCHES = re.compile(r'\s(?:and|or|to)\s\d{1,3}(?:\.\d{1,2})?"')
_AFTER_PAIRED = re.compile(r'\d"\s(?:and|or|to)\s$')


def _inch_mark(match: re.Match[str]) -> str:
    window = match.string[max(0, match.start() - 300) : match.start()]  # bounded: linear
    if (window.count('"') - len(_AFTER_DIGIT.findall(window))) % 2:  # inch marks are no quotation
        return match.group(0)  # '"It was 5"': the quotation's closing mark
    text, end = match.string, match.end()
    paired = _PAIRED_INCHES.match(text, end, end + 24)  # "in 11\" and 13\" sizes": both describe
    describes = noun_follows(text, paired.end() if paired else end)
    if describes and (paired or _AFTER_PAIRED.search(window[-16:]) or after_article(text, match.start())):
        return f"{match.group(1)}-inch"  # "a 14.2-inch display"
    return f"{match.group(1)} inches" if match.group(1) != "1" else "1 inch"


INCH_MARK: Rule = (_INCH_MARK, _inch_mark)
# "12 in. of rain", "8-12 in. are expected": inches, never the word "in" (a dotted "in." after a
# number and before more of the sentence).
INCHES: Rule = (re.compile(r"(?<=\d)\s?in\.(?=\s[a-z]|,|$)"), lambda m: _inches_at_end(m))


def _attached_imperial(match: re.Match[str]) -> str:
    number, unit = match.group(1), match.group(2)
    n = int(number)
    if unit == "in":
        if after_article(match.string, match.start()) and noun_follows(match.string, match.end()):
            return hyphenated(f"{cardinal(n)} inch")  # "a 2in pipe": a two-inch pipe
        return f"{number} inch" if n == 1 else f"{number} inches"
    if n % 10 == 1 and n % 100 != 11:
        return match.group(0)  # "1st", "21st": ordinals, not stone
    return f"{number} stone"


# British heights and weights written close up: "6ft 2in" → "6 feet 2 inches", "13st 4lb" →
# "13 stone 4 pounds" (a spaced "in" is the word; "1st", "21st" stay ordinals).
ATTACHED_IMPERIAL: Rule = (re.compile(r"(?<![\w.,])(\d{1,3})(in|st)\b(?![.'’-]\w)"), _attached_imperial)


def _inches_at_end(match: re.Match[str]) -> str:
    """ "totals near 10 in." at a sentence end: inches when the sentence measures rain, snow or
    inches already ("they let 5 in." stays)."""
    if match.end() < len(match.string):
        return " inches"
    before = match.string[max(0, match.start() - 200) : match.start()]
    return " inches." if _MEASURED.search(before) else match.group(0)


_MEASURED = re.compile(r"\b(?:inch(?:es)?|rain(?:fall)?|snow(?:fall)?|hail|in\.)", re.IGNORECASE)
SCIENTIFIC: Rule = (_SCIENTIFIC, _scientific)
POWER: Rule = (_POWER, _power)
# ".45-caliber", "a .22 rifle": a calibre is said as a whole number ("forty-five").
CALIBRE: Rule = (
    re.compile(r"(?<![\w.,$€£¥])\.(\d\d)(?=[\s-](?:caliber|calibre|cal\.|Magnum|rifle|pistol|handgun|revolver)\b)"),
    r"\1",
)
# "68°-75°F": a range of degrees is said once, "68 to 75 degrees Fahrenheit".
DEGREE_RANGE: Rule = (re.compile(r"(?<=\d)°\s?[–-]\s?(?=[−-]?\d{1,3}(?:\.\d)?\s?°)"), " to ")


def _rooms(match: re.Match[str]) -> str:
    """ "a 2BR/2BA unit" → "a 2-bedroom, 2-bath unit"; "it has 3BR" → "it has 3 bedrooms"."""
    beds, baths = match.group(1), match.group(2) or match.group(3)
    describes = noun_follows(match.string, match.end())
    said = []
    for count, name in ((beds, "bedroom"), (baths, "bath")):
        if count:
            said.append(f"{count}-{name}" if describes else f"{count} {name}{'' if count == '1' else 's'}")
    return ", ".join(said)


# Listings: "2BR/2BA", "3 bd / 2.5 ba", "4BR".
_BATHS = r"(\d{1,2}(?:\.5)?)[\s-]?(?:BA|ba|bth)"
ROOMS: Rule = (
    re.compile(
        rf"(?<![\w.])(?:(\d{{1,2}})[\s-]?(?:BR|BD|bd|br|bdrm)(?:(?:\s?/\s?|,\s|\s){_BATHS})?|{_BATHS})(?![\w/])"
    ),
    _rooms,
)
# "a 3/2 bungalow": in a listing, three bedrooms and two baths.
ROOMS_SLASH: Rule = (
    re.compile(
        r"(?<![\w/.])([1-9])/([1-9](?:\.5)?)(?=\s(?:bungalow|home|house|condo|ranch|townhome|townhouse|unit|apartment"
        r"|duplex|cottage|colonial|rental)\b)"
    ),
    r"\1-bed, \2-bath",
)
