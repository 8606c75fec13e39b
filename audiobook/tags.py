"""Stage 5: an edition's tag — what is written (`TagInfo`) and what a player sees (`ReadBack`).

Each container writes and reads its own kind of tag (`audiobook.formats`: ID3v2.3 with CHAP/CTOC
for MP3, in `formats/id3.py`); `read_back` asks the format of the file it is given. `build_tag`
and `order_chapter_frames` are the MP3's, importable here as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .formats import ReadBack, TagInfo, format_for_file, output_format
from .formats.id3 import ISO_639_2, NO_OFFSET, build_tag, order_chapter_frames
from .timeline import ChapterMark

__all__ = [
    "ISO_639_2",
    "NO_OFFSET",
    "ReadBack",
    "TagInfo",
    "build_tag",
    "chapter_titles",
    "order_chapter_frames",
    "read_back",
]


def read_back(path: Path) -> ReadBack:
    """Tags, duration and chapters of an edition as a player sees them (chapters in tag order).
    A file no format claims by its suffix is read as the default format's; an M4B (an edition's
    AAC, not an output format of articles) by `formats.m4b_read`."""
    from .formats import m4b_read

    if Path(path).suffix.lower() in m4b_read.SUFFIXES:
        return m4b_read.read_back(Path(path))
    return (format_for_file(path) or output_format()).read_back(path)


def chapter_titles(chapters: Iterable[ChapterMark]) -> list[str]:
    return [chapter.title for chapter in chapters]
