"""File-system edges: bounded reads of untrusted files, atomic writes and safe output names."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import OutputError

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
# The archive's own files in the output folder (index.html, cover.png, feed.xml, player.js/.css,
# manifest.json): an article with one of these slugs would overwrite them, or they it.
ARCHIVE_NAMES = {"index", "cover", "feed", "player", "manifest"}
MAX_SLUG = 80
_UMASK = os.umask(0)
os.umask(_UMASK)  # read once: mkstemp creates 0600 files, outputs should get the usual mode
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class ReadRefused(Exception):
    """Why `read_regular` read nothing, for its caller to word: ``why`` is "missing", "folder",
    "special" (a device, pipe or socket), "too large" or "error"; ``detail`` is the system's own
    words when it gave any; ``size`` the bytes seen when too large (``grew``: seen while reading,
    the file having grown after its size was checked)."""

    def __init__(self, why: str, detail: str = "", size: int = 0, grew: bool = False) -> None:
        super().__init__(why, detail)
        self.why, self.detail, self.size, self.grew = why, detail, size, grew


def read_regular(path: str | Path, limit: int | None, follow_links: bool = True) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` (None: the size it has when
    opened), or ReadRefused. Never blocks on a FIFO (opened non-blocking, then refused by fstat);
    refused by size before anything is read, and read one byte past the limit, so a file that
    grows meanwhile is refused too rather than cut. ``follow_links=False``: a link is refused."""
    flags = os.O_RDONLY | _NONBLOCK | _BINARY | (0 if follow_links else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        why = {IsADirectoryError: "folder", FileNotFoundError: "missing"}.get(type(exc), "error")
        raise ReadRefused(why, exc.strerror or str(exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ReadRefused("folder", "Is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise ReadRefused("special")
        if limit is not None and info.st_size > limit:
            raise ReadRefused("too large", size=info.st_size)
        bound = info.st_size if limit is None else limit
        with open(fd, "rb", closefd=False) as stream:
            data = stream.read(bound + 1)
    except OSError as exc:
        raise ReadRefused("error", exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if len(data) > bound:
        raise ReadRefused("too large", size=len(data), grew=True)
    return data


def slugify(text: str) -> str:
    """A file-name-safe slug: ASCII letters, digits and single hyphens; never a path."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_SLUG].strip("-")
    if not slug or slug in _WINDOWS_RESERVED or slug in ARCHIVE_NAMES:
        slug = f"article-{slug}" if slug else "article"
    return slug


def output_file(out_dir: str | Path, name: object) -> Path | None:
    """``out_dir / name`` when ``name`` is a plain file name that stays in the folder, else None.

    The one rule for names that come from outside this process (a manifest on disk): only such
    names are ever overwritten or removed — never a path, a parent, a hidden or special name.
    """
    if not isinstance(name, str) or not name or name.startswith(".") or name != os.path.basename(name):
        return None
    if "\\" in name or any(ord(c) < 32 for c in name):  # a Windows separator, NUL, controls
        return None
    folder = Path(out_dir)
    path = folder / name
    return path if path.parent == folder else None


def unique_slug(slug: str, taken: set[str]) -> str:
    """``slug``, or ``slug-2``, ``slug-3`` … when taken; records the one returned."""
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    taken.add(candidate)
    return candidate


def write_atomic(path: str | Path, data: bytes | str | Iterable[bytes]) -> None:
    """Write to a temporary file beside ``path``, then rename: readers never see half a file.

    ``data`` may be an iterable of byte chunks, written as they come (a long MP3 part by part).
    """
    write_together([(path, data)])


def write_together(files: Sequence[tuple[str | Path, bytes | str | Iterable[bytes]]]) -> None:
    """Write every file to a temporary file beside it first, and rename them all, in order, only
    when all were written: a failure on any (a full disk) leaves every earlier version in place."""
    staged: list[tuple[str, str | Path]] = []
    try:
        for path, data in files:
            staged.append((_staged(path, data), path))
        for temporary, path in staged:
            try:
                os.replace(temporary, path)
            except OSError as exc:
                raise OutputError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    finally:
        for temporary, _ in staged:
            _remove(temporary)  # those not renamed (after a failure); a renamed one is gone already


def _staged(path: str | Path, data: bytes | str | Iterable[bytes]) -> str:
    """``data`` in a new temporary file beside ``path``, flushed to disk; its name."""
    chunks = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
    # os.path, not pathlib: the clip cache writes thousands of entries, and pathlib interns every
    # name it parses (the interpreter's intern table then stays large for the whole process).
    folder, name = os.path.split(os.fspath(path))
    try:
        os.makedirs(folder or ".", exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder or ".")
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"{path}: cannot be written (a file stands where its folder should be)") from None
    except OSError as exc:  # e.g. no permission
        raise OutputError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            os.chmod(temporary, 0o666 & ~_UMASK)
            for chunk in chunks:
                stream.write(chunk)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        _remove(temporary)
        raise OutputError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    except BaseException:
        _remove(temporary)
        raise
    return temporary


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
