"""Sports and contests: tennis sets and tiebreaks, win–loss records, level scores, cricket, golf,
box-score abbreviations (races are in racing.py). A plain "3-1" is left to the range rule
("3 to 1"), which is how a score is read in a sentence."""

from __future__ import annotations

import re

from .context import around, next_words, noun_follows
from .words import ONES, Rule, number_words, ordinal

# a set, with its tiebreak in brackets: the loser's points "(4)" or the whole score "(7-3)"
_SET = r"\d{1,2}[–-]\d{1,2}(?:\s?\(\d{1,2}(?:[–-]\d{1,2})?\))?"
# Sets apart by commas or, in results lists, by spaces alone: "6-4 3-6 7-6(5)".
_SET_SCORES = re.compile(rf"(?<![\w.,:–-])(?:{_SET})(?:,?\s{_SET}){{0,4}}+(?![\w–-]|[.,]\s?\d)")
_ONE_SET = re.compile(r"(\d{1,2})[–-](\d{1,2})(?:\s?\((\d{1,2})(?:[–-](\d{1,2}))?\))?")


def _is_set(a: int, b: int, final: bool) -> bool:
    high, low = max(a, b), min(a, b)
    if final and high > 7:  # an advantage final set: "10-8"
        return high - low == 2
    return (high == 6 and low <= 4) or (high == 7 and low in (5, 6))


def _tennis(match: re.Match[str]) -> str:
    """ "6-4, 7-6 (4), 6-2" → "6 4, 7 6, 7 4 in the tiebreak, 6 2": set scores are said as pairs,
    and the bracket (the loser's tiebreak points) as the tiebreak's score."""
    sets = list(_ONE_SET.finditer(match.group(0)))
    has_tiebreak = any(s.group(3) for s in sets)
    if len(sets) < 2 and not has_tiebreak:
        return match.group(0)
    said = []
    for i, found in enumerate(sets):
        a, b = int(found.group(1)), int(found.group(2))
        if not _is_set(a, b, final=i == len(sets) - 1) or (found.group(3) and max(a, b) != 7):
            return match.group(0)
        words = f"{a} {b}"
        if found.group(4):  # "(7-3)": the tiebreak's score as written
            words += f", {int(found.group(3))} {int(found.group(4))} in the tiebreak"
        elif found.group(3):
            loser = int(found.group(3))
            words += f", {max(7, loser + 2)} {loser} in the tiebreak"
        said.append(words)
    return ", ".join(said)


# A capitalised name, not the sentence's first word, then the opening bracket: "the Knicks (",
# or a record already in that bracket: "Ohio State (11-1, " before "8-1 Big Ten)".
_TEAM_BEFORE = re.compile(r"\S\s[A-Z][\w'’.-]{1,20}\s\((?:(\d{1,3})[–-](\d{1,3})(?:[–-]\d{1,3})?,\s)?$")
# What follows a season's record, not a game's score: "3-7 in their last 10", "8-1 on the road".
_RECORD_TAIL = re.compile(
    r"\s(?:in\s(?:their|its|his|her|the|our|my)\s(?:last|past|first|previous)\b|on\sthe\s(?:season|year)\b"
    r"|overall\b|this\s(?:season|year)\b|in\s(?:conference|division|league)\splay\b"
    r"|in\sone-\w{1,8}\sgames\b|since\b)"
)
# A standing reached, not a game played: "fell to 12-27", "improved to 8-3" (group 1), and after
# a looser verb, "went 15-2", "the Jets are 3-9", unless a game's words follow ("are 2-0 up").
_STANDING_VERB = re.compile(
    r"(?:\b((?:improv|fell|fall|drop|mov|slip|climb|rose|rise)\w{0,4}\sto|(?:sit|sits|sat|stand|stands|stood)\sat)"
    r"|(?<!\bit\s)(?<!\bscore\s)\bwent|\bfinished|\b(?:are|were))\s$"
)
# After a standing verb, a season's place or year: "were 2-15 in 2021", "are 20-5 at home".
_PITCHER_LINE = re.compile(r",?\s(?:with\s)?an?\s\d\.\d\d\sERA\b")
_IN_A_SEASON = re.compile(r"\s(?:in\s(?:1[89]|20)\d\d\b(?![–-]\d)|at\shome\b|on\sthe\sroad\b|away\sfrom\shome\b)")
_SCORE_NEXT = {"up", "down", "ahead", "behind", "lead", "win", "victory", "loss", "defeat", "winners", "winner"}
_GAME_NEXT = _SCORE_NEXT | {"at", "in", "after", "with", "on", "from", "thanks", "when", "as", "to", "over", "against"}


