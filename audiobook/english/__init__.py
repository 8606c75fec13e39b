"""English spoken forms: numbers, years, dates, money, titles, Roman numerals, units, symbols and
identifiers said the way a narrator says them (issue 15).

One module per category (numbers, dates, money, units, titles, identifiers, scores, racing,
statistics, scripts), a shared vocabulary (words) and context reader (context); this module puts
their rules in order.
Hand-written, table-driven rules; num2words (imported on first use) spells cardinals and
ordinals, anyascii (also on first use) transliterates other scripts. The word lists — titles and
abbreviations, acronyms, units, regnal names — are data files in ``audiobook/data/`` and the
archive lexicon overrides any of them (normalize.spoken_form shields lexicon words from these rules).

Numeric dates follow the article's locale: ``en-GB``, ``en-AU``, ``en-NZ``, ``en-IE``, ``en-IN``
and ``en-ZA`` read 4/9/2025 day first ("the fourth of September"), every other English (``en``,
``en-US``, ``en-CA``) month first ("April ninth"); a first number over 12 is a day anywhere, and a
dotted date (09.04.2025) is always day first.

Every pattern sees user text, so each runs in linear time (see the note at the top of
normalize.py): bounded repeats, possessive runs, and context read from short windows.
"""

from __future__ import annotations

from functools import cache

from . import dates, identifiers, money, numbers, racing, scores, scripts, statistics, titles, units
from .titles import roman_value
from .words import DAY_FIRST_LOCALES, MONTHS, Rule, cardinal, data, number_words, ordinal, year_words

__all__ = ["MONTHS", "Rule", "cardinal", "data", "number_words", "ordinal", "roman_value", "rules", "year_rule"]
__all__ += ["year_words"]


