"""How an M4B piece (one article's or the opening's AAC packets) is kept in the clip cache: its
decoder config, packet count and sizes, then the packets; a read checks the numbers fit together.

Its own module because both kinds of piece use it: those `build` makes from an article's master
(`pieces`) and those an edition transcodes from the MP3 (`m4b`).
"""

from __future__ import annotations

import struct

from ..cache import BlobCache
from ..formats.m4b import EncodedAudio, packets_for

_SIZE = struct.Struct("<I")


def pack(encoded: EncodedAudio) -> bytes:
    sizes = b"".join(_SIZE.pack(len(p)) for p in encoded.packets)
    return b"".join(
        (_SIZE.pack(len(encoded.config)), encoded.config, _SIZE.pack(len(encoded.packets)), sizes, *encoded.packets)
    )


def unpack(payload: bytes, samples: int) -> EncodedAudio | None:
    """The piece a cache entry holds, or None when its numbers do not fit together (then it is
    encoded again): the packet count is the one its samples give, the sizes fill the payload."""
    view = memoryview(payload)
    try:
        (config_size,) = _SIZE.unpack_from(view)
        config = bytes(view[4 : 4 + config_size])
        (count,) = _SIZE.unpack_from(view, 4 + config_size)
        if count != packets_for(samples) or len(config) != config_size:
            return None
        table = 8 + config_size
        sizes = [size for (size,) in _SIZE.iter_unpack(view[table : table + 4 * count])]
    except struct.error:
        return None
    at = table + 4 * count
    if len(sizes) != count or at + sum(sizes) != len(view) or 0 in sizes:
        return None
    packets = []
    for size in sizes:
        packets.append(bytes(view[at : at + size]))
        at += size
    return EncodedAudio(config, tuple(packets), samples)


def cached_piece(blobs: BlobCache, key: str, samples: int, config: bytes) -> EncodedAudio | None:
    """A piece from the cache, if it is whole and made by this encoder (else it is encoded again)."""
    found = blobs.get(key)
    if found is None or found[0] != samples:
        return None
    piece = unpack(found[1], samples)
    return piece if piece and piece.config == config else None
