"""Images people upload: validated and re-encoded with Pillow.

Re-encoding (rather than storing the upload as sent) strips metadata such as GPS
position and guarantees that what we serve is the image type we say it is.
"""

from __future__ import annotations

import io
import secrets

from PIL import Image, UnidentifiedImageError

from roost.errors import ValidationFailed

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}

AVATAR_SIZE = (400, 400)
HEADER_SIZE = (1500, 500)


def process_image(
    data: bytes, *, field: str, size: tuple[int, int], crop: bool
) -> tuple[str, bytes]:
    """Returns (file name, encoded bytes); raises ValidationFailed for anything but an image."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(f"{field} is larger than 8 MB", field=field)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationFailed(
                    f"{field} must be a PNG, JPEG, GIF or WebP image", field=field
                )
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationFailed(f"{field} has too many pixels", field=field)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            alpha = image.mode in ("RGBA", "LA", "PA", "P", "RGBa", "La")
            converted = image.convert("RGBA" if alpha else "RGB")
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
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
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
