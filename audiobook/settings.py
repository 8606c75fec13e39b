"""All knobs in one typed object, passed down explicitly (never read from globals).

Every field has one rule in ``SCHEMA`` (its type and its allowed values or range); a `Settings`
is checked against all of them when it is made — by audiobook.toml (`audiobook.config`, which
checks the file's raw values against the same rules first, to name the file), by CLI flags
(`Settings.with_overrides`) or by a program — so a bad value is one clear error before any work,
never a traceback or a per-article failure halfway through a build.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from .errors import AudiobookError
from .lexicon import Lexicon
from .speech.engine import ENGINE_CHOICES

# Constant bitrates LAME writes for 44.1 kHz mono (MPEG-1 Layer III; "free format" excluded).
# lameenc takes any number and silently rounds it to one of these (7 → 32, 1000 → 320).
MP3_BITRATES_KBPS = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
MP3_SAMPLE_RATES = (32000, 44100, 48000)  # MPEG-1's: the stream checks in audio.py expect these
ENGINES = ENGINE_CHOICES  # "auto" and every engine of the registry (audiobook.speech.engine)
# Below 0.1 espeak's level rounds to almost nothing (its clips then read as silence); pyttsx3
# drivers stop at 1.0, espeak at about 3.3. Loudness is set by the mastering either way.
VOLUME_RANGE = (0.1, 2.0)
# podcast:medium values for a feed of spoken episodes (the namespace also lists music, video and
# film, and "…L" list feeds without items: none of them is what this program makes).
FEED_MEDIUMS = ("podcast", "audiobook", "newsletter", "blog", "course")


@dataclass(frozen=True)
class Pauses:
    """Silence, in milliseconds, inserted after each kind of utterance."""

    sentence_ms: int = 300
    paragraph_ms: int = 650
    title_ms: int = 900
    heading_ms: int = 700  # after a spoken chapter heading
    chapter_ms: int = 1200  # after the last sentence of a chapter
    list_item_ms: int = 450
    quiz_think_ms: int = 3000  # before the answer is given


@dataclass(frozen=True)
class Narration:
    """How structures other than prose are read."""

    code: str = "skip"  # "skip": silently; "note": "A code example is skipped here."
    lists: str = "plain"  # "plain": a pause per item; "ordinal": "First, …", "Second, …"
    quotes: str = "pause"  # "pause": pauses around it; "spoken": "Quote: … End quote."
    images: str = "skip"  # "skip": alt text is not read; "alt": "Image: <alt text>."


@dataclass(frozen=True)
class FeedSettings:
    """The podcast feed's channel ([feed] in audiobook.toml)."""

    base_url: str | None = None  # where the output folder is served; the feed needs absolute URLs
    title: str | None = None  # default: the publication's name
    description: str = "Audio editions of our articles."
    author: str | None = None
    email: str | None = None  # the owner's address (Apple asks for it)
    language: str = "en"
    category: str = "News"
    explicit: bool = False
    image: str | None = None  # square PNG/JPEG, 1400–3000 px, relative to the articles folder
    # itunes:type ([feed] type): "episodic" (newest first) or "serial" (oldest first, numbered)
    show_type: str = "episodic"
    medium: str = "podcast"  # podcast:medium: what the feed is (FEED_MEDIUMS)
    # podcast:locked: "yes" tells other hosting platforms to refuse importing the feed (so no one
    # can move the show away by copying its URL); the owner's e-mail, when given, is how a real
    # move is verified. Set false the day the feed moves to a platform that imports it. Locked by
    # default (as many hosts do): the owner can always unlock; a copier cannot (README).
    locked: bool = True
    # podcast:guid: the show's id for life. None: derived from the feed's URL (Podcasting 2.0:
    # UUIDv5); set it to the old value when base_url changes, so apps keep the subscription.
    guid: str | None = None


EDITION_FORMATS = ("mp3", "m4b")


@dataclass(frozen=True)
class EditionSettings:
    """Editions ([edition] in audiobook.toml): the containers `audiobook edition` makes unless
    --format says otherwise. With "m4b" among them, `build` also encodes each article's AAC piece
    from its mastered audio (cached), so an M4B edition only joins packets."""

    formats: tuple[str, ...] = ("mp3",)

    @property
    def prepares_m4b(self) -> bool:
        return "m4b" in self.formats


