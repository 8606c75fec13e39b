"""Dates, weekdays, clock times and time zones. Numeric dates follow the locale (see __init__)."""

from __future__ import annotations

import re
from collections.abc import Callable

from .words import MONTHS, ONES, Rule, data, number_words, ordinal, year_words


def _month_table() -> dict[str, str]:
    table = {m: m for m in MONTHS}
    table.update(data("titles")["months"])
    return table


def _weekday_table() -> dict[str, str]:
    names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    table = {d: d for d in names}
    table.update(data("titles")["weekdays"])
    return table


def _date_words(day: int, month: int, year: int | None, day_first: bool) -> str:
    name = MONTHS[month - 1]
    if day_first:
        said = f"the {ordinal(day)} of {name}"
        return f"{said} {year_words(year)}" if year else said
    said = f"{name} {ordinal(day)}"
    return f"{said}, {year_words(year)}" if year else said


_ISO_DATETIME = re.compile(
    r"(?<![\w.-])(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d{1,9})?)?"
    r"(Z|\s?UTC|\s?GMT|[+-]\d{2}:?\d{2})?)?(?![\w:-])"
)
_NUMERIC_DATE = re.compile(r"(?<![\w/.,-])(\d{1,2})([/.])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\w/]|[.,]\d)")
_COMMON_FRACTIONS = {"1/2", "1/3", "2/3", "1/4", "3/4", "1/5", "1/10"}
_DATE_INTRODUCED = re.compile(r"\b(?:on|since|until|by|from)\s$", re.IGNORECASE)


def _iso_datetime(day_first: bool) -> Callable[[re.Match[str]], str]:
    def said(match: re.Match[str]) -> str:
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group(0)
        words = _date_words(day, month, year, day_first)
        if match.group(4):
            words += f", {int(match.group(4))}:{match.group(5)}"
            zone = (match.group(6) or "").strip()
            if zone in ("Z", "UTC", "GMT"):
                words += " UTC" if zone != "GMT" else " GMT"
            elif zone:
                words += f" UTC {'plus' if zone[0] == '+' else 'minus'} {int(zone[1:3])}"
                words += f":{zone[-2:]}" if zone[-2:] != "00" else ""
        return words

    return said


def _numeric_date(day_first: bool) -> Callable[[re.Match[str]], str]:
    def said(match: re.Match[str]) -> str:
        a, separator, b, written_year = match.groups()
        if written_year is None:  # "on 11/11": a date only after a word that introduces one
            if (
                separator != "/"
                or _DATE_INTRODUCED.search(match.string[max(0, match.start() - 7) : match.start()]) is None
            ):
                return match.group(0)
            if f"{a}/{b}" in _COMMON_FRACTIONS and match.string[max(0, match.start() - 3) : match.start()] == "by ":
                return match.group(0)  # "cut infections by 1/3": a share, not January third
        elif separator == "." and len(written_year) == 2:
            return match.group(0)  # 1.2.25 is a version as often as a date
        first, second = int(a), int(b)
        year = int(written_year) if written_year else None
        if year is not None and len(written_year) == 2:
            year += 2000 if year < 70 else 1900
        order = day_first or separator == "."
        if first > 12:
            order = True
        elif second > 12:
            order = False
        day, month = (first, second) if order else (second, first)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group(0)
        return _date_words(day, month, year, order)

    return said


def date_rules() -> list[Rule]:
    months = _month_table()
    names = "|".join(sorted(months, key=len, reverse=True))
    month = rf"(?P<month>{names})(?:\.(?=\s\d)|\b)"
    day = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    day2 = r"(?:\s?[–-]\s?(?P<day2>\d{1,2})(?:st|nd|rd|th)?)?"
    year = r"(?:,?\s(?P<year>1[1-9]\d\d|20\d\d)(?![\w]|[.,]\d))?"
    month_day = re.compile(rf"\b{month}\s{day}{day2}(?![\w:]|[.,]\d){year}")
    day_month = re.compile(rf"(?<![\w.,$€£])(?P<the>the\s)?{day}{day2}\s(?:of\s)?{month}(?![\w'’]){year}")
    month_year = re.compile(rf"\b{month}\s(?P<year>1[1-9]\d\d|20\d\d)(?![\w]|[.,]\d)")

    def md(match: re.Match[str]) -> str:
        d, d2 = int(match.group("day")), match.group("day2")
        if not 1 <= d <= 31 or (d2 and not d < int(d2) <= 31):
            return match.group(0)
        said = f"{months[match.group('month')]} {ordinal(d)}" + (f" to {ordinal(int(d2))}" if d2 else "")
        return said + (f", {year_words(int(match.group('year')))}" if match.group("year") else "")

    def dm(match: re.Match[str]) -> str:
        d, d2 = int(match.group("day")), match.group("day2")
        if not 1 <= d <= 31 or (d2 and not d < int(d2) <= 31):
            return match.group(0)
        the = match.group("the") or ("The " if match.start() == 0 else "the ")
        said = f"{the}{ordinal(d)}" + (f" to {ordinal(int(d2))}" if d2 else "")
        said += f" of {months[match.group('month')]}"
        return said + (f" {year_words(int(match.group('year')))}" if match.group("year") else "")

    return [
        (month_day, md),
        (day_month, dm),
        (month_year, lambda m: f"{months[m.group('month')]} {year_words(int(m.group('year')))}"),
    ]