def _is_record(match: re.Match[str], wins: int, losses: int) -> bool:
    text, start, end = match.string, match.start(), match.end()
    first, _ = next_words(text, end)
    if first.lower() in ("record", "records", "mark", "start", "season") or _RECORD_TAIL.match(text, end, end + 40):
        return True
    if _PITCHER_LINE.match(text, end, end + 30):
        return True  # "Wheeler is 15-7 with a 2.57 ERA": a pitcher's wins and losses
    team = _TEAM_BEFORE.search(text[max(0, start - 40) : start])
    if team is not None and team.group(1):  # "(11-1, 8-1 Big Ten)": the bracket holds records
        return int(team.group(1)) + int(team.group(2)) >= 10
    if team is not None and text[end : end + 1] in "),":  # "the Knicks (50-32)"
        return wins + losses >= 10
    verb = _STANDING_VERB.search(text[max(0, start - 24) : start])
    if verb is None:
        return False
    if _IN_A_SEASON.match(text, end, end + 16):
        return True  # "the Giants were 2-15 in 2021": a season
    return first.lower() not in (_SCORE_NEXT if verb.group(1) else _GAME_NEXT)


def _record(match: re.Match[str]) -> str:
    """A 12-3-2 record: wins, losses and draws; a 10-2 record (a season's, see _is_record): wins
    and losses. Any other pair is left to the range rule, which reads a game's score."""
    numbers = [n for n in match.groups() if n]
    if len(numbers) == 2 and not _is_record(match, int(numbers[0]), int(numbers[1])):
        return match.group(0)
    if numbers == ["1", "2", "3"]:
        return "1 2 3"  # "a 1-2-3 inning": one-two-three, a count, not a record
    return ", ".join(numbers[:-1]) + f" and {numbers[-1]}"


TENNIS: Rule = (_SET_SCORES, _tennis)
RECORD: Rule = (re.compile(r"(?<![\w.–-])(\d{1,3})[–-](\d{1,3})(?:[–-](\d{1,3}))?(?![\w–-]|\.\d)"), _record)
LEVEL_SCORE: Rule = (re.compile(r"(?<![\w.,-])(\d{1,3})[–-]\1(?![\w.–-]|,\d)"), r"\1 \1")  # "50-50", "a 2-2 draw"


def _average(match: re.Match[str]) -> str:
    """A batting average or a calibre, ".312" → "three twelve", ".300" → "three hundred"."""
    first, rest = int(match.group(1)), int(match.group(2))
    head = ONES[first] if first else "oh"
    if rest == 0:
        return f"{head} hundred" if first else "zero"
    return f"{head} {number_words(rest) if rest >= 10 else 'oh ' + ONES[rest]}"


# Three digits after a bare point: no narrator says "point three one two" for an average.
# Not a statistic: "p = .003", "r<.05" keep their point.
AVERAGE: Rule = (re.compile(r"(?<![\w.,$€£¥=<>≤≥±−+-])(?<![=<>≤≥]\s)\.(\d)(\d\d)(?![\d%]|\.\d)"), _average)


def _overtime(match: re.Match[str]) -> str:
    count = match.group(1)
    head = match.string[max(0, match.start() - 16) : match.start()]
    after_score = re.search(r"(?:\d\s|\(|\b(?:double|triple|into|during)\s)$", head) is not None
    # "won 4-3 in OT", "the OT winner" only with a score nearby: "works in OT" is occupational therapy
    after_score = after_score or bool(re.search(r"\d.{0,6}\b(?:in|an|the|of|to)\s$", head))
    if not (count or after_score):
        return match.group(0)  # "OT" alone may be occupational therapy or the Old Testament
    return {"2": "double ", "3": "triple ", None: ""}.get(count, f"{count} ") + "overtime"


