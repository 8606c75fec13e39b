"""`OUTDIR/manifest.json`: what the last build made, read back as untrusted input.

The manifest decides what the next build skips and what it removes, and it lies in a folder that
gets published and may be edited by hand (or by someone else). So it is validated as a whole
before anything trusts it: every field has its type, every output is a plain file name of the
entry's own slug inside the output folder, slugs are unique. A manifest that fails is set aside
(renamed to ``manifest.json.invalid``) and the build proceeds as a first build: nothing it names
is removed, every article is converted again (from the clip cache, so mostly without speech).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from . import __version__
from .files import output_file, slugify, write_atomic
from .source_dates import read_source_date

# What the outputs of an article are; bumped when they change for the same input (2: word-timed
# WebVTT cues and the JSON transcript). It is part of every article's input hash, so a bump
# rebuilds every article; a manifest of an earlier format is still read (not set aside), so the
# rebuild replaces and removes the outputs it names as usual, without a warning.
OUTPUT_FORMAT = "2"
EARLIER_OUTPUT_FORMATS = ("1",)

MANIFEST = "manifest.json"
SET_ASIDE = MANIFEST + ".invalid"
# Far above a real archive's (~2 KB per article); a bigger file is not read into memory.
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
STATUSES = ("built", "unchanged", "failed")

Entries = dict[str, dict[str, Any]]


class InvalidManifest(ValueError):
    """The reason a manifest cannot be trusted (one line)."""


def load_manifest(
    out_dir: Path, output_format: str, earlier_formats: tuple[str, ...] = ()
) -> tuple[Entries, str | None]:
    """Entries by source, and a warning when the manifest on disk had to be set aside.

    A manifest of one of ``earlier_formats`` is read as well (its entries are validated the same
    way): the build rebuilds its articles, whose input hashes include the format."""
    path = out_dir / MANIFEST
    try:
        if path.is_symlink() or not path.is_file():
            raise FileNotFoundError
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise InvalidManifest(f"larger than {MAX_MANIFEST_BYTES // 2**20} MB")
        with open(path, encoding="utf-8") as stream:
            data = json.load(stream)
        return _validated(data, out_dir, (output_format, *earlier_formats)), None
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, InvalidManifest) else f"not readable JSON ({type(exc).__name__})"
    try:
        os.replace(path, out_dir / SET_ASIDE)
        where = f"set aside as {SET_ASIDE}"
    except OSError as exc:
        where = f"ignored (cannot be renamed: {exc.strerror or exc})"
    return {}, f"{path}: not a valid manifest ({reason}); {where}; building every article afresh"


def write_manifest(out_dir: Path, entries: Entries, output_format: str) -> None:
    data = {
        "generator": f"audiobook {__version__}",
        "format": output_format,
        "articles": [entries[source] for source in sorted(entries)],
    }
    write_atomic(out_dir / MANIFEST, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def outputs_intact(out_dir: Path, entry: dict[str, Any]) -> bool:
    """Every output the entry names is on disk with the size recorded."""
    sizes = entry.get("sizes") or {}
    outputs = entry.get("outputs") or {}
    for kind, name in outputs.items():
        path = output_file(out_dir, name)
        if path is None or path.is_symlink() or not path.is_file() or path.stat().st_size != sizes.get(kind):
            return False
    return bool(outputs)


def remove_outputs(out_dir: Path, entry: dict[str, Any], keep: set[str] = frozenset()) -> None:
    """Remove an entry's outputs; only plain names inside ``out_dir`` are ever touched."""
    for name in (entry.get("outputs") or {}).values():
        path = output_file(out_dir, name)
        if path is None or name in keep or path.is_dir():  # a folder by that name was never ours
            continue
        with contextlib.suppress(OSError):  # no permission: left in place, like anything we cannot remove
            path.unlink(missing_ok=True)


# --- validation ---------------------------------------------------------------------------------


def _validated(data: object, out_dir: Path, formats: tuple[str, ...]) -> Entries:
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise InvalidManifest("no list of articles")
    if data.get("format") not in formats:
        raise InvalidManifest(f"format {data.get('format')!r}, expected {formats[0]!r}")
    entries: Entries = {}
    slugs: set[str] = set()
    for number, entry in enumerate(data["articles"], 1):
        try:
            _check_entry(entry, out_dir)
        except InvalidManifest as exc:
            raise InvalidManifest(f"entry {number}: {exc}") from None
        if entry["source"] in entries:
            raise InvalidManifest(f"entry {number}: source {entry['source']!r} listed twice")
        slug = entry.get("slug")
        if slug is not None:
            if slug in slugs:  # two entries claiming one set of files: removing one would remove both
                raise InvalidManifest(f"entry {number}: slug {slug!r} listed twice")
            slugs.add(slug)
        entries[entry["source"]] = entry
    return entries


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_text(value: object, optional: bool = True) -> bool:
    return isinstance(value, str) or (optional and value is None)


def _is_date(value: object) -> bool:
    if value is None:
        return True
    try:
        dt.date.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _dicts_with(value: object, checks: dict[str, Any]) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, dict) and all(check(item.get(key)) for key, check in checks.items()) for item in value
    )


def _mapping_of(value: object, check: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and check(v) for k, v in value.items())


# Each field an entry may hold, and what its value must be. Fields not listed are refused: the
# build wrote every entry, so anything else was put there by someone else.
_FIELDS: dict[str, Any] = {
    "source": lambda v: _is_text(v, optional=False) and v != "",
    "slug": lambda v: v is None or (isinstance(v, str) and slugify(v) == v),
    "status": lambda v: v in STATUSES,
    "guid": _is_text,
    "error": _is_text,
    "title": _is_text,
    "author": _is_text,
    "summary": _is_text,
    "language": _is_text,
    "url": _is_text,
    "date": _is_date,
    "source_date": lambda v: v is None or read_source_date(v) is not None,  # absent from older manifests
    "references": lambda v: _dicts_with(v, {"text": _is_text, "url": _is_text}),
    "outputs": lambda v: _mapping_of(v, lambda name: isinstance(name, str)),
    "sizes": lambda v: _mapping_of(v, _is_int),
    "hashes": lambda v: _mapping_of(v, lambda h: isinstance(h, str)),
    "chapters": lambda v: _dicts_with(
        v, {"title": lambda t: _is_text(t, optional=False), "start_ms": _is_int, "end_ms": _is_int}
    ),
    "duration_ms": _is_int,
    "synthesized": _is_int,
    "reused": _is_int,
    "encoded_parts": _is_int,
    "seconds": lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v >= 0,
}
_REQUIRED = ("source", "status")


def _check_entry(entry: object, out_dir: Path) -> None:
    if not isinstance(entry, dict):
        raise InvalidManifest("not an object")
    for key in _REQUIRED:
        if key not in entry:
            raise InvalidManifest(f"no '{key}'")
    for key, value in entry.items():
        check = _FIELDS.get(key)
        if check is None:
            raise InvalidManifest(f"unknown field {key!r}")
        if not check(value):
            raise InvalidManifest(f"field {key!r} has a wrong value")
    outputs = entry.get("outputs") or {}
    if outputs and entry.get("slug") is None:
        raise InvalidManifest("outputs without a slug")
    for name in outputs.values():
        # Only the entry's own files: `<slug>.<suffix>`, a plain name inside the output folder.
        if output_file(out_dir, name) is None or not name.startswith(f"{entry['slug']}."):
            raise InvalidManifest(f"output {name!r} is not a file of this article")
    if entry["status"] != "failed" and not outputs:
        raise InvalidManifest("a built article without outputs")
