"""An edition's M4B: each piece (the opening, each article) encoded to AAC on its own — in parallel,
and cached by its MP3's content — then the pieces' packets joined, placed on the AAC frame grid.
See `edition` for the whole, `formats.m4b` for the encoding and the container.

Why pieces: the AAC encoder is what an M4B costs (about as long as LAME took for the articles), and
a weekly edition shares most of its articles with other editions. A piece's cache key is its MP3's
digest and the encoder's settings, so an article already encoded for any edition is not encoded
again; pieces not in the cache are encoded by a pool of spawned processes (`--jobs`). An archive
that asks for M4B editions has its articles' pieces made by `build`, from their mastered audio
(`pieces`, keyed by the same MP3 digest): those are taken first.

Placement (`place`): a piece decodes to one frame of priming, its samples, and silence to the
end of its last frame. The silence between pieces is whole packets of encoded digital silence, as
many as put the piece's first sample nearest its place in the layout (within half a frame: 23 ms
at 22,050 Hz); the last article is never placed after its place (within a frame before it), so
the file ends exactly where the layout ends. The M4B's chapters are moved with their article, so
they are exact in the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..cache import BlobCache, ClipCache, content_key
from ..errors import OutputError
from ..formats import TagInfo
from ..formats.m4b import AAC_FRAME, AAC_PRIMING, AAC_RATE, packets_for
from ..formats.mp3 import SAMPLES_PER_FRAME
from ..timeline import ChapterMark
from .layout import EditionChapter, Layout, Segment, flat_chapters
from .piece_store import cached_piece, pack
from .pieces import master_piece_key, stream_digest

PIECE_FORMAT = "audiobook-m4b-piece-1"


@dataclass(frozen=True)
class Placement:
    """Where a piece goes: silent packets before it, and how many samples (at AAC_RATE) its audio
    lands after (+) or before (−) its place in the layout."""

    silent_packets: int
    shift: int


def place(starts: Sequence[int], lengths: Sequence[int], total: int) -> tuple[list[Placement], int]:
    """Pieces of ``lengths`` samples meant to start at ``starts`` (the first at 0) in a stream of
    ``total`` samples: their placements, and the silent packets after the last piece."""
    placements = []
    position = -AAC_PRIMING  # presentation time of the next packet (the first one's priming is skipped)
    for number, (start, length) in enumerate(zip(starts, lengths, strict=True)):
        wanted = (start - AAC_PRIMING - position) / AAC_FRAME  # silent packets before its priming
        last = number == len(starts) - 1
        silent = max(0, int(wanted) if last else round(wanted))  # int(): never after its place
        position += silent * AAC_FRAME
        placements.append(Placement(silent, position + AAC_PRIMING - start))
        position += packets_for(length) * AAC_FRAME
    end = starts[-1] + placements[-1].shift + lengths[-1]
    return placements, max(0, -(-(max(total, end) - position) // AAC_FRAME))


def piece_key(segment: Segment, blobs: BlobCache, samples: int, config: bytes) -> str:
    """The cache key of a piece: the one `build` made from the article's master when the cache
    holds it (`pieces`), else the one transcoded from its MP3 (made here when missing)."""
    from ..formats.m4b import aac_settings

    digest = stream_digest(segment.chunks())
    from_master = master_piece_key(segment.frames, digest)
    if cached_piece(blobs, from_master, samples, config) is not None:
        return from_master
    return content_key(PIECE_FORMAT, aac_settings(), str(segment.frames), digest)


def encode_piece(segment: Segment, key: str, cache_root: str, true_peak_dbtp: float) -> int:
    """Encode one piece into the cache (runs in a worker process); its samples."""
    from ..formats.m4b import decode_mp3, encode_aac

    encoded = encode_aac(decode_mp3(segment.path or segment.data, segment.frames * SAMPLES_PER_FRAME), true_peak_dbtp)
    ClipCache(Path(cache_root)).segments.put(key, encoded.samples, pack(encoded))
    return encoded.samples


def encode_missing(
    pieces: Sequence[tuple[Segment, str, int]], cache: ClipCache, config: bytes, true_peak_dbtp: float, jobs: int | None
) -> int:
    """Encode the pieces the cache lacks, in parallel (spawned processes: the engines' rule); how many."""
    blobs = cache.segments
    missing = [(segment, key) for segment, key, samples in pieces if cached_piece(blobs, key, samples, config) is None]
    unique = list({key: segment for segment, key in missing}.items())
    workers = max(1, min(jobs or os.cpu_count() or 1, len(unique)))
    if workers == 1:
        for key, segment in unique:
            encode_piece(segment, key, str(cache.root), true_peak_dbtp)
        return len(unique)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from ..workers import refuse_unguarded_caller

    refuse_unguarded_caller()  # each spawned process would run an unguarded script again
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(encode_piece, segment, key, str(cache.root), true_peak_dbtp) for key, segment in unique]
        try:
            for future in futures:
                future.result()
        except BrokenProcessPool:
            pool.shutdown(wait=True, cancel_futures=True)
            raise OutputError("an AAC encoding worker process stopped (out of memory?); nothing written") from None
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return len(unique)


def write_edition_m4b(
    path: Path, layout: Layout, info: TagInfo, cache: ClipCache, true_peak_dbtp: float, jobs: int | None
) -> int:
    """The edition's M4B at ``path`` (a new file); the pieces encoded for it (the rest: cached)."""
    from ..formats.m4b import silent_packet, write_joined

    ratio = AAC_RATE / layout.rate  # 1152-sample MP3 frames are whole numbers of samples at 22,050 Hz
    config, silence = silent_packet()
    pieces, starts, position = [], [], 0
    for number, segment in enumerate(layout.segments):
        samples = round(segment.frames * SAMPLES_PER_FRAME * ratio)
        if number % 2 == 0:  # the opening, then each article; the gaps between are silent packets
            pieces.append((segment, piece_key(segment, cache.segments, samples, config), samples))
            starts.append(position)
        position += samples
    encoded = encode_missing(pieces, cache, config, true_peak_dbtp, jobs)
    placements, tail = place(starts, [s for _, _, s in pieces], position)

    def packets() -> Iterator[bytes]:
        for (_, key, samples), placement in zip(pieces, placements, strict=True):
            piece = cached_piece(cache.segments, key, samples, config)
            if piece is None:  # removed or damaged since it was encoded: another process, a full disk
                raise OutputError(f"{cache.root}: an encoded piece of the edition went missing; make it again")
            yield from [silence] * placement.silent_packets
            yield from piece.packets
        yield from [silence] * tail

    end = max(position, starts[-1] + placements[-1].shift + pieces[-1][2])
    chapters = _moved(layout.chapters, [p.shift for p in placements], end)
    write_joined(path, config, packets(), end, chapters, info)
    return encoded


def _moved(chapters: Sequence[EditionChapter], shifts: Sequence[int], end: int) -> list[ChapterMark]:
    """The flat chapters with each article's moved by its shift, each ending where the next starts."""
    moved = []
    for chapter, shift in zip(chapters, shifts, strict=True):
        ms = round(shift * 1000 / AAC_RATE)
        moved += [ChapterMark(m.title, m.start_ms + ms, m.end_ms + ms) for m in flat_chapters([chapter])]
    ends = [m.start_ms for m in moved[1:]] + [round(end * 1000 / AAC_RATE)]
    return [ChapterMark(m.title, m.start_ms, e) for m, e in zip(moved, ends, strict=True)]
