"""Races: times (2:03:45, 3:49.56, 4h 12m 33s), gaps (+1.234s, 0:17, by 1:42), places (P3),
qualifying sessions (Q3), relays and track distances, said as a commentator says them."""

from __future__ import annotations

import re

from .context import after_article, around, noun_follows, prev_word
from .words import Rule, number_words, ordinal


def _duration(match: re.Match[str]) -> str:
    """A race time, 2:01:09 → "2 hours 1 minute 9 seconds"."""
    hours, minutes, seconds, fraction = match.groups()
    if prev_word(match.string, match.start()) in ("at", "by", "until", "till", "from"):
        return f"{hours}:{minutes} and {int(seconds)} seconds"  # a time of day, to the second
    parts = []
    for value, unit in ((hours, "hour"), (minutes, "minute")):
        if int(value):
            parts.append(f"{int(value)} {unit}{'' if int(value) == 1 else 's'}")
    seconds_said = str(int(seconds)) + (f".{fraction}" if fraction else "")
    if seconds_said != "0":
        parts.append(f"{seconds_said} second{'' if seconds_said == '1' else 's'}")
    return " ".join(parts) or match.group(0)


def _race_time(match: re.Match[str]) -> str:
    """ "15:30.02" → "15 minutes 30.02 seconds": minutes, seconds and hundredths, never a clock."""
    minutes, seconds = int(match.group(1)), f"{int(match.group(2))}.{match.group(3)}"
    # "a 1:27.1 lap": describing a noun, the time is said without its last unit
    describing = after_article(match.string, match.start()) and noun_follows(match.string, match.end())
    seconds_unit = "" if describing else " seconds"
    return (f"{minutes} minute{'' if minutes == 1 else 's'} " if minutes else "") + seconds + seconds_unit


RACE_TIME: Rule = (re.compile(r"(?<![\w:.])(\d{1,2}):([0-5]\d)\.(\d{1,3})(?![\d:]|\.\d)"), _race_time)
# "Pogacar at 0:17", "+0:42": no clock starts at hour nought, so it is a gap in seconds.
SECONDS_GAP: Rule = (re.compile(r"0:(?<![\w:.]0:)([0-5]\d)(?![\d:]|\.\d)"), lambda m: f"{int(m.group(1))} seconds")
DURATION: Rule = (re.compile(r"(?<![\w:.])(\d{1,2}):([0-5]\d):([0-5]\d)(?:\.(\d{1,3}))?(?![\d:])"), _duration)


# "0.227s clear", "in 9.58s": a decimal with an "s" is seconds (a whole number could be a decade).
DECIMAL_SECONDS: Rule = (re.compile(r"(?<![\w.,])(\d{1,3}\.\d{1,3})s(?![\w'’])"), r"\1 seconds")


# "the 4x100m relay": four by one hundred metres.
RELAY: Rule = (re.compile(r"(?<![\w.])(\d)\s?[x×]\s?(\d{2,3})\s?m\b"), r"\1 by \2 metres")


def _hours_minutes(match: re.Match[str]) -> str:
    hours, minutes = int(match.group(1)), int(match.group(2))
    said = f"{hours} hour{'' if hours == 1 else 's'}"
    return said + (f" {minutes} minute{'' if minutes == 1 else 's'}" if minutes else "")


# "2h16m", "1h 30min": a duration in hours and minutes.
HOURS_MINUTES: Rule = (re.compile(r"(?<![\w.])(\d{1,3})h\s?([0-5]?\d)(?:m|min|mins)\b"), _hours_minutes)


# "the 1500m", "a 3200m steeplechase": a track distance in hundreds is "fifteen hundred metres".
TRACK_DISTANCE: Rule = (
    re.compile(r"(?<![\w.,$€£¥-])([1-9][1-9])00\s?m\b(?![\w²³/])"),
    lambda m: f"{number_words(int(m.group(1)))} hundred metres",
)


def _minutes_seconds(match: re.Match[str]) -> str:
    minutes, seconds = int(match.group(1)), int(match.group(2))
    return f"{minutes} minute{'' if minutes == 1 else 's'} {seconds} second{'' if seconds == 1 else 's'}"


# "by 1m 8s", "1m08s": minutes and seconds of a gap or a stage time.
MINUTES_SECONDS: Rule = (re.compile(r"(?<![\w.])(\d{1,2})m\s?([0-5]?\d)s\b"), _minutes_seconds)


_RACING_WORDS = re.compile(
    r"\b(?:laps?|grid|pole|qualif\w{0,6}|Grand\sPrix|GP|F1|Formula|podium|race|raced|stint|pits?|tyres?|tires?"
    r"|softs|mediums|hards|DRS|sprint|chequered|checkered|IndyCar|MotoGP|NASCAR)\b"
)


_PLACED = {"finished", "finishes", "finishing", "qualified", "qualifies", "qualifying", "started", "starts", "starting"}


def _race_place(match: re.Match[str]) -> str:
    window = around(match, 160)
    placed = prev_word(match.string, match.start()) in _PLACED or re.search(
        r"\bstart\w{0,3}\sfrom\s$", match.string[max(0, match.start() - 20) : match.start()]
    )
    return ordinal(int(match.group(1))) if placed or _RACING_WORDS.search(window) else match.group(0)


# "finished P3", "started from P6": a place in a race, "third", "sixth".
RACE_PLACE: Rule = (re.compile(r"P(?<![\w-]P)([1-9]|1\d|20)(?![\w-])"), _race_place)


def _qualifying(match: re.Match[str]) -> str:
    window = around(match, 160)
    racing = _RACING_WORDS.search(window) or re.search(r"\b(?:quicker|slower|fastest|pole)\b", window)
    return f"Q {match.group(1)}" if racing else match.group(0)


# "quicker in Q3": a qualifying session in motor racing, not a quarter ("Q 3" keeps the finance rule off it).
QUALIFYING: Rule = (re.compile(r"Q(?<![\w-]Q)([123])(?![\w-])"), _qualifying)


def _stage_gap(match: re.Match[str]) -> str:
    if re.search(r"(?<![\w:.])\b(?:by|to|of)\s$", match.string[max(0, match.start() - 4) : match.start()]) is None:
        return match.group(0)  # only a gap "by", "to" or "of" a time
    window = around(match, 120)
    if _CLOCK_WORDS.search(window) or not _GAP_WORDS.search(window):
        return match.group(0)  # "by 1:42 a.m.": a clock
    minutes, seconds = int(match.group(1)), int(match.group(2))
    return f"{minutes} minute{'' if minutes == 1 else 's'} {seconds} second{'' if seconds == 1 else 's'}"


_CLOCK_WORDS = re.compile(r"\b(?:[ap]\.?m\b|[AP]M\b|o'clock|local\stime|GMT|UTC|ET|BST)")
_GAP_WORDS = re.compile(
    r"\b(?:[Ss]tage|leads?|gap|peloton|yellow\sjersey|GC|general\sclassification|overall|Tour|Giro|Vuelta"
    r"|deficit|margin)\b"
)
# "won the stage by 1:42", "extend his lead to 6:17": a gap in minutes and seconds, not a clock.
STAGE_GAP: Rule = (
    re.compile(r"(\d{1,2}):([0-5]\d)(?![\d:]|\.\d|\s?[ap]\.?m)"),
    _stage_gap,
)
