"""ID3v2.3 — the MP3's tag: metadata, cover art and chapters (CHAP + CTOC), and reading it back.

The tag is built with mutagen in memory and put in front of the MP3 bytes in one write (`mp3.py`),
so the audio is never remuxed after tagging. mutagen orders frames by priority and then by *size*,
which shuffles CHAP frames; readers that ignore CTOC (and ffprobe) list chapters in tag order, so
the CHAP frames are put back in chronological order in the serialized tag (`order_chapter_frames`).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from pathlib import Path

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TLAN,
    TLEN,
    TPE1,
    WOAS,
    CTOCFlags,
)

from ..errors import OutputError
from ..timeline import ChapterMark
from .base import ReadBack, TagInfo

NO_OFFSET = 0xFFFFFFFF
# ID3 TLAN wants ISO 639-2 codes.
ISO_639_2 = {
    "en": "eng",
    "de": "deu",
    "fr": "fra",
    "es": "spa",
    "it": "ita",
    "nl": "nld",
    "pt": "por",
    "sv": "swe",
    "da": "dan",
    "no": "nor",
    "nb": "nob",
    "fi": "fin",
    "pl": "pol",
    "cs": "ces",
    "ru": "rus",
    "uk": "ukr",
    "ja": "jpn",
    "zh": "zho",
    "ko": "kor",
    "ar": "ara",
    "tr": "tur",
    "el": "ell",
    "hu": "hun",
    "ro": "ron",
}


def build_tag(info: TagInfo, chapters: Sequence[ChapterMark], duration_ms: int) -> bytes:
    """The complete ID3v2.3 tag as bytes, CHAP frames in time order."""
    tag = _metadata(info, duration_ms)
    ids = [f"chp{index}" for index in range(len(chapters))]
    tag.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text="Chapters")],
        )
    )
    for element_id, chapter in zip(ids, chapters, strict=True):
        tag.add(_chap(element_id, chapter))
    return _serialized(tag)


def build_nested_tag(info: TagInfo, groups: Sequence[tuple[str, Sequence[ChapterMark]]], duration_ms: int) -> bytes:
    """An ID3v2.3 tag whose chapters are nested: a top-level CTOC of ``groups`` (title, chapters);
    a group of one chapter is that CHAP itself, a larger one a child CTOC (titled as the group)
    of its CHAPs. Readers that ignore CTOC see the CHAPs in time order, so their titles should
    stand alone (an edition gives them as "Article — Section")."""
    tag = _metadata(info, duration_ms)
    top: list[str] = []
    number = 0
    for group_number, (title, chapters) in enumerate(groups):
        ids = [f"chp{number + index}" for index in range(len(chapters))]
        number += len(chapters)
        for element_id, chapter in zip(ids, chapters, strict=True):
            tag.add(_chap(element_id, chapter))
        if len(ids) == 1:
            top.append(ids[0])
            continue
        top.append(f"toc{group_number}")
        tag.add(
            CTOC(
                element_id=f"toc{group_number}",
                flags=CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text=title)],
            )
        )
    tag.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=top,
            sub_frames=[TIT2(encoding=3, text="Chapters")],
        )
    )
    return _serialized(tag)


def _chap(element_id: str, chapter: ChapterMark) -> CHAP:
    return CHAP(
        element_id=element_id,
        start_time=chapter.start_ms,
        end_time=chapter.end_ms,
        start_offset=NO_OFFSET,
        end_offset=NO_OFFSET,
        sub_frames=[TIT2(encoding=3, text=chapter.title)],
    )


def _serialized(tag: ID3) -> bytes:
    tag.update_to_v23()
    buffer = io.BytesIO()
    tag.save(buffer, v2_version=3, padding=lambda info: 256)
    return order_chapter_frames(buffer.getvalue())


def _metadata(info: TagInfo, duration_ms: int) -> ID3:
    """A tag with the edition's metadata and cover, no chapters yet."""
    tag = ID3()
    tag.add(TIT2(encoding=3, text=info.title))
    if info.artist:
        tag.add(TPE1(encoding=3, text=info.artist))
    tag.add(TALB(encoding=3, text=info.album))
    if info.date:
        tag.add(TDRC(encoding=3, text=info.date))
    tag.add(TCON(encoding=3, text=info.genre))
    tag.add(TLAN(encoding=3, text=ISO_639_2.get(info.language.split("-")[0].lower(), "und")))
    tag.add(TLEN(encoding=3, text=str(duration_ms)))
    if info.summary:
        tag.add(COMM(encoding=3, lang="eng", desc="", text=info.summary))
    if info.url:
        tag.add(WOAS(url=info.url))
    if info.cover:
        tag.add(APIC(encoding=3, mime=info.cover_mime, type=3, desc="Cover", data=info.cover))
    return tag


