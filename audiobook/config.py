"""Archive settings: `audiobook.toml` (and `lexicon.toml`) in the articles folder → Settings.

Layering: built-in defaults < audiobook.toml < CLI flags (`Settings.with_overrides`)
< the article's own front matter (lexicon entries, language).

    # audiobook.toml
    publication = "The Weekly Explainer"
    voice = "en-us"          # rate, volume, engine, bitrate also accepted
    [pauses]                 # milliseconds; see audiobook.settings.Pauses
    quiz_think_ms = 4000
    [narration]
    code = "note"            # "skip" (default) or "note": say that a code example is skipped
    lists = "ordinal"        # "plain" (default) or "ordinal": "First, … Second, …"
    quotes = "spoken"        # "pause" (default) or "spoken": "Quote: … End quote."
    images = "alt"           # "skip" (default) or "alt": read image descriptions
    [lexicon]                # or a lexicon.toml beside it; see audiobook.lexicon
    Nguyen = "Win"
    [feed]                   # the podcast feed; see audiobook.settings.FeedSettings
    base_url = "https://example.org/audio/"
    email = "editor@example.org"
"""

from __future__ import annotations

import tomllib
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from .errors import AudiobookError
from .lexicon import Lexicon, lexicon_from_mapping
from .settings import FeedSettings, Narration, Pauses, Settings

CONFIG_NAME = "audiobook.toml"
LEXICON_NAME = "lexicon.toml"
_TOP_LEVEL = {
    "publication": "publication",
    "voice": "voice",
    "rate": "rate_wpm",
    "volume": "volume",
    "engine": "engine",
    "bitrate": "bitrate_kbps",
}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except tomllib.TOMLDecodeError as exc:
        raise AudiobookError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise AudiobookError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _typed_table(cls: type, data: object, origin: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise AudiobookError(f"{origin}: must be a table")
    known = {f.name: f.type for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise AudiobookError(f"{origin}: unknown setting '{key}' (known: {', '.join(sorted(known))})")
        values[key] = value
    return values


def load_settings(folder: Path | str, base: Settings | None = None) -> Settings:
    """Settings for the articles in ``folder`` (defaults when it has no audiobook.toml)."""
    folder = Path(folder)
    settings = base or Settings()
    config_path = folder / CONFIG_NAME
    data = _read_toml(config_path) if config_path.is_file() else {}
    origin = str(config_path)

    top = {}
    for key, value in data.items():
        if key in _TOP_LEVEL:
            top[_TOP_LEVEL[key]] = value
        elif key not in ("pauses", "narration", "lexicon", "feed"):
            raise AudiobookError(f"{origin}: unknown setting '{key}'")
    try:
        pauses = replace(settings.pauses, **_typed_table(Pauses, data.get("pauses", {}), f"{origin} [pauses]"))
        narration = replace(
            settings.narration, **_typed_table(Narration, data.get("narration", {}), f"{origin} [narration]")
        )
        feed = replace(settings.feed, **_typed_table(FeedSettings, data.get("feed", {}), f"{origin} [feed]"))
        settings = replace(settings, pauses=pauses, narration=narration, feed=feed, **top)
        settings.validate()
    except (TypeError, ValueError) as exc:
        raise AudiobookError(f"{origin}: {exc}") from None

    lexicon = Lexicon()
    lexicon_path = folder / LEXICON_NAME
    if lexicon_path.is_file():
        lexicon = lexicon_from_mapping(_read_toml(lexicon_path), str(lexicon_path))
    if isinstance(data.get("lexicon"), dict):
        lexicon = lexicon.merged(lexicon_from_mapping(data["lexicon"], f"{origin} [lexicon]"))
    return replace(settings, lexicon=settings.lexicon.merged(lexicon))
