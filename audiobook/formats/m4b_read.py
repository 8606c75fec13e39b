"""An M4B read back as players see it (`audiobook inspect`): its tags and duration (mutagen), and
its chapters in both forms players read — the Nero ``chpl`` atom (mutagen) and the QuickTime
chapter track (a text track the audio track names in ``tref/chap``; read here sample by sample
from its sample table: Apple Books and BookPlayer read only this one).

A file is untrusted input: a box that does not hold together ends the reading of that chapter
form (it is shown as absent), never in a traceback.
"""

from __future__ import annotations

import struct
from pathlib import Path

from ..errors import OutputError
from ..timeline import ChapterMark
from .base import ReadBack

SUFFIXES = (".m4b", ".m4a", ".mp4")
MAX_CHAPTERS = 10_000  # more is no chapter list a person reads: the table is not believed
_FIELDS = (
    ("title", "\xa9nam"),
    ("artist", "\xa9ART"),
    ("album", "\xa9alb"),
    ("date", "\xa9day"),
    ("genre", "\xa9gen"),
    ("comment", "\xa9cmt"),
)


def read_back(path: Path) -> ReadBack:
    """Tags, duration and chapters of an M4B; ``chapters`` are the QuickTime track's (else the
    Nero atom's), and ``chapter_forms`` holds each form found."""
    from mutagen import MutagenError
    from mutagen.mp4 import MP4

    try:
        audio = MP4(path)
    except (MutagenError, OSError) as exc:
        raise OutputError(f"{path}: not a readable MP4/M4B file ({exc})") from None
    tags = audio.tags or {}
    fields = {key: str(tags[atom][0]) for key, atom in _FIELDS if tags.get(atom)}
    duration_ms = round(audio.info.length * 1000)
    forms: dict[str, tuple[ChapterMark, ...]] = {}
    quicktime = quicktime_chapters(path, duration_ms)
    if quicktime:
        forms["quicktime"] = quicktime
    nero = [(round(c.start * 1000), c.title) for c in (audio.chapters or [])]
    if nero:
        forms["nero"] = _marks(nero, duration_ms)
    return ReadBack(
        version="MP4",
        duration_s=audio.info.length,
        bitrate_kbps=round(audio.info.bitrate / 1000),
        sample_rate=audio.info.sample_rate,
        channels=audio.info.channels,
        fields=fields,
        chapters=forms.get("quicktime") or forms.get("nero") or (),
        has_cover=bool(tags.get("covr")),
        chapter_forms=forms,
    )


def _marks(starts: list[tuple[int, str]], duration_ms: int) -> tuple[ChapterMark, ...]:
    """Chapters from (start, title) pairs, each ending where the next starts (the last: the file's end)."""
    ends = [start for start, _ in starts[1:]] + [duration_ms]
    return tuple(ChapterMark(title, start, max(start, end)) for (start, title), end in zip(starts, ends, strict=True))


def quicktime_chapters(path: Path, duration_ms: int) -> tuple[ChapterMark, ...]:
    """The QuickTime chapter track's chapters; () when there is none or it does not hold together."""
    from mutagen import MutagenError
    from mutagen.mp4 import Atoms

    try:
        with open(path, "rb") as stream:
            tracks = {_track_id(stream, t): t for t in Atoms(stream).path(b"moov")[-1].findall(b"trak")}
            chapter_ids = [i for trak in tracks.values() for tref in _find(trak, b"tref") for i in _chap(stream, tref)]
            if not chapter_ids or chapter_ids[0] not in tracks:
                return ()
            starts = _text_samples(stream, tracks[chapter_ids[0]])
    except (MutagenError, OSError, KeyError, ValueError, IndexError, struct.error):
        return ()
    except Exception:  # noqa: BLE001 - mutagen's own AtomError (no public base): a box that does not hold
        return ()
    return _marks(starts, duration_ms)


def _find(atom, *names: bytes) -> list:
    found = [atom]
    for name in names:
        found = [child for parent in found for child in parent.findall(name)]
    return found


