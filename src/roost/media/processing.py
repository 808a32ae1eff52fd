"""Turning an uploaded picture into what Roost serves: a checked, upright,
metadata-free image within Mastodon's size, a small preview, and a blurhash.

Pure functions of bytes (no database, no storage), so the upload handler and the
processing job run the same code. Two steps: ``check_upload`` is cheap (the header
and Pillow's structural ``verify``) and runs while the client waits, so a broken
file, a file claiming one format and being another, or a decompression bomb is
refused at once with a 422; ``process_upload`` decodes and re-encodes, in the job
(``POST /api/v2/media``) or at once (``POST /api/v1/media``, the web composer).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

import blurhash
from PIL import Image, ImageOps, ImageSequence

from roost.errors import ValidationFailed
from roost.media.images import (
    IMAGE_ERRORS,
    MAX_UPLOAD_BYTES,
    MIME_TYPES,
    open_image,
)

# Mastodon's output limits: pictures larger than 3840x2160 worth of pixels are
# scaled down; previews fit in 640x640 worth of pixels (its "small" style).
MAX_OUTPUT_PIXELS = 3840 * 2160
PREVIEW_PIXELS = 640 * 640
# An animated GIF is decoded frame by frame into memory: its frames together may hold
# at most this many pixels (a 480x270 clip of 300 frames fits), or a small file of
# many large frames would take gigabytes.
MAX_ANIMATION_PIXELS = 40_000_000
FIELD = "file"
# File name extensions people's files carry, and the format each claims.
_EXTENSIONS = {
    "jpg": "JPEG",
    "jpeg": "JPEG",
    "jfif": "JPEG",
    "png": "PNG",
    "gif": "GIF",
    "webp": "WEBP",
}
_SAVE_AS = {"JPEG": ("JPEG", "jpg"), "PNG": ("PNG", "png"), "WEBP": ("WEBP", "webp")}


@dataclass(frozen=True)
class Rendition:
    data: bytes
    ext: str
    width: int
    height: int


@dataclass(frozen=True)
class Processed:
    original: Rendition
    preview: Rendition
    blurhash: str


def claimed_format(content_type: str | None, filename: str | None) -> str | None:
    """The format the client says the file is, from its Content-Type, else its name."""
    for mime_format, mime in MIME_TYPES.items():
        if content_type and content_type.split(";")[0].strip().lower() == mime:
            return mime_format
    if content_type and content_type.lower() == "image/jpg":
        return "JPEG"
    if filename and "." in filename:
        return _EXTENSIONS.get(filename.rsplit(".", 1)[1].lower())
    return None


def check_upload(data: bytes, *, content_type: str | None, filename: str | None) -> str:
    """The upload's format, once it is known to be a sound image of that format within
    the limits; raises ValidationFailed (a 422) otherwise."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed("File is larger than 8 MB", field=FIELD, code="ERR_TOO_LARGE")
    if not data:
        raise ValidationFailed("File is empty", field=FIELD, code="ERR_BLANK")
    try:
        with open_image(io.BytesIO(data), field=FIELD) as probe:
            found = str(probe.format)
            frames = int(getattr(probe, "n_frames", 1))
            if frames * probe.width * probe.height > MAX_ANIMATION_PIXELS:
                raise ValidationFailed(
                    f"The animation is too large ({frames} frames of {probe.width}x{probe.height})",
                    field=FIELD,
                )
            probe.seek(0)
            probe.verify()
    except IMAGE_ERRORS as exc:
        raise ValidationFailed("File is not a valid image", field=FIELD) from exc
    claimed = claimed_format(content_type, filename)
    generic = content_type in (None, "", "application/octet-stream")
    if claimed is not None and claimed != found:
        raise ValidationFailed(
            f"File claims to be {claimed} but is {found}", field=FIELD, code="ERR_INVALID"
        )
    if claimed is None and not generic:
        raise ValidationFailed(
            f"Unsupported type {content_type}: PNG, JPEG, GIF or WebP only", field=FIELD
        )
    return found


