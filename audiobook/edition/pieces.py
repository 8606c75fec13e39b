"""An article's M4B piece made by `build` from its mastered audio, when the archive asks for M4B
editions (``[edition] formats = ["m4b"]`` in audiobook.toml; see `settings.EditionSettings`).

Without it, an M4B edition encodes each article it has no piece for from the article's MP3
(`m4b`: decode, resample, encode — what the first M4B of a set of articles costs). Made here,
in the build's worker while the article's clips and mastering decisions are at hand, the piece
is AAC from the master (one lossy generation, not a transcode of the MP3), and the edition only
joins packets.

The piece decodes exactly like the transcoded one would (`m4b.write_edition_m4b` places both
kinds the same way): at AAC_RATE, as long as the article's MP3 frames, each part's mastered audio
where the MP3 decoder puts it (its frames' start plus the MP3 encoder's delay), silence around.
So the article's chapters, measured in the MP3, hold in the M4B too.

Cache key: the article's MP3 stream (its digest and frame count, what the edition reads from the
built file) and the AAC settings — an article whose audio did not change has the same key, and
its piece is not encoded again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from ..audio import EncodedAudio, assemble_part, mastered, resample
from ..cache import ClipCache, content_key
from ..model import Clip
from ..settings import Settings
from ..timeline import Timeline
from .piece_store import cached_piece, pack

MASTER_PIECE_FORMAT = "audiobook-m4b-master-piece-1"
# What the AAC encoder (and its limiter) takes off the K-weighted loudness of the mastered speech:
# 0.05 LU for espeak, 0.03 for Piper (three articles each), where LAME takes off more
# (`formats.mp3.ENCODER_LOSS_LU`): the piece is lowered by the difference, to sound like the MP3.
AAC_LOSS_LU = 0.05


def stream_digest(chunks: Iterable[bytes]) -> str:
    """The digest of an MP3 stream (its frames, without the tag), as both kinds of piece key it."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def master_piece_key(frames: int, digest: str) -> str:
    from ..formats.m4b import aac_settings

    return content_key(MASTER_PIECE_FORMAT, aac_settings(), str(AAC_LOSS_LU), str(frames), digest)


def piece_samples(frames: int, samples_per_frame: int, mp3_rate: int) -> int:
    """How long an article's piece is at AAC_RATE: as long as its MP3 frames."""
    from ..formats.m4b import AAC_RATE

    return round(frames * samples_per_frame * AAC_RATE / mp3_rate)


def master_audio(
    clip_at: Callable[[int], Clip], timeline: Timeline, settings: Settings, encoded: EncodedAudio
) -> Iterator[np.ndarray]:
    """The article's mastered audio at AAC_RATE laid out as its MP3 decodes (see the module's
    docstring), one part at a time."""
    from ..formats.m4b import AAC_RATE

    fmt, mp3_rate = encoded.output, encoded.sample_rate
    level = np.float32(10 ** ((AAC_LOSS_LU - fmt.loudness_loss_lu) / 20))
    position, frames_before = 0, 0
    for part, (frames, ceiling) in enumerate(zip(encoded.part_frames, encoded.part_ceilings, strict=True)):
        start = round((frames_before * fmt.samples_per_frame + fmt.encoder_delay_samples) * AAC_RATE / mp3_rate)
        frames_before += frames
        end = piece_samples(frames_before, fmt.samples_per_frame, mp3_rate)
        source = assemble_part(clip_at, timeline, part)
        audio, rate = mastered(source, timeline.sample_rate, encoded.gain_db, ceiling, settings)
        audio = resample(audio, rate, AAC_RATE)[: max(0, end - start)] * level
        if start > position:
            yield np.zeros(start - position, dtype=np.float32)
            position = start
        yield audio.astype(np.float32, copy=False)
        position += audio.size
    yield np.zeros(max(0, piece_samples(frames_before, fmt.samples_per_frame, mp3_rate) - position), np.float32)


def prepare_piece(
    clip_at: Callable[[int], Clip], timeline: Timeline, settings: Settings, encoded: EncodedAudio, cache: ClipCache
) -> bool:
    """Encode the article's M4B piece into the cache unless it is there; whether it was encoded now."""
    from ..formats.m4b import encode_aac, silent_packet

    frames = sum(encoded.part_frames)
    key = master_piece_key(frames, stream_digest(encoded.stream_chunks()))
    samples = piece_samples(frames, encoded.output.samples_per_frame, encoded.sample_rate)
    config, _ = silent_packet()
    if cached_piece(cache.segments, key, samples, config) is not None:
        return False
    piece = encode_aac(master_audio(clip_at, timeline, settings, encoded), settings.true_peak_dbtp)
    cache.segments.put(key, piece.samples, pack(piece))
    return True