@cache
def rules(locale: str) -> tuple[tuple[Rule, ...], tuple[Rule, ...], Rule, tuple[Rule, ...], Rule]:
    """(before, numbers, units, after, spelled acronyms): numbers and units only run when a digit
    is present; spelled acronyms only in a sentence not written in capitals. Order matters: a
    date or phone number is claimed before its digits could be read as a score or a range."""
    day_first = locale in DAY_FIRST_LOCALES
    spelled, said = titles.acronym_rules()
    before: tuple[Rule, ...] = (
        *scripts.GLOSSES,
        said,
        money.CODE_NAME,  # before WORD_OR_WORD takes "USD/JPY" apart
        identifiers.KEY_COMBO,
        identifiers.KEY_SYMBOL,
        identifiers.MENTION,
        identifiers.HASHTAG,
        identifiers.WORD_OR_WORD,
        identifiers.PROTOCOL_VERSION,
        identifiers.TICKER_SUFFIX,
        identifiers.COMPASS_POINT,
        identifiers.compass_street_rule(),
        *dates.weekday_rules(),
        *titles.title_rules(),
        titles.VERSUS,
        titles.INTERVIEW,
        statistics.STATISTIC,
        scores.OVERTIME,
        scores.SHOOTOUT,
        racing.RACE_PLACE,
        racing.QUALIFYING,
        scores.SPECIAL_TEAMS,
        scores.HALF_TIME,
        scores.ORDINAL_HOME_RUN,
        scores.RUNS_HOME_RUN,
        scores.ORDINAL_MINUTE,
        units.fraction_of_unit_rule(),
        units.FLIGHT_LEVEL,
        units.PRESSURE_READING,
        numbers.CIRCA,
    )
    with_digits: tuple[Rule, ...] = (
        numbers.ESTIMATED,  # both only before a number
        numbers.ESTABLISHED,
        scores.SHOOTING_SPLITS,
        scores.STOPPAGE_MINUTE,
        scores.GOLF_ROUNDS,
        scores.TIED_PLACE,
        scores.NOT_OUT,
        racing.STAGE_GAP,
        identifiers.RESOLUTION,
        identifiers.CODE_SECTION,
        identifiers.ACT_YEAR,
        identifiers.YEAR_NUMBERED,
        dates.BORN_DIED,
        identifiers.JUNCTION,
        *dates.numeric_date_rules(day_first),
        dates.OFFSET,
        identifiers.DOCKET,
        identifiers.district_rule(),
        identifiers.CVE,
        identifiers.CHIP_MODEL,
        identifiers.house_number_rule(),
        identifiers.zip_code_rule(),
        identifiers.CODE,
        identifiers.INTERNATIONAL_PHONE,
        identifiers.NORTH_AMERICAN_PHONE,
        identifiers.SHORT_PHONE,
        identifiers.VERSION,
        identifiers.versioned_rule(),
        identifiers.VERSION_PAIR,
        identifiers.AIRLINER,
        titles.lettered_model_rule(),
        identifiers.paired_rule(),
        identifiers.LABELLED_NUMBER,
        identifiers.AIRBUS,
        identifiers.DOTTED,
        scores.BOWLING_FIGURES,
        scores.RUNS_FOR_WICKETS,
        scores.WICKETS_FOR_RUNS,
        racing.MINUTES_SECONDS,
        numbers.MIXED_NUMBER,
        scores.TENNIS,
        scores.PAR_SCORE,
        racing.TRACK_DISTANCE,
        *dates.date_rules(),
        dates.cross_month_rule(),
        dates.CENTURY,
        numbers.DECADE,
        numbers.SHORT_DECADE,
        numbers.SHORT_YEAR,
        numbers.PREFIXED_YEAR,
        numbers.YEAR_POSSESSIVE,
        dates.ZONE,
        dates.MILITARY_TIME,
        dates.FOUR_DIGIT_TIME,
        racing.DURATION,
        racing.RACE_TIME,
        racing.SECONDS_GAP,
        identifiers.RATIO,
        dates.H_CLOCK,
        dates.DOT_CLOCK,
        dates.CLOCK,
        dates.HOUR,
        dates.HOUR_RANGE,
        money.MOVEMENT,
        money.QUARTER,
        money.FISCAL_YEAR,
        racing.RELAY,
        racing.HOURS_MINUTES,
        units.ROOMS_SLASH,
        scores.THREE_POINTERS,
        units.DIMENSIONS,
        scores.STRIKEOUTS,
        scores.INNINGS_PITCHED,
        scores.GAMES_BACK,
        identifiers.TIMES,
        money.CONTRACT_YEARS,
        money.MONEY,
        money.SUFFIXED,
        money.LETTER_CENTS,
        units.CALIBRE,
        scores.SLASH_LINE,
        scores.AVERAGE,
        statistics.BARE_DECIMAL,
        racing.DECIMAL_SECONDS,
        numbers.SCALE_SUFFIX,
        numbers.PERCENT_RANGE,
        money.CENTS,
        money.PENCE,
        units.DEGREE_RANGE,
        units.BARE_TEMPERATURE,
        units.ROOMS,
        units.INCHES,
        units.ATTACHED_IMPERIAL,
        units.MAGNITUDE,
        units.SCIENTIFIC,
        units.POWER,
        identifiers.FEET_INCHES,
        units.INCH_MARK,
        scores.RECORD,
        scores.LEVEL_SCORE,
        numbers.YEAR_RANGE,
    )
    after: tuple[Rule, ...] = (
        money.PER_CALENDAR_MONTH,
        identifiers.COMPARISON,
        identifiers.APPROXIMATELY,
        identifiers.NOT_EQUAL,
        identifiers.ABOUT,
        dates.month_or_weekday_alone_rule(),
        dates.DECADE_RANGE,
        titles.roman_rule(),
        scripts.TRANSLITERATION,
    )
    after = (units.per_unit_rule(), units.PER_TIME, units.DEGREE_SCALE, *after)
    return before, with_digits, units.unit_rule(), after, spelled


def year_rule() -> Rule:
    return numbers.YEAR_OR_COUNT
