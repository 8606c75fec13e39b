"""How an encoded part is kept in the clip cache's ``segments``: its stream, with the figures
its mastering measured, each checked against the bytes it describes before it is believed.

An entry is ``meta`` (JSON: frames, the decoded stream's true peak, the mastered audio's true
peak, how many blocks) + the block powers (little-endian doubles) + the stream.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .cache import BlobCache
from .errors import OutputError
from .formats import OutputFormat
from .settings import Settings


class PartEntry(NamedTuple):
    """An encoded part as the cache holds it."""

    frames: int
    true_peak: float  # of the decoded stream
    mastered_peak: float  # of the mastered audio
    powers: np.ndarray
    stream: bytes


def packed(frames: int, true_peak: float, mastered_peak: float, powers: np.ndarray, stream: bytes) -> tuple[int, bytes]:
    """(the number stored beside it, the payload) of an entry."""
    meta = json.dumps(
        {"frames": frames, "true_peak_dbtp": true_peak, "mastered_peak_dbtp": mastered_peak, "blocks": int(powers.size)}
    ).encode()
    return len(meta), meta + powers.astype("<f8").tobytes() + stream


@dataclass(frozen=True)
class PartSlot:
    """Where a part mastered one way is (or goes) in the cache, and how many blocks it measures."""

    cache: BlobCache | None
    key: str
    blocks: int

    def entry(self, settings: Settings, fmt: OutputFormat) -> PartEntry | None:
        return read_entry(self.cache.get(self.key), settings, self.blocks, fmt) if self.cache else None

    def reader(self, settings: Settings, fmt: OutputFormat) -> Callable[[], bytes]:
        """Reads the entry's stream when the file is written (it is not kept in memory till then)."""

        def read() -> bytes:
            found = self.entry(settings, fmt)
            if found is None:
                folder = self.cache.folder if self.cache else "?"
                raise OutputError(
                    f"encoded audio vanished from the cache ({folder}) while the {fmt.name.upper()} was written"
                )
            return found.stream

        return read


def read_entry(
    found: tuple[int, bytes] | None, settings: Settings, expected_blocks: int, fmt: OutputFormat
) -> PartEntry | None:
    """An encoded part's cache entry, or None when it is
    missing or does not hold together. Its checksum holds, but a crafted entry can carry one: no
    number in it is used before it is checked against the bytes it describes."""
    if found is None:
        return None
    head, payload = found
    if not 0 < head <= len(payload):
        return None
    try:
        meta = json.loads(payload[:head])
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested without end
        return None
    if not isinstance(meta, dict):
        return None
    frames, peak, blocks = meta.get("frames"), meta.get("true_peak_dbtp"), meta.get("blocks")
    mastered_peak = meta.get("mastered_peak_dbtp")
    if not (_whole(frames) and frames > 0 and blocks == expected_blocks and _finite(peak) and _finite(mastered_peak)):
        return None
    stream_start = head + 8 * expected_blocks
    if stream_start > len(payload):
        return None
    powers = stored_powers(payload[head:stream_start])
    stream = payload[stream_start:]
    if powers is None or not fmt.stream_fits(frames, len(stream), settings.sample_rate, settings.bitrate_kbps):
        return None
    return PartEntry(frames, float(peak), float(mastered_peak), powers, stream)


def stored_powers(data: bytes) -> np.ndarray | None:
    """Block energies stored as doubles: None unless whole, finite and non-negative."""
    if len(data) % 8:
        return None
    powers = np.frombuffer(data, dtype="<f8")
    return powers if np.isfinite(powers).all() and not (powers < 0).any() else None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)
