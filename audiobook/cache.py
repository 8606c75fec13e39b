"""Content-addressed caches: speech clips (per sentence) and encoded chapter audio.

A clip is keyed by everything that shapes its sound: the spoken text and the engine fingerprint
(engine, its version, voice, rate, volume). Editing one sentence changes one key; changing the
voice changes them all. Entries are written atomically and carry a checksum, so a truncated or
damaged entry is detected and treated as missing (then re-synthesized), never played. The header
of an entry is not trusted either (a crafted entry can carry a valid checksum): its numbers are
checked against the file's size and sane ranges before use, and an entry that fails is missing.
A clip's entry holds its word timings too (``ABC2``); every word is checked to lie inside the
clip, in order. A clip entry of the format before (``ABC1``, no words) is missing: were it read
as a clip without words, a build from an old cache would time its transcript by sentence where a
fresh build times it by word, and the two would differ.

Location: $AUDIOBOOK_CACHE_DIR, else $XDG_CACHE_HOME/audiobook, else ~/.cache/audiobook — outside
the output folder, which gets published.

The cache folder may be any folder a user names, so the cache only ever touches what it made:
its root holds a marker file (``audiobook-cache``, plus a ``CACHEDIR.TAG`` so backup tools skip
it), written when the cache starts using a missing or empty folder; it reads, counts and removes
only names of its own scheme (``clips|segments/<ab>/<64 hex digits starting ab>`` and their
``.<key>.*.part`` temporary files). A non-empty folder without the marker is refused by name —
unless it looks exactly like a cache of the previous version (nothing but ``clips``/``segments``
holding names of that scheme): such a folder is adopted (marked) when the cache opens it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError
from .files import ReadRefused, read_regular, write_atomic
from .model import Clip, WordTiming

_MAGIC = b"ABC1"  # audiobook blob, format 1 (encoded chapter parts: segments)
_CLIP_MAGIC = b"ABC2"  # a clip with its word timings (format 2; a format-1 clip had none: made again)
_HEADER = struct.Struct("<4sIII")  # magic, number (a clip's sample rate), payload length, crc32
# A clip's payload: PCM length, the PCM, word count, per word (start, end, text length), the texts.
_COUNT = struct.Struct("<I")
_WORD = struct.Struct("<IIH")

MARKER = "audiobook-cache"
_MARKER_TEXT = b"audiobook cache, format 1\n"  # the format of the folder, for a future migration
_TAG = "CACHEDIR.TAG"  # https://bford.info/cachedir/ — tells backup tools to skip the folder
_TAG_TEXT = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# This file is a cache directory tag created by audiobook.\n"
    b"# For information about cache directory tags see https://bford.info/cachedir/\n"
)
KINDS = ("clips", "segments")
_SHARD = re.compile(r"[0-9a-f]{2}")
_ENTRY = re.compile(r"([0-9a-f]{64})|\.([0-9a-f]{64})\..+\.part")  # an entry, or write_atomic's temp file
_ROOT_TEMP = re.compile(rf"\.(?:{re.escape(MARKER)}|{re.escape(_TAG)})\..+\.part")  # the marker being written
# Clips are 16-bit mono speech: rates outside this range come from no engine we drive, and would
# make the mastering divide by zero or allocate without bound.
MIN_CLIP_RATE, MAX_CLIP_RATE = 8_000, 96_000
_NOTHING_WRITTEN = "nothing written (name an empty folder or an audiobook cache)"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted in place of an entry must not hang the read


def default_cache_dir() -> Path:
    explicit = os.environ.get("AUDIOBOOK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "audiobook"


def content_key(*parts: str | bytes | memoryview) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))  # a memoryview of bytes: len is its size
        digest.update(data)
    return digest.hexdigest()


# --- the root: marked, adopted or refused --------------------------------------------------------


def _is_marked(root: Path) -> bool:
    try:
        fd = os.open(root / MARKER, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as stream:
        return stat.S_ISREG(os.fstat(fd).st_mode) and stream.read(64).startswith(b"audiobook cache")


def _own_entries(root: Path) -> tuple[list[os.DirEntry], list[str], list[str]]:
    """(entries and temp files of our scheme, shard folders, every other name) under root's kinds.

    Links are never followed nor counted as ours: the cache makes none.
    """
    ours: list[os.DirEntry] = []
    shards: list[str] = []
    foreign: list[str] = []
    for kind in KINDS:
        folder = root / kind
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            foreign.append(str(folder))
            continue
        try:
            kind_entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        for shard in kind_entries:
            if not (_SHARD.fullmatch(shard.name) and shard.is_dir(follow_symlinks=False)):
                foreign.append(shard.path)
                continue
            shards.append(shard.path)
            for entry in os.scandir(shard.path):
                match = _ENTRY.fullmatch(entry.name)
                key = match and (match.group(1) or match.group(2))
                if key and key.startswith(shard.name) and entry.is_file(follow_symlinks=False):
                    ours.append(entry)
                else:
                    foreign.append(entry.path)
    return ours, shards, foreign


def _check_root(root: Path, consequence: str) -> str:
    """The state of ``root``: "marked", "empty" (or missing) or "adoptable" (a previous version's cache);
    any other folder is refused with an OutputError naming it and saying ``consequence``."""
    if _is_marked(root):
        return "marked"
    try:
        names = os.listdir(root)
    except FileNotFoundError:
        return "empty"
    except NotADirectoryError:
        raise OutputError(f"{root} is not a folder; {consequence}") from None
    except OSError as exc:
        raise OutputError(f"{root}: cannot be read ({exc.strerror or exc}); {consequence}") from None
    if MARKER in names and _is_marked(root):
        return "marked"  # another process marked it between our two looks
    # Another process may be writing the marker right now: its temporary file is ours too.
    if any(name not in KINDS and not _ROOT_TEMP.fullmatch(name) for name in names) or _own_entries(root)[2]:
        raise OutputError(f"{root} is not an audiobook cache (no marker file); {consequence}")
    return "adoptable" if any(name in KINDS for name in names) else "empty"


def _mark(root: Path) -> None:
    # The marker first: a process that looks meanwhile sees its temporary file, then the marker.
    write_atomic(root / MARKER, _MARKER_TEXT)
    write_atomic(root / _TAG, _TAG_TEXT)


# --- entries --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    entries: int
    bytes: int


class BlobCache:
    """Checksummed blobs under ``root/kind/ab/<key>``.

    ``get`` checks the envelope (magic, length, checksum) and reads no more than the file holds;
    what the number in the header means is for the caller to check (see ``ClipCache.get``).
    """

    def __init__(self, root: Path, kind: str, claim: Callable[[], None] | None = None, magic: bytes = _MAGIC) -> None:
        self.folder = Path(root) / kind
        self._claim = claim or (lambda: None)
        self._magic = magic

    def _path(self, key: str) -> str:
        # A string, not a Path: pathlib interns every name it parses, and a long article's thousands
        # of keys would leave the interpreter's intern table large for the rest of the process.
        return os.path.join(self.folder, key[:2], key)

    def get(self, key: str) -> tuple[int, bytes] | None:
        try:  # a link or a FIFO planted in place of an entry is refused, never followed or waited on
            data = read_regular(self._path(key), None, follow_links=False)
        except ReadRefused:
            return None
        if len(data) < _HEADER.size:
            return None
        magic, number, length, crc = _HEADER.unpack_from(data)
        # The declared length must be what the file holds: nothing is allocated from it.
        if magic != self._magic or len(data) != _HEADER.size + length:
            return None
        payload = data[_HEADER.size :]
        if zlib.crc32(payload) != crc:
            return None  # damaged: the caller makes it again
        return number, payload

    def put(self, key: str, number: int, payload: bytes) -> None:
        self._claim()
        header = _HEADER.pack(self._magic, number, len(payload), zlib.crc32(payload))
        write_atomic(self._path(key), header + payload)


class ClipCache:
    """Spoken sentences, and (``segments``) encoded chapters, under one cache folder.

    Opening a folder that is not a cache is an OutputError; a missing or empty folder is made a
    cache (marked) when the first entry is written, so merely opening one creates nothing.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root else default_cache_dir()
        state = _check_root(self.root, _NOTHING_WRITTEN)
        self._marked = state == "marked"
        if state == "adoptable":
            self._claim()  # a previous version's cache: marked now, so it is walked only once
        self._blobs = BlobCache(self.root, "clips", self._claim, _CLIP_MAGIC)
        self.segments = BlobCache(self.root, "segments", self._claim)

    def _claim(self) -> None:
        """Mark the folder before the first entry goes in (checked again: it may have changed)."""
        if not self._marked:
            if _check_root(self.root, _NOTHING_WRITTEN) != "marked":
                _mark(self.root)
            self._marked = True

    def has(self, key: str) -> bool:
        """Whether an entry exists (not whether it is good: `get` checks that)."""
        return os.path.isfile(self._blobs._path(key))

    def get(self, key: str) -> Clip | None:
        found = self._blobs.get(key)
        if found is None:
            return None
        rate, payload = found
        # 16-bit samples, at a rate an engine can have produced: anything else is made again.
        if not MIN_CLIP_RATE <= rate <= MAX_CLIP_RATE:
            return None
        return _clip_from(payload, rate)

    def put(self, key: str, clip: Clip) -> None:
        self._blobs.put(key, clip.sample_rate, _clip_payload(clip))


def _clip_payload(clip: Clip) -> bytes:
    texts = [word.text.encode("utf-8") for word in clip.words]
    table = b"".join(_WORD.pack(w.start, w.end, len(t)) for w, t in zip(clip.words, texts, strict=True))
    return b"".join((_COUNT.pack(len(clip.pcm)), clip.pcm, _COUNT.pack(len(clip.words)), table, *texts))


def _clip_from(payload: bytes, rate: int) -> Clip | None:
    """The clip a payload holds, or None if any number in it does not fit (the checksum only
    proves the entry is whole): the PCM is a whole number of samples inside the payload, the word
    table and texts exactly fill the rest, each text is UTF-8, and every word lies inside the clip
    in order (``Clip`` checks that)."""
    view = memoryview(payload)
    if len(view) < _COUNT.size:
        return None
    (pcm_length,) = _COUNT.unpack_from(view)
    words_at = _COUNT.size + pcm_length
    if not pcm_length or pcm_length % 2 or words_at + _COUNT.size > len(view):
        return None
    (count,) = _COUNT.unpack_from(view, words_at)
    texts_at = words_at + _COUNT.size + count * _WORD.size
    if texts_at > len(view):  # the count is checked against the bytes before anything is made from it
        return None
    table = list(_WORD.iter_unpack(view[words_at + _COUNT.size : texts_at]))
    if texts_at + sum(length for _, _, length in table) != len(view):
        return None
    words = []
    position = texts_at
    try:
        for start, end, length in table:
            words.append(WordTiming(bytes(view[position : position + length]).decode("utf-8"), start, end))
            position += length
        return Clip(bytes(view[_COUNT.size : words_at]), rate, tuple(words))
    except ValueError:  # not UTF-8 (UnicodeDecodeError), or words outside the clip or out of order
        return None


# --- the cache commands --------------------------------------------------------------------------


def cache_info(root: Path | None = None) -> CacheInfo:
    """What the cache holds: only entries of its own scheme are counted (temporary files left by
    a killed build count towards the bytes, not the entries)."""
    root = Path(root) if root else default_cache_dir()
    _check_root(root, "nothing counted")
    ours = _own_entries(root)[0]
    entries = sum(1 for entry in ours if not entry.name.startswith("."))
    return CacheInfo(root, entries, sum(_size(entry) for entry in ours))


def clear_cache(root: Path | None = None) -> CacheInfo:
    """Remove the cache's entries (and then its shard folders left empty); nothing else."""
    root = Path(root) if root else default_cache_dir()
    _check_root(root, "nothing removed")
    ours, shards, _ = _own_entries(root)
    info = CacheInfo(root, sum(1 for e in ours if not e.name.startswith(".")), sum(_size(e) for e in ours))
    for entry in ours:
        try:
            os.unlink(entry.path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise OutputError(f"{entry.path}: cannot be removed ({exc.strerror or exc})") from None
    for folder in [*shards, *(str(root / kind) for kind in KINDS)]:
        with contextlib.suppress(OSError):  # only when empty: a file the cache did not make keeps its folder
            os.rmdir(folder)
    return info


def _size(entry: os.DirEntry) -> int:
    try:
        return entry.stat(follow_symlinks=False).st_size
    except OSError:
        return 0
