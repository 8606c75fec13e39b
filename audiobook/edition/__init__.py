"""Editions: many built articles as one chaptered MP3 and/or M4B (`audiobook edition`).

`make` runs an edition from start to end; `select` chooses its articles from the manifest,
`layout` lays their MP3 frames out and places the chapters, `m4b` encodes the M4B's pieces
(process pool, cache) and joins them, `publish` writes the page, transcript, chapters and the
editions feed beside the audio.
"""

from .make import EditionReport, build_edition
from .select import select

__all__ = ["EditionReport", "build_edition", "select"]