def _payload(stream, atom) -> bytes:
    ok, data = atom.read(stream)
    if not ok:
        raise ValueError("truncated box")
    return data


def _chap(stream, tref) -> list[int]:
    """The track ids a ``tref`` box's ``chap`` reference names (mutagen does not open ``tref``)."""
    data, at = _payload(stream, tref), 0
    while at + 8 <= len(data):
        size, name = struct.unpack_from(">I4s", data, at)
        if size < 8:
            break
        if name == b"chap":
            body = data[at + 8 : at + size]
            return list(struct.unpack(f">{len(body) // 4}I", body[: len(body) // 4 * 4]))
        at += size
    return []


def _full_box(stream, atom, *names: bytes) -> bytes:
    """The payload of a box below ``atom`` after its version and flags."""
    boxes = _find(atom, *names)
    if not boxes:
        raise KeyError(names[-1])
    return _payload(stream, boxes[0])[4:]


def _track_id(stream, trak) -> int:
    header = _payload(stream, _find(trak, b"tkhd")[0])
    return struct.unpack_from(">I", header, 20 if header[0] == 1 else 12)[0]


def _text_samples(stream, trak) -> list[tuple[int, str]]:
    """(start in ms, text) of every sample of a text track, from its sample table."""
    mdhd = _payload(stream, _find(trak, b"mdia", b"mdhd")[0])
    timescale = struct.unpack_from(">I", mdhd, 20 if mdhd[0] == 1 else 12)[0]
    table = (b"mdia", b"minf", b"stbl")
    stts = _full_box(stream, trak, *table, b"stts")
    durations = []
    for index in range(_entries(stts)):
        count, delta = struct.unpack_from(">II", stts, 4 + 8 * index)
        durations += [delta] * min(count, MAX_CHAPTERS - len(durations))
    stsz = _full_box(stream, trak, *table, b"stsz")
    size, count = struct.unpack_from(">II", stsz)
    count = min(count, MAX_CHAPTERS, len(durations))
    sizes = [size] * count if size else list(struct.unpack_from(f">{count}I", stsz, 8))
    offsets = _sample_offsets(stream, trak, table, sizes)
    starts, at = [], 0
    for offset, sample_size, duration in zip(offsets, sizes, durations, strict=False):
        stream.seek(offset)
        data = stream.read(min(sample_size, 2 + 0xFFFF))  # a length field, then at most that much text
        (length,) = struct.unpack_from(">H", data)
        text = data[2 : 2 + length]
        title = text.decode("utf-16") if text[:2] in (b"\xfe\xff", b"\xff\xfe") else text.decode("utf-8", "replace")
        starts.append((round(at * 1000 / timescale), title))
        at += duration
    return starts


def _entries(box: bytes) -> int:
    """A table's entry count (its first field), bounded: a crafted count allocates nothing."""
    return min(struct.unpack_from(">I", box)[0], MAX_CHAPTERS)


def _sample_offsets(stream, trak, table: tuple[bytes, ...], sizes: list[int]) -> list[int]:
    """Where each sample lies in the file: chunks (stco/co64) of so many samples (stsc)."""
    if _find(trak, *table, b"co64"):
        co64 = _full_box(stream, trak, *table, b"co64")
        chunks = list(struct.unpack_from(f">{_entries(co64)}Q", co64, 4))
    else:
        stco = _full_box(stream, trak, *table, b"stco")
        chunks = list(struct.unpack_from(f">{_entries(stco)}I", stco, 4))
    stsc = _full_box(stream, trak, *table, b"stsc")
    runs = [struct.unpack_from(">III", stsc, 4 + 12 * i)[:2] for i in range(_entries(stsc))]
    offsets, sample = [], 0
    for number, chunk_offset in enumerate(chunks, 1):
        per_chunk = next((n for first, n in reversed(runs) if first <= number), 0)
        at = chunk_offset
        for _ in range(per_chunk):
            if sample >= len(sizes):
                return offsets
            offsets.append(at)
            at += sizes[sample]
            sample += 1
    return offsets
