"""Cover images: reading one an article or the archive names, and the square title card made for
articles that bring none (deterministic for the same text).

A cover is named by a file path in front matter or `audiobook.toml`, so it is untrusted: it must
lie inside the archive (links out only with ``follow_links``, as for articles), be a regular file
(not a device or a FIFO, which would read forever or hang), at most ``MAX_COVER_BYTES``, and a PNG
or JPEG whose header Pillow can read, with at most ``MAX_COVER_PIXELS`` (no decompression bomb).
"""

from __future__ import annotations

import hashlib
import io
import textwrap
import warnings
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .files import ReadRefused, read_regular
from .model import Article

COVER_SIZE = 1400  # Apple Podcasts wants 1400–3000 px square
MAX_COVER_BYTES = 20 * 1024 * 1024
MAX_COVER_PIXELS = 6000 * 6000  # twice Apple's largest side; a bigger image is a bomb or a mistake
# A camera's JPEG with a second picture inside (MPO) is a JPEG to every reader.
_FORMATS = {"PNG": ("image/png", ".png"), "JPEG": ("image/jpeg", ".jpg"), "MPO": ("image/jpeg", ".jpg")}


class CoverError(ValueError):
    """Why a named cover cannot be used (a reason, to follow the file's name)."""


@dataclass(frozen=True)
class CoverImage:
    data: bytes
    mime: str  # image/png or image/jpeg
    suffix: str  # .png or .jpg


def article_cover(article: Article, archive: Path, follow_links: bool = False) -> CoverImage | None:
    """The cover the article names, checked; None when it names none. Errors name the article."""
    if article.cover is None:
        return None
    try:
        return read_cover(article.cover, archive, follow_links)
    except CoverError as exc:
        raise InputError(article.source, f"cover image {article.cover} {exc}") from None


def read_cover(path: Path, archive: Path, follow_links: bool = False) -> CoverImage:
    """The checked image at ``path``, which must resolve inside the ``archive`` folder."""
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a loop of links
        raise CoverError("no such file") from None
    if not follow_links and not resolved.is_relative_to(archive.resolve()):
        raise CoverError("lies outside the archive (links out are followed only with --follow-links)")
    try:
        data = read_regular(resolved, MAX_COVER_BYTES)
    except ReadRefused as refused:
        raise CoverError(_refusal(refused)) from None
    return checked_image(data)


def _refusal(refused: ReadRefused) -> str:
    limit = MAX_COVER_BYTES // 2**20
    if refused.why in ("folder", "special"):
        return "is not a regular file"
    if refused.why == "too large" and refused.grew:  # grew after its size was checked
        return f"is too large (the limit is {limit} MB)"
    if refused.why == "too large":
        return f"is too large ({refused.size / 2**20:.1f} MB; the limit is {limit} MB)"
    return f"cannot be read ({refused.detail})"


def checked_image(data: bytes) -> CoverImage:
    """``data`` as a cover, once Pillow has read its header and checked its structure."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own, lower cap follows
            with Image.open(io.BytesIO(data), formats=["PNG", "JPEG"]) as image:
                width, height = image.size
                if width * height > MAX_COVER_PIXELS:
                    raise CoverError(f"is too large an image ({width}×{height} pixels)")
                image.verify()  # the file's structure (chunks, checksums), without decoding the pixels
                mime, suffix = _FORMATS[image.format]
    except CoverError:
        raise
    except Image.DecompressionBombError:
        raise CoverError("is too large an image (a decompression bomb)") from None
    except UnidentifiedImageError:
        raise CoverError("is not a PNG or JPEG image") from None
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds on damaged files
        raise CoverError(f"is a damaged image ({type(exc).__name__})") from None
    return CoverImage(data, mime, suffix)


def title_card(title: str, publication: str, size: int = COVER_SIZE) -> bytes:
    """PNG bytes: publication name above the title, on a colour derived from the title."""
    from PIL import Image, ImageDraw, ImageFont

    digest = hashlib.sha256(title.encode("utf-8")).digest()
    hue_dark = (20 + digest[0] % 60, 30 + digest[1] % 60, 60 + digest[2] % 80)
    image = Image.new("RGB", (size, size), hue_dark)
    draw = ImageDraw.Draw(image)
    margin = size // 12
    draw.rectangle(
        (margin // 2, margin // 2, size - margin // 2, size - margin // 2),
        outline=(235, 235, 235),
        width=max(2, size // 280),
    )

    small = ImageFont.load_default(size=size // 22)
    draw.text((margin, margin), publication.upper()[:40], font=small, fill=(220, 220, 220))

    # Largest font size at which the wrapped title fits in the card.
    for font_size in range(size // 9, size // 40, -4):
        font = ImageFont.load_default(size=font_size)
        chars_per_line = max(8, int((size - 2 * margin) / (font_size * 0.55)))
        lines = textwrap.wrap(title, chars_per_line)[:8]
        height = len(lines) * font_size * 1.2
        if height <= size - 4 * margin and all(draw.textlength(line, font=font) <= size - 2 * margin for line in lines):
            break
    y = (size - height) / 2 + margin / 2
    for line in lines:
        draw.text((margin, y), line, font=font, fill=(255, 255, 255))
        y += font_size * 1.2

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
