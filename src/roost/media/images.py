"""Images people upload: opened with Pillow restricted to the formats Roost accepts,
checked against one pixel limit, and re-encoded.

Re-encoding (rather than storing the upload as sent) strips metadata such as GPS
position and guarantees that what we serve is the image type we say it is.
``Image.open(..., formats=...)`` keeps Pillow's other decoders (dozens of rarely
used formats, each a parser an attacker could aim at) out of reach entirely.
The limits here are the ones ``/api/v2/instance`` advertises.
"""

from __future__ import annotations

import io
import secrets
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from roost.errors import ValidationFailed

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
# Mastodon's input matrix limit (7680x4320): what an upload may have, advertised as
# ``image_matrix_limit``. Pillow's own bomb check (``Image.MAX_IMAGE_PIXELS``, 89 MP)
# sits above it, so ours always answers first, with a 422.
MAX_PIXELS = 33_177_600
ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}

AVATAR_SIZE = (400, 400)
HEADER_SIZE = (1500, 500)

# What Pillow raises on a file that is not a well-formed image of an accepted format
# (a bomb warning is an error under the tests' warning filter; it is refused too).
IMAGE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    ValueError,
    EOFError,
    SyntaxError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


def open_image(fp: IO[bytes], *, field: str) -> Image.Image:
    """Opens (the header only) an image of an accepted format within the pixel limit."""
    try:
        image = Image.open(fp, formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationFailed(
            f"{_named(field)} has too many pixels (the limit is {MAX_PIXELS})", field=field
        ) from exc
    except IMAGE_ERRORS as exc:
        raise ValidationFailed(
            f"{_named(field)} must be a PNG, JPEG, GIF or WebP image", field=field
        ) from exc
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise ValidationFailed(
            f"{_named(field)} has too many pixels (the limit is {MAX_PIXELS})", field=field
        )
    return image


def _named(field: str) -> str:
    return field[:1].upper() + field[1:]


def process_image(
    data: bytes, *, field: str, size: tuple[int, int], crop: bool
) -> tuple[str, bytes]:
    """Returns (file name, encoded bytes); raises ValidationFailed for anything but an image."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(f"{field} is larger than 8 MB", field=field)
    try:
        with open_image(io.BytesIO(data), field=field) as probe:
            probe.verify()
        with open_image(io.BytesIO(data), field=field) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            alpha = upright.mode in ("RGBA", "LA", "PA", "P", "RGBa", "La")
            converted = upright.convert("RGBA" if alpha else "RGB")
            if crop:
                converted = _crop_to_ratio(converted, size[0] / size[1])
            converted.thumbnail(size)
            out = io.BytesIO()
            if converted.mode == "RGBA":
                converted.save(out, format="PNG", optimize=True)
                ext = "png"
            else:
                converted.save(out, format="JPEG", quality=85)
                ext = "jpg"
    # Whatever Pillow cannot decode, convert or re-encode is the upload's fault (a 422),
    # never ours: the parametrised test in tests/api/test_profile_images.py walks the modes.
    except IMAGE_ERRORS as exc:
        raise ValidationFailed(f"{field} is not a valid image", field=field) from exc
    return f"{secrets.token_hex(16)}.{ext}", out.getvalue()


def _crop_to_ratio(image: Image.Image, ratio: float) -> Image.Image:
    """The centre of the image in the wanted proportions, never less than one pixel
    across (a 1x1 header stays 1x1 rather than becoming an empty image)."""
    width, height = image.size
    if width / height > ratio:
        new_width = max(1, int(height * ratio))
        left = (width - new_width) // 2
        return image.crop((left, 0, left + new_width, height))
    new_height = max(1, int(width / ratio))
    top = (height - new_height) // 2
    return image.crop((0, top, width, top + new_height))