def month_or_weekday_alone_rule() -> Rule:
    """ "by Dec.", "in Sept. and Oct.", "by Thu.": a dotted month or weekday abbreviation without a
    date is the month or the day."""
    months = {k: v for k, v in _month_table().items() if k != v and k not in ("Mar", "May", "Jun")}
    months |= {k: v for k, v in _weekday_table().items() if k != v and k != "Sun"}  # "by Thu."; the Sun. paper
    names = "|".join(sorted(months, key=len, reverse=True))
    pattern = re.compile(rf"\b({names})\.(?=[\s,;)]|$|([\"'’”]))")
    # the full stop ends the sentence too at the end, or before a closing quote ("as soon as Sept.")
    return pattern, lambda m: months[m.group(1)] + ("." if m.end() == len(m.string) or m.group(2) else "")


def cross_month_rule() -> Rule:
    """ "Nov. 27-Dec. 1" (each date already said): "November twenty-seventh to December first"."""
    months = "|".join(MONTHS)
    return re.compile(rf"(?<=st|nd|rd|th)\s?[–-]\s?(?=(?:{months})\s)"), " to "


def weekday_rules() -> list[Rule]:
    names = "|".join(sorted(_month_table(), key=len, reverse=True))
    weekdays = _weekday_table()
    days = "|".join(sorted(weekdays, key=len, reverse=True))
    weekday_range = re.compile(rf"\b({days})\.?\s?(?:[–—-]|\s(?:to|through|thru)\s)\s?({days})(?:\.(?=\s?[\w,(]))?")
    short = "|".join(data("titles")["weekdays"])
    # "Wed. 6 March", and without the dot only before a whole date ("Wed 6 March"): "the Sun 5" stays
    weekday = re.compile(
        rf"\b({short})(?:\.(?=,?\s(?:{names}|\d))|(?=,?\s(?:\d{{1,2}}(?:st|nd|rd|th)?\s(?:{names})\b|(?:{names})\s\d)))"
    )
    return [
        (weekday_range, lambda m: f"{weekdays[m.group(1)]} to {weekdays[m.group(2)]}"),
        (weekday, lambda m: weekdays[m.group(1)]),
    ]


_ZONES = {"ET": "Eastern", "EST": "Eastern", "EDT": "Eastern", "PT": "Pacific", "PST": "Pacific"}
_ZONES |= {"PDT": "Pacific", "CT": "Central", "CST": "Central", "CDT": "Central", "MT": "Mountain"}
_ZONES |= {"MST": "Mountain", "MDT": "Mountain"}
_ZONE = re.compile(r"\b(?:ET|EST|EDT|PT|PST|PDT|CT|CST|CDT|MT|MST|MDT)\b")
_AFTER_TIME = re.compile(r"(?:\d|[ap]m|[AP]M|[ap]\.m\.|noon|midnight)\s?$")


def _zone(match: re.Match[str]) -> str:
    """ "9am PT" → "9am Pacific": a zone only right after a time."""
    before = match.string[max(0, match.start() - 9) : match.start()]
    if _AFTER_TIME.search(before) is None:
        return match.group(0)
    return ("" if before.endswith(" ") else " ") + _ZONES[match.group(0)]


_CLOCK = re.compile(r"(?<![\d.])\b([01]?\d|2[0-3]):([0-5]\d)(?:(\s?[ap]\.?m\b\.?)|\b(?!:))", re.IGNORECASE)
_HOUR = re.compile(r"(?<![\w:.,])(1[0-2]|0?[1-9])\s?([ap])\.?m\b\.?", re.IGNORECASE)


def _meridiem(written: str) -> str:
    return " a.m." if written.strip().lower().startswith("a") else " p.m."


def _clock(match: re.Match[str]) -> str:
    hour, minute, meridiem = int(match.group(1)), int(match.group(2)), match.group(3)
    said_hour = number_words(hour) if hour else "zero"
    if minute == 0 and not meridiem and (hour > 12 or match.group(1) == "00"):
        words = f"{said_hour} hundred"  # "14:00 CET", "00:00": a 24-hour clock on the hour
    elif minute == 0:
        words = f"{said_hour} o'clock" if not meridiem else said_hour
    elif minute < 10:
        words = f"{said_hour} oh {ONES[minute]}"
    else:
        words = f"{said_hour} {number_words(minute)}"
    return words + (_meridiem(meridiem) if meridiem else "")


