"""Content-addressed caches: speech clips (per sentence) and encoded chapter audio.

A clip is keyed by everything that shapes its sound: the spoken text and the engine fingerprint
(engine, its version, voice, rate, volume). Editing one sentence changes one key; changing the
voice changes them all. Entries are written atomically and carry a checksum, so a truncated or
damaged entry is detected and treated as missing (then re-synthesized), never played.

Location: $AUDIOBOOK_CACHE_DIR, else $XDG_CACHE_HOME/audiobook, else ~/.cache/audiobook — outside
the output folder, which gets published.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from .files import write_atomic
from .model import Clip

_MAGIC = b"ABC1"  # audiobook clip, format 1
_HEADER = struct.Struct("<4sIII")  # magic, sample rate, payload length, crc32


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


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    entries: int
    bytes: int


class BlobCache:
    """Checksummed blobs under ``root/kind/ab/<key>``."""

    def __init__(self, root: Path, kind: str) -> None:
        self.folder = Path(root) / kind

    def _path(self, key: str) -> str:
        # A string, not a Path: pathlib interns every name it parses, and a long article's thousands
        # of keys would leave the interpreter's intern table large for the rest of the process.
        return os.path.join(self.folder, key[:2], key)

    def get(self, key: str) -> tuple[int, bytes] | None:
        try:
            with open(self._path(key), "rb") as stream:
                data = stream.read()
        except OSError:
            return None
        if len(data) < _HEADER.size:
            return None
        magic, number, length, crc = _HEADER.unpack_from(data)
        payload = data[_HEADER.size :]
        if magic != _MAGIC or len(payload) != length or zlib.crc32(payload) != crc:
            return None  # damaged: the caller makes it again
        return number, payload

    def put(self, key: str, number: int, payload: bytes) -> None:
        header = _HEADER.pack(_MAGIC, number, len(payload), zlib.crc32(payload))
        write_atomic(self._path(key), header + payload)


class ClipCache:
    """Spoken sentences, and (``segments``) encoded chapters, under one cache folder."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root else default_cache_dir()
        self._blobs = BlobCache(self.root, "clips")
        self.segments = BlobCache(self.root, "segments")

    def get(self, key: str) -> Clip | None:
        found = self._blobs.get(key)
        return Clip(found[1], found[0]) if found else None

    def put(self, key: str, clip: Clip) -> None:
        self._blobs.put(key, clip.sample_rate, clip.pcm)


def cache_info(root: Path | None = None) -> CacheInfo:
    root = Path(root) if root else default_cache_dir()
    entries = total = 0
    if root.exists():
        for path in root.rglob("*"):
            if path.is_file():
                entries += 1
                total += path.stat().st_size
    return CacheInfo(root, entries, total)


def clear_cache(root: Path | None = None) -> CacheInfo:
    info = cache_info(root)
    for kind in ("clips", "segments"):
        shutil.rmtree(info.path / kind, ignore_errors=True)
    return info
