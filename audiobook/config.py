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
    [edition]                # see audiobook.settings.EditionSettings
    formats = ["mp3", "m4b"] # `audiobook edition`'s default; "m4b": build prepares the AAC
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from .errors import AudiobookError
from .lexicon import Lexicon, lexicon_from_mapping
from .settings import SCHEMA, Settings, file_problems

CONFIG_NAME = "audiobook.toml"
LEXICON_NAME = "lexicon.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except tomllib.TOMLDecodeError as exc:
        raise AudiobookError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise AudiobookError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def load_settings(folder: Path | str, base: Settings | None = None) -> Settings:
    """Settings for the articles in ``folder`` (defaults when it has no audiobook.toml).

    Every value is checked against `audiobook.settings.SCHEMA` here, before any article is read:
    all problems are reported at once, on one line, naming the file.
    """
    folder = Path(folder)
    settings = base or Settings()
    config_path = folder / CONFIG_NAME
    data = _read_toml(config_path) if config_path.is_file() else {}
    origin = str(config_path)
    problems = file_problems(data)
    if problems:
        raise AudiobookError(f"{origin}: {'; '.join(problems)}")

    def values(section: str | None) -> dict[str, Any]:
        table = data if section is None else data.get(section, {})
        return {rule.attribute: table[rule.key] for rule in SCHEMA if rule.section == section and rule.key in table}

    settings = replace(
        settings,
        pauses=replace(settings.pauses, **values("pauses")),
        narration=replace(settings.narration, **values("narration")),
        feed=replace(settings.feed, **values("feed")),
        edition=replace(settings.edition, **{k: tuple(v) for k, v in values("edition").items()}),
        **values(None),
    )

    lexicon = Lexicon()
    lexicon_path = folder / LEXICON_NAME
    if lexicon_path.is_file():
        lexicon = lexicon_from_mapping(_read_toml(lexicon_path), str(lexicon_path))
    if isinstance(data.get("lexicon"), dict):
        lexicon = lexicon.merged(lexicon_from_mapping(data["lexicon"], f"{origin} [lexicon]"))
    return replace(settings, lexicon=settings.lexicon.merged(lexicon))