# "won 4-3 in OT", "a 2OT thriller", "(OT)": overtime, after a score or a word that leads to it.
OVERTIME: Rule = (re.compile(r"(?<![\w-])([2-4])?OT(?![\w-])"), _overtime)
# "a 2-run HR", "a solo HR": a home run.
RUNS_HOME_RUN: Rule = (re.compile(r"HR\b(?:(?<=-run\sHR)|(?<=\bsolo\sHR))"), "home run")
# "his 58th HR": a home run, after an ordinal (after a count the unit list says it: "2 HR").
ORDINAL_HOME_RUN: Rule = (re.compile(r"(?<=\d(?:st|nd|rd|th) )HR\b"), "home run")
# "in the 89th min": the minute of a match.
ORDINAL_MINUTE: Rule = (re.compile(r"(?<=\d(?:st|nd|rd|th) )min\b\.?"), "minute")
# "8 3s": three-pointers made, after a count.
THREE_POINTERS: Rule = (re.compile(r"(?<=\d )3s\b"), "three-pointers")
# A golf score against par, "finish at -14", "a +3 total": "fourteen under", "three over".
_GOLF_WORDS = re.compile(
    r"\b(?:par|shots?|shoots|carded|birdies?|bogeys?|eagles?|holes?|round|golf|PGA|LPGA|Masters|tee|putts?|leaderboard"
    r"|(?<=the\s)cut|cut(?=\s(?:line|mark|fell|came)))\b"
)
_PAR_SCORE = re.compile(r"(?:(?<=\s)|(?<=\())([−+-])(\d{1,2})(?![\d%°:/-]|[.,]\d)")


def _par_score(match: re.Match[str]) -> str:
    window = around(match, 160)
    if not _GOLF_WORDS.search(window):
        return match.group(0)
    return f"{match.group(2)} {'over' if match.group(1) == '+' else 'under'}"


PAR_SCORE: Rule = (_PAR_SCORE, _par_score)

# A slash line ".298/.415/.625" (average, on-base, slugging): three averages, not fractions.
SLASH_LINE: Rule = (re.compile(r"(?<=\d)/(?=\.\d\d\d)"), ", ")

# Cricket: "245-6 at stumps", "declared on 450-7": runs for wickets, "245 for 6" (a total of ten
# or more runs, so a "2-1 series lead" stays a score).
_CRICKET_WORDS = re.compile(
    r"\b(?:stumps|wickets?|innings|declared|overs|all out|cricket|bowled|bowlers?|batting|Test|at\s(?:tea|lunch))\b"
)
# Written "245-6" in Britain and "245/6" in Australia and India.
_RUNS_FOR_WICKETS = re.compile(r"(?<![\w.,:/–-])(\d{2,3})[–/-]([0-9]|10)(?![\w/–-]|[.,]\d)")


def _runs_for_wickets(match: re.Match[str]) -> str:
    window = around(match, 120)
    return f"{match.group(1)} for {match.group(2)}" if _CRICKET_WORDS.search(window) else match.group(0)


def _wickets_for_runs(match: re.Match[str]) -> str:
    if re.match(r"[\w.,:/–-]", match.string[match.start() - 1 : match.start()]):
        return match.group(0)  # inside a longer number or a date
    window = around(match, 120)
    return f"{match.group(1)} for {match.group(2)}" if _CRICKET_WORDS.search(window) else match.group(0)


# Australia writes the wickets first: "9/187 at stumps" is 187 for 9, said "9 for 187".
WICKETS_FOR_RUNS: Rule = (re.compile(r"(10|[0-9])/(\d{2,3})(?![\w/–-]|[.,]\d)"), _wickets_for_runs)


RUNS_FOR_WICKETS: Rule = (_RUNS_FOR_WICKETS, _runs_for_wickets)

# Bowling figures "took 5-45": wickets for runs, "5 for 45" (in cricket copy).
_BOWLING = re.compile(r"(?:(?<=\btook )|(?<=\breturned )|(?<=\bclaimed ))([0-9]|10)[–/-](\d{1,3})(?![\w/–-]|[.,]\d)")
BOWLING_FIGURES: Rule = (
    _BOWLING,
    lambda m: (
        f"{m.group(1)} for {m.group(2)}"
        if _CRICKET_WORDS.search(m.string[max(0, m.start() - 120) : m.end() + 120])
        else m.group(0)
    ),
)


# Standings, box scores and race results abbreviate what a narrator says in full; each only with
# its sport's words nearby, since "GB" is also gigabytes and "P3" a lab or a visa.
_STANDINGS_WORDS = re.compile(
    r"\b(?:games?|behind|back|division|standings|wild[\s-]card|AL|NL|East|West|Central|pennant|magic\snumber"
    r"|playoffs?|first\splace)\b"
)
_STORAGE_WORDS = re.compile(r"\b(?:storage|memory|RAM|SSD|drive|data|download|file|disk|cloud|phone|laptop|GPU|VRAM)\b")


def _games_back(match: re.Match[str]) -> str:
    if re.match(r"[\w.]", match.string[match.start() - 1 : match.start()]):
        return match.group(0)  # inside a longer number
    window = around(match, 120)
    if _STANDINGS_WORDS.search(window) is None or _STORAGE_WORDS.search(window) is not None:
        return match.group(0)
    return f"{match.group(1)} games back"