ZONE: Rule = (_ZONE, _zone)
# "0000 GMT", "1430 UTC": a time written as four digits before a zone.
MILITARY_TIME: Rule = (
    re.compile(r"(?<![\w.,:])([01]\d|2[0-3])([0-5]\d)(?=\s?(?:GMT|UTC|Z)\b)"),
    lambda m: (
        "midnight" if m.group(0) == "0000" else ("noon" if m.group(0) == "1200" else f"{m.group(1)}:{m.group(2)}")
    ),
)
# "departs at 0932 and reaches Edinburgh at 1404": a timetable's verbs before a four-digit time
_TIMETABLE = re.compile(r"\b(?:depart|departs|departed|arrive|arrives|arrived|reach|reaches|leaves|lands|docks)\b")
_TIME_INTRODUCED = re.compile(r"\b(?:at|by|until|from|before|after|departs|leaves|arrives)\s$")


def _four_digit_time(match: re.Match[str]) -> str:
    """ "departs at 0715", "at 1130 local time", "at 0600 hours": a 24-hour time in four digits,
    after a word that introduces a time, when a leading nought or the words after show it is one."""
    hour, minute, after = match.group(1), match.group(2), match.group(3) or ""
    if _TIME_INTRODUCED.search(match.string[max(0, match.start() - 9) : match.start()]) is None:
        return match.group(0)
    timetable = _TIMETABLE.search(match.string[max(0, match.start() - 80) : match.start()])
    if not (hour.startswith("0") or after or timetable):
        return match.group(0)  # "at 1500 degrees", "at 1130 Main St."
    if after.startswith("h"):  # military: "oh six hundred hours", "fourteen thirty hours"
        said = ("oh " if hour[0] == "0" and hour != "00" else "") + (number_words(int(hour)) if int(hour) else "zero")
        return f"{said} {'hundred' if minute == '00' else number_words(int(minute))} hours"
    return f"{hour}:{minute}" + (f" {after}" if after else "")


FOUR_DIGIT_TIME: Rule = (
    re.compile(r"(?<![\w.,:$€£])([01]\d|2[0-3])([0-5]\d)(?:\s(local\stime|hours|hrs)\b)?(?![\w.,]\d|\d|-)"),
    _four_digit_time,
)
CLOCK: Rule = (_CLOCK, _clock)
# "07h43", "21h00": a European timetable's hour and minutes, read as a clock.
H_CLOCK: Rule = (re.compile(r"(?<![\w.,:])([01]\d|2[0-3])h([0-5]\d)(?!\w)"), r"\1:\2")
# "5.30pm", "10.45 a.m.": the British clock writes a point between hour and minutes; only with
# am/pm, since "5.30" alone is a decimal.
DOT_CLOCK: Rule = (
    re.compile(r"(?<![\w.,:])(1[0-2]|0?[1-9])\.([0-5]\d)(?=\s?[ap]\.?m\b)", re.IGNORECASE),
    r"\1:\2",
)
HOUR: Rule = (_HOUR, lambda m: number_words(int(m.group(1))) + _meridiem(m.group(2)))
# "9 a.m.-5 p.m." (after HOUR and CLOCK have said both times): a range of hours.
HOUR_RANGE: Rule = (re.compile(r"(?<=[ap]\.m\.)\s?[–-]\s?(?=[a-z]|\d)"), " to ")


def numeric_date_rules(day_first: bool) -> tuple[Rule, ...]:
    return (_ISO_DATETIME, _iso_datetime(day_first)), (_NUMERIC_DATE, _numeric_date(day_first))


def _offset(match: re.Match[str]) -> str:
    base, sign, amount = match.groups()
    if base == "T" and sign != "+" and ":" not in amount:
        return match.group(0)  # "T-34", "T-1000" are names; "T-8:30" and "T+10" are countdowns
    return f"{base} {'plus' if sign == '+' else 'minus'} {amount}"


# "UTC+5:30", "GMT-5", "T+8:30": the sign is said, the time then read as a clock.
OFFSET: Rule = (re.compile(r"\b(UTC|GMT|T)\s?([+−-])\s?(\d{1,2}(?::[0-5]\d)?)(?![\d:])"), _offset)

# "the 7th c. BC": an ordinal before "c." is a century.
CENTURY: Rule = (re.compile(r"(\d(?:st|nd|rd|th))\s?c\.(?=[\s,;)]|$)"), r"\1 century")
# "the 1960s–70s" (each decade already said): "the nineteen-sixties to seventies".
DECADE_RANGE: Rule = (re.compile(r"(ties|dreds|sands)\s?[–—-]\s?(?=[a-z-]{3,24}(?:ties|dreds|sands)\b)"), r"\1 to ")
# "Judi Dench (b. 1934)", "(d. 2020)": born, died.
BORN_DIED: Rule = (
    re.compile(r"(\(|,\s)([bd])\.\s?(1[0-9]\d\d|20\d\d)(?!\d)"),
    lambda m: f"{m.group(1)}{'born' if m.group(2) == 'b' else 'died'} {year_words(int(m.group(3)))}",
)
