"""A square title card for articles that bring no cover image (deterministic for the same text)."""

from __future__ import annotations

import hashlib
import io
import textwrap

COVER_SIZE = 1400  # Apple Podcasts wants 1400–3000 px square


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