def process_upload(data: bytes) -> Processed:
    """Decodes and re-encodes a checked upload. Raises ValidationFailed if the file
    turns out broken past its header (a truncated stream, say)."""
    try:
        with open_image(io.BytesIO(data), field=FIELD) as image:
            if image.format == "GIF" and getattr(image, "n_frames", 1) > 1:
                original = _animated_gif(image)
            else:
                image.load()
                original = _still(ImageOps.exif_transpose(image), str(image.format))
            with Image.open(io.BytesIO(original.data), formats=[_pillow_format(original)]) as out:
                out.seek(0)
                first = out.convert("RGBA")
    except IMAGE_ERRORS as exc:
        raise ValidationFailed("File is not a valid image", field=FIELD) from exc
    return Processed(original=original, preview=_preview(first), blurhash=_blurhash(first))


def _pillow_format(rendition: Rendition) -> str:
    return {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF"}[rendition.ext]


def _fit(width: int, height: int, pixels: int) -> tuple[int, int]:
    """The size within ``pixels`` (area) keeping the aspect; never zero across."""
    if width * height <= pixels:
        return width, height
    scale = math.sqrt(pixels / (width * height))
    return max(1, int(width * scale)), max(1, int(height * scale))


def _still(image: Image.Image, source_format: str) -> Rendition:
    """One frame, upright, scaled into the limit, saved without any metadata (only
    the pixels are carried over: EXIF, GPS, XMP and ICC comments stay behind)."""
    alpha = image.mode in ("RGBA", "LA", "PA", "P", "RGBa", "La") and (
        image.mode != "P" or "transparency" in image.info
    )
    pixels = image.convert("RGBA" if alpha else "RGB")
    size = _fit(pixels.width, pixels.height, MAX_OUTPUT_PIXELS)
    if size != pixels.size:
        pixels = pixels.resize(size, Image.Resampling.LANCZOS)
    pillow_format, ext = _SAVE_AS.get(source_format, ("PNG", "png"))
    if pillow_format == "JPEG" and alpha:
        pillow_format, ext = "PNG", "png"
    out = io.BytesIO()
    if pillow_format == "JPEG":
        pixels.save(out, format="JPEG", quality=90, optimize=True)
    elif pillow_format == "WEBP":
        pixels.save(out, format="WEBP", quality=90)
    else:
        pixels.save(out, format="PNG")
    return Rendition(out.getvalue(), ext, pixels.width, pixels.height)


def _animated_gif(image: Image.Image) -> Rendition:
    """An animated GIF stays an animated GIF (Mastodon turns it into a looping video;
    Roost ships no video tools): every frame re-encoded, scaled into the limit."""
    size = _fit(image.width, image.height, MAX_OUTPUT_PIXELS)
    frames: list[Image.Image] = []
    durations: list[int] = []
    for frame in ImageSequence.Iterator(image):
        rgba = frame.convert("RGBA")
        frames.append(rgba if rgba.size == size else rgba.resize(size, Image.Resampling.LANCZOS))
        durations.append(int(frame.info.get("duration", 100)) or 100)
    out = io.BytesIO()
    frames[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=int(image.info.get("loop", 0)),
        disposal=2,
    )
    return Rendition(out.getvalue(), "gif", size[0], size[1])


def _preview(first: Image.Image) -> Rendition:
    size = _fit(first.width, first.height, PREVIEW_PIXELS)
    small = first.resize(size, Image.Resampling.LANCZOS) if size != first.size else first
    out = io.BytesIO()
    alpha_range: Any = small.getchannel("A").getextrema()
    if alpha_range[0] < 255:  # some transparency: keep it
        small.save(out, format="PNG", optimize=True)
        ext = "png"
    else:
        small.convert("RGB").save(out, format="JPEG", quality=85)
        ext = "jpg"
    return Rendition(out.getvalue(), ext, small.width, small.height)


def _blurhash(first: Image.Image) -> str:
    """Computed from a 32-pixel thumbnail: the hash only keeps 4x3 components, and
    the pure-Python encoder's cost grows with the pixels it is given."""
    thumb = first.convert("RGB")
    thumb.thumbnail((32, 32))
    width, height = thumb.size
    data = thumb.tobytes()  # RGB, row after row
    rows = [
        [list(data[3 * (y * width + x) : 3 * (y * width + x) + 3]) for x in range(width)]
        for y in range(height)
    ]
    return str(blurhash.encode(rows, components_x=4, components_y=3))