def order_chapter_frames(tag: bytes) -> bytes:
    """Rewrite a serialized ID3v2.3 tag so its CHAP frames appear sorted by start time.

    Only the CHAP frames move, into the slots CHAP frames already occupied; sizes are unchanged.
    """
    if tag[:3] != b"ID3" or tag[3] != 3 or tag[5] & 0x80:  # v2.3, no unsynchronisation
        raise OutputError("expected a plain ID3v2.3 tag")
    size = _syncsafe(tag[6:10])
    end = 10 + size
    frames: list[bytes] = []
    position = 10
    while position + 10 <= end and tag[position : position + 1] != b"\x00":
        frame_size = struct.unpack(">I", tag[position + 4 : position + 8])[0]
        frames.append(tag[position : position + 10 + frame_size])
        position += 10 + frame_size
    slots = [i for i, frame in enumerate(frames) if frame[:4] == b"CHAP"]
    chapters = sorted((frames[i] for i in slots), key=_chap_start)
    for slot, frame in zip(slots, chapters, strict=True):
        frames[slot] = frame
    return tag[:10] + b"".join(frames) + tag[position:]


def _chap_start(frame: bytes) -> tuple[int, int]:
    body = frame[10:]
    id_end = body.index(b"\x00")
    start, end = struct.unpack(">II", body[id_end + 1 : id_end + 9])
    return start, end


def _syncsafe(data: bytes) -> int:
    return (data[0] << 21) | (data[1] << 14) | (data[2] << 7) | data[3]


def read_back(path: Path) -> ReadBack:
    """Tags, duration and chapters of an MP3 as a player sees them (chapters in tag order)."""
    from mutagen import MutagenError
    from mutagen.mp3 import MP3, HeaderNotFoundError

    try:
        audio = MP3(path)
    except HeaderNotFoundError:
        raise OutputError(f"{path}: not an MP3 file (no MPEG audio frames found)") from None
    except (MutagenError, OSError) as exc:
        raise OutputError(f"{path}: cannot be read ({exc})") from None
    tags = audio.tags
    fields: dict[str, str] = {}
    chapters: list[ChapterMark] = []
    if tags is not None:
        for key, frame_id in (
            ("title", "TIT2"),
            ("artist", "TPE1"),
            ("album", "TALB"),
            ("date", "TDRC"),
            ("genre", "TCON"),
            ("language", "TLAN"),
            ("length_ms", "TLEN"),
        ):
            frame = tags.get(frame_id)
            if frame is not None:
                fields[key] = str(frame.text[0])
        comments = tags.getall("COMM")
        if comments:
            fields["comment"] = str(comments[0].text[0])
        urls = tags.getall("WOAS")
        if urls:
            fields["url"] = urls[0].url
        for chap in tags.getall("CHAP"):
            title = chap.sub_frames.get("TIT2")
            chapters.append(
                ChapterMark(str(title.text[0]) if title else chap.element_id, chap.start_time, chap.end_time)
            )
    version = f"2.{tags.version[1]}" if tags is not None else "none"
    return ReadBack(
        version=version,
        duration_s=audio.info.length,
        bitrate_kbps=audio.info.bitrate // 1000,
        sample_rate=audio.info.sample_rate,
        channels=audio.info.channels,
        fields=fields,
        chapters=tuple(chapters),
        has_cover=bool(tags and tags.getall("APIC")),
    )