@dataclass(frozen=True)
class Settings:
    voice: str | None = None  # engine voice id or name; None = the engine's default for the language
    rate_wpm: int = 175
    volume: float = 1.0
    engine: str = "auto"  # "auto" or a name in audiobook.speech.ENGINES ("espeak", "pyttsx3", …)
    bitrate_kbps: int = 64
    sample_rate: int = 44100
    target_lufs: float = -16.0
    true_peak_dbtp: float = -1.0
    publication: str = "audiobook"
    pauses: Pauses = field(default_factory=Pauses)
    narration: Narration = field(default_factory=Narration)
    lexicon: Lexicon = field(default_factory=Lexicon)
    feed: FeedSettings = field(default_factory=FeedSettings)
    edition: EditionSettings = field(default_factory=EditionSettings)

    def __post_init__(self) -> None:
        problems = settings_problems(self)
        if problems:
            raise AudiobookError("; ".join(problems))

    def with_overrides(self, **values: object) -> Settings:
        """A copy with every non-None value replaced (how CLI flags layer over defaults); the same
        rules as audiobook.toml apply (an AudiobookError lists what is wrong)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


# --- what each setting shapes ---------------------------------------------------------------------
# A build remakes only the outputs a changed setting shapes (`build.settings_keys`):
# * an article's audio, and every file made with it (transcripts, chapters, cover): everything
#   outside [feed];
# * an article's page and embed: the publication and the [feed] fields named here (base_url: the
#   embed snippet's address and the link to the feed); the page templates too;
# * the archive's feed, index, playlist and channel cover: all of [feed], remade by every build.
FEED_FIELDS_ON_ARTICLE_PAGES = ("base_url",)


def audio_settings(settings: Settings) -> Settings:
    """The settings that shape an article's audio: all but [feed]."""
    return replace(settings, feed=FeedSettings())


def page_settings(settings: Settings) -> tuple[object, ...]:
    """The settings an article's page and embed show besides its audio's."""
    return (settings.publication, *(getattr(settings.feed, name) for name in FEED_FIELDS_ON_ARTICLE_PAGES))


# --- the schema -----------------------------------------------------------------------------------

Check = Callable[[object], "str | None"]  # the requirement a value misses ("must be …"), or None


@dataclass(frozen=True)
class Flag:
    """The command-line flag that sets a setting over audiobook.toml (`convert` and `build`)."""

    name: str  # e.g. "--rate"
    kind: type  # what the flag's text is read as: str, int or float
    help: str


@dataclass(frozen=True)
class Rule:
    section: str | None  # the table in audiobook.toml (None: top level) and the Settings attribute
    key: str  # as written in audiobook.toml; "" for fields a file cannot set
    attribute: str
    check: Check
    flag: Flag | None = None  # None: set in audiobook.toml only


