"""Output formats: one object per container, chosen from the settings.

    base.py   the seam: `OutputFormat` (suffix, MIME type, encoder facts, encode and count
              frames, build and read the tag) and the value types `TagInfo`, `ReadBack`
    mp3.py    MPEG-1 Layer III from LAME (lameenc), CBR mono
    id3.py    the MP3's tag: ID3v2.3 with CHAP/CTOC chapters in time order

A new container is a module beside `mp3.py` and one line in `FORMATS`.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from .base import OutputFormat, ReadBack, TagInfo
from .mp3 import MP3

if TYPE_CHECKING:
    from ..settings import Settings

FORMATS: dict[str, OutputFormat] = {fmt.name: fmt for fmt in (MP3,)}
DEFAULT_FORMAT = "mp3"
# The manifest's key for an article's audio file ("outputs", "sizes"). Stored data, named when MP3
# was the only container: it stays, whatever the format (renaming it would invalidate every manifest).
AUDIO_OUTPUT = "mp3"


def output_format(settings: Settings | None = None) -> OutputFormat:
    """The container an edition is written in. `Settings` has no field for it yet, so this is MP3;
    when the options work adds one, this is the one place that reads it."""
    return FORMATS[DEFAULT_FORMAT]


def format_for_file(name: str | PurePath) -> OutputFormat | None:
    """The format whose files end like ``name`` does, if any."""
    suffix = PurePath(name).suffix.lower()
    return next((fmt for fmt in FORMATS.values() if fmt.suffix == suffix), None)


__all__ = [
    "AUDIO_OUTPUT",
    "DEFAULT_FORMAT",
    "FORMATS",
    "MP3",
    "OutputFormat",
    "ReadBack",
    "TagInfo",
    "format_for_file",
    "output_format",
]