# "sit 13 GB in the AL East": games behind the leader.
GAMES_BACK: Rule = (re.compile(r"(\d{1,2}(?:\.5)?)\s?GB\b"), _games_back)
# "over 7 IP": innings pitched, after a count.
INNINGS_PITCHED: Rule = (re.compile(r"IP\b(?<=\d\sIP)"), "innings")
# "9 Ks": strikeouts, after a count.
STRIKEOUTS: Rule = (re.compile(r"Ks\b(?<=\d Ks)"), "strikeouts")
_SHOOTOUT_NEXT = ("win", "wins", "loss", "losses", "winner", "goal", "goals", "victory", "defeat", "record")


def _shootout(match: re.Match[str]) -> str:
    head = match.string[max(0, match.start() - 4) : match.start()]
    first, _ = next_words(match.string, match.end())
    if re.search(r"(?:\d\s|\()$", head) or first.lower() in _SHOOTOUT_NEXT:
        return "shootout"
    return match.group(0)


# "won 3-2 (SO)", "their fourth SO win": a hockey shootout.
SHOOTOUT: Rule = (re.compile(r"SO(?<![\w-]SO)(?![\w-])"), _shootout)  # literal first: fast to skip to

# "on 52/38/89 shooting": field goal, three-point and free-throw percentages, said as three numbers.
SHOOTING_SPLITS: Rule = (
    re.compile(r"/(?<=(?<![\w/.])\d\d/)(\d{2})/(\d{2,3})(?=\s(?:shooting|splits?)\b)"),
    r", \1, \2",
)


def _stoppage_minute(match: re.Match[str]) -> str:
    if re.match(r"[\w.+]", match.string[match.start() - 1 : match.start()]):
        return match.group(0)  # inside a longer number
    return ordinal(int(match.group(1)) + int(match.group(2)))


# "the 90+3rd minute": stoppage time, said as the minute it is ("ninety-third").
STOPPAGE_MINUTE: Rule = (re.compile(r"(\d{2,3})\+(\d{1,2})(?:st|nd|rd|th)\b"), _stoppage_minute)

_HOCKEY_WORDS = re.compile(r"\b(?:power\splay|penalty|goals?|saves?|NHL|hockey|shots?|puck|Oilers|Rangers|Bruins)\b")


def _special_teams(match: re.Match[str]) -> str:
    window = around(match, 120)
    if _HOCKEY_WORDS.search(window) is None and re.search(r"\b(?:PP|PK)\b.{1,60}\b(?:PP|PK)\b", window) is None:
        return match.group(0)
    return "power play" if match.group(1) == "P" else "penalty kill"


# "on the PP", "3-for-4 on the PK": hockey's power play and penalty kill.
SPECIAL_TEAMS: Rule = (re.compile(r"P([PK])\b(?<=\bthe\sP[PK])"), _special_teams)
# "trail 13-6 at HT": half-time.
HALF_TIME: Rule = (re.compile(r"HT\b(?<=\bat\sHT)"), "half-time")


# "Root is 64*": a batter not out (in cricket copy).
def _not_out(match: re.Match[str]) -> str:
    text, start = match.string, match.start()
    if re.search(r"(?<![\w.])\d{1,3}$", text[max(0, start - 4) : start]) is None:
        return match.group(0)
    return " not out" if _CRICKET_WORDS.search(text[max(0, start - 120) : start + 120]) else match.group(0)


NOT_OUT: Rule = (re.compile(r"\*(?<=\d\*)(?![\w*])"), _not_out)


def _rounds(match: re.Match[str]) -> str:
    rounds = match.group(0).replace("–", "-").split("-")
    if not all(59 <= int(r) <= 85 for r in rounds):
        return match.group(0)
    return ", ".join(rounds[:-1]) + f" and {rounds[-1]}"


# "shot 65-68-70-66": four rounds of golf, a list.
GOLF_ROUNDS: Rule = (re.compile(r"(?<![\w.–-])\d\d(?:[–-]\d\d){3}(?![\w–-]|\.\d)"), _rounds)


def _tied_place(match: re.Match[str]) -> str:
    if noun_follows(match.string, match.end()):
        return match.group(0)  # "T4 cells", "the T2 terminal": a name
    window = around(match, 160)
    return f"tied for {ordinal(int(match.group(1)))}" if _GOLF_WORDS.search(window) else match.group(0)


# "sits T12 at -6": tied for twelfth (on a golf leaderboard, with its words nearby).
TIED_PLACE: Rule = (re.compile(r"T(?<![\w-]T)([1-9]\d?)(?![\w-])"), _tied_place)
