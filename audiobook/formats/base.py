"""The output-format seam: what a container is to the rest of the pipeline.

An `OutputFormat` is one object per container. It says what the file is called and how it is
served (suffix, MIME type), what its encoder does that the mastering and the timeline must allow
for (frame size, delay, the loudness it takes off and the true peak it adds), encodes a part's
mastered audio into a stream and counts that stream's frames, and writes and reads the container's
tag (metadata, cover, chapters). The value types it is written from and read into — `TagInfo`,
`ReadBack` — belong to no container and live here too.

Mastering (`audio`), the conversion (`convert`) and publishing ask the format; none of them
spells a container.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from ..timeline import ChapterMark

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np


@dataclass(frozen=True)
class TagInfo:
    """What an audio edition's tag says, whatever the container."""

    title: str
    artist: str | None
    album: str
    date: str | None  # ISO yyyy-mm-dd
    language: str
    summary: str | None
    url: str | None
    cover: bytes | None
    cover_mime: str = "image/png"
    genre: str = "Podcast"


@dataclass(frozen=True)
class ReadBack:
    """What a player sees in the file."""

    version: str
    duration_s: float
    bitrate_kbps: int
    sample_rate: int
    channels: int
    fields: dict[str, str]
    chapters: tuple[ChapterMark, ...]
    has_cover: bool
    # Each form of chapters found, where a container has more than one (M4B: "quicktime", "nero").
    chapter_forms: dict[str, tuple[ChapterMark, ...]] = field(default_factory=dict)


class OutputFormat(ABC):
    """One container: its facts as class attributes, its encoder and its tag as methods.

    Instances hold no state; the registry (`audiobook.formats.FORMATS`) keeps one of each.
    """

    name: ClassVar[str]  # the registry's key (and what a setting would name)
    suffix: ClassVar[str]  # of the output file, with its dot
    mime: ClassVar[str]  # the feed enclosure's type
    samples_per_frame: ClassVar[int]  # encoded streams are whole frames of this many samples
    encoder_delay_samples: ClassVar[int]  # silence before a stream's first input sample, as decoded
    loudness_loss_lu: ClassVar[float]  # what the encoder takes off the integrated loudness (measured)

    def __repr__(self) -> str:
        return f"<output format {self.name}>"

    def file_name(self, slug: str) -> str:
        return f"{slug}{self.suffix}"

    @abstractmethod
    def true_peak_headroom_db(self, bitrate_kbps: int) -> float:
        """How far the encoder may raise true peaks above its input's (measured: a bound)."""

    @abstractmethod
    def encode(self, chunks: Iterable[np.ndarray], rate: int, bitrate_kbps: int) -> bytes:
        """One stream from consecutive chunks of float mono audio in [−1, 1) at ``rate``."""

    @abstractmethod
    def decode(self, stream: bytes) -> np.ndarray:
        """A stream as a player hears it: float32 mono samples at the stream's rate (for its true peak)."""

    @abstractmethod
    def count_frames(self, stream: bytes, rate: int) -> int:
        """The frames of a stream this format's encoder wrote, each checked (`OutputError` if not)."""

    @abstractmethod
    def stream_fits(self, frames: int, size: int, rate: int, bitrate_kbps: int) -> bool:
        """Whether ``size`` bytes can hold ``frames`` frames (how a cached stream is checked)."""

    @abstractmethod
    def build_tag(self, info: TagInfo, chapters: Sequence[ChapterMark], duration_ms: int) -> bytes:
        """The container's tag for the edition: metadata, cover and chapters in time order."""

    @abstractmethod
    def file_chunks(
        self, info: TagInfo, chapters: Sequence[ChapterMark], duration_ms: int, streams: Iterable[bytes]
    ) -> Iterator[bytes]:
        """The whole file's bytes in order, tag and the parts' streams laid out as the container
        wants them (ID3 in front of MP3 frames; a container whose tag and chapters are written
        while muxing muxes here). Whatever can fail is done on the call, before anything is
        written; the streams are read only as the chunks are written."""

    @abstractmethod
    def read_back(self, path: Path) -> ReadBack:
        """Tags, duration and chapters of a file as a player sees them (`OutputError` if unreadable)."""