def _shown(value: object) -> str:
    """The value as audiobook.toml spells it (roughly), cut short."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def whole(low: int, high: int, unit: str = "") -> Check:
    def check(value: object) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return None
        return f"must be a whole number{unit} from {low} to {high}"

    return check


def number(low: float, high: float, unit: str = "") -> Check:
    def check(value: object) -> str | None:
        real = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        return None if real and low <= value <= high else f"must be a number from {low:g} to {high:g}{unit}"

    return check


def one_of(*allowed: object, unit: str = "") -> Check:
    def check(value: object) -> str | None:
        if type(value) in (type(a) for a in allowed) and value in allowed:
            return None
        return "must be one of " + ", ".join(str(a) for a in allowed) + unit

    return check


def text(limit: int = 300, lines: bool = False, optional: bool = False) -> Check:
    """One line of printable text (or several, with ``lines``), not empty, at most ``limit`` long:
    it goes into ID3 tags, XML and HTML, where control characters are not allowed."""

    def check(value: object) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            return "must be text"
        if len(value) > limit:
            return f"must be at most {limit} characters long"
        allowed = "\n\t" if lines else ""
        if any(unicodedata.category(c) in ("Cc", "Cs") and c not in allowed for c in value):
            return "must not hold control characters" + ("" if lines else " or line breaks")
        return None

    return check


def _base_url(value: object) -> str | None:
    problem = text(2000, optional=True)(value)
    if problem or value is None:
        return problem
    assert isinstance(value, str)
    requirement = "must be an absolute http(s) URL without quotes, spaces, query or fragment"
    if re.search(r"[\s\"'<>\\`]", value):
        return requirement
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return requirement
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        return requirement
    return None


def _email(value: object) -> str | None:
    problem = text(254, optional=True)(value)
    if problem or value is None:
        return problem
    return None if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", str(value)) else "must be an e-mail address"


def _language(value: object) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value):
        return None
    return "must be a language code such as en or en-US"


def _true_or_false(value: object) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _uuid(value: object) -> str | None:
    if value is None:
        return None
    hexa = "[0-9a-fA-F]"
    pattern = f"{hexa}{{8}}-{hexa}{{4}}-{hexa}{{4}}-{hexa}{{4}}-{hexa}{{12}}"
    ok = isinstance(value, str) and re.fullmatch(pattern, value)
    return None if ok else "must be a UUID such as 917393e3-1b1e-5cef-ace4-edaa54e1f810"


def _edition_formats(value: object) -> str | None:
    # A list in audiobook.toml, a tuple in Settings (hashable, the same repr in every fingerprint).
    if (
        isinstance(value, list | tuple)
        and value
        and all(isinstance(v, str) and v in EDITION_FORMATS for v in value)
        and len(set(value)) == len(value)
    ):
        return None
    return 'must be a list of "mp3" and/or "m4b", such as ["mp3", "m4b"]'


def _lexicon(value: object) -> str | None:
    return None if isinstance(value, Lexicon) else "must be a Lexicon"  # a table's entries: lexicon.py


SCHEMA: tuple[Rule, ...] = (
    Rule(
        None, "publication", "publication", text(200), Flag("--publication", str, "Album tag: the publication's name.")
    ),
    Rule(
        None,
        "voice",
        "voice",
        text(100, optional=True),
        Flag("--voice", str, "Voice id or name (see `audiobook voices`)."),
    ),
    Rule(
        None,
        "rate",
        "rate_wpm",
        whole(80, 450, " of words per minute"),
        Flag("--rate", int, "Speaking rate in words per minute (default: 175)."),
    ),
    Rule(
        None,
        "volume",
        "volume",
        number(*VOLUME_RANGE, ", 1.0 = normal"),
        Flag("--volume", float, "Engine volume, 1.0 = normal (0.1–2.0)."),
    ),
    Rule(
        None,
        "engine",
        "engine",
        one_of(*ENGINES),
        Flag("--engine", str, "auto, piper (neural), espeak (fast) or pyttsx3 (the platform's driver)."),
    ),
    Rule(
        None,
        "bitrate",
        "bitrate_kbps",
        one_of(*MP3_BITRATES_KBPS, unit=" (kbps: the constant MP3 bitrates for 44.1 kHz mono)"),
        Flag("--bitrate", int, "MP3 bitrate in kbps, constant (default: 64)."),
    ),
    Rule(None, "", "sample_rate", one_of(*MP3_SAMPLE_RATES, unit=" Hz")),
    Rule(None, "", "target_lufs", number(-40, -6, " LUFS")),
    Rule(None, "", "true_peak_dbtp", number(-12, 0, " dBTP")),
    Rule(None, "", "lexicon", _lexicon),
    *(Rule("pauses", name, name, whole(0, 60_000, " of milliseconds")) for name in Pauses.__dataclass_fields__),
    Rule("narration", "code", "code", one_of("skip", "note")),
    Rule("narration", "lists", "lists", one_of("plain", "ordinal")),
    Rule("narration", "quotes", "quotes", one_of("pause", "spoken")),
    Rule("narration", "images", "images", one_of("skip", "alt")),
    Rule("feed", "base_url", "base_url", _base_url),
    Rule("feed", "title", "title", text(optional=True)),
    Rule("feed", "description", "description", text(4000, lines=True)),  # Apple's limit
    Rule("feed", "author", "author", text(optional=True)),
    Rule("feed", "email", "email", _email),
    Rule("feed", "language", "language", _language),
    Rule("feed", "category", "category", text(100)),
    Rule("feed", "explicit", "explicit", _true_or_false),
    Rule("feed", "type", "show_type", one_of("episodic", "serial")),
    Rule("feed", "medium", "medium", one_of(*FEED_MEDIUMS)),
    Rule("feed", "locked", "locked", _true_or_false),
    Rule("feed", "guid", "guid", _uuid),
    Rule("feed", "image", "image", text(1000, optional=True)),  # where it may lie: see audiobook.cover
    Rule("edition", "formats", "formats", _edition_formats),
)
SECTIONS = ("pauses", "narration", "feed", "edition")
FLAGS: tuple[Rule, ...] = tuple(rule for rule in SCHEMA if rule.flag)  # settings a command-line flag sets
_LABELS = {"pauses": "pause", "narration": "narration", "feed": "feed", "edition": "edition"}


def _problem(rule: Rule, value: object) -> str | None:
    requirement = rule.check(value)
    if requirement is None:
        return None
    name = rule.key or rule.attribute
    label = f"{_LABELS[rule.section]} '{name}'" if rule.section else name
    return f"{label} {requirement} (not {_shown(value)})"


def settings_problems(settings: Settings) -> list[str]:
    """What is wrong with ``settings``, one line per field, in schema order (empty: nothing)."""
    problems = []
    for rule in SCHEMA:
        holder = getattr(settings, rule.section) if rule.section else settings
        problem = _problem(rule, getattr(holder, rule.attribute))
        if problem:
            problems.append(problem)
    return problems


def file_problems(data: Mapping[str, object]) -> list[str]:
    """What is wrong with the values of an audiobook.toml (already parsed), before any is used:
    unknown names, tables that are not tables, values that break a rule."""
    problems: list[str] = []
    known_top = {rule.key for rule in SCHEMA if rule.section is None and rule.key}
    for key, value in data.items():
        if key in (*SECTIONS, "lexicon") and not isinstance(value, dict):
            problems.append(f"[{key}] must be a table")
        elif key not in known_top and key not in (*SECTIONS, "lexicon"):
            problems.append(f"unknown setting '{key}' (known: {', '.join(sorted(known_top | set(SECTIONS)))})")
    for section in SECTIONS:
        table = data.get(section)
        if isinstance(table, dict):
            known = {rule.key for rule in SCHEMA if rule.section == section}
            problems += [
                f"[{section}] unknown setting '{key}' (known: {', '.join(sorted(known))})"
                for key in table
                if key not in known
            ]
    for rule in SCHEMA:
        table = data if rule.section is None else data.get(rule.section)
        if rule.key and isinstance(table, dict) and rule.key in table:
            problem = _problem(rule, table[rule.key])
            if problem:
                problems.append(problem)
    return problems
