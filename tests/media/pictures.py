"""Pictures for the media tests, made here in memory: every accepted format, an
animated GIF, a photo with EXIF (GPS and a rotation), and hostile files."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def picture(fmt: str, size: tuple[int, int] = (120, 80), **options: object) -> bytes:
    image = Image.new("RGB", size, (200, 40, 30))
    image.paste((20, 40, 220), (0, 0, size[0] // 2, size[1]))  # a left half of another colour
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def animated_gif(frames: int = 3, size: tuple[int, int] = (40, 30)) -> bytes:
    images = [Image.new("RGB", size, ((37 * i) % 256, 40, 80)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=80, loop=0)
    return out.getvalue()


def photo_with_gps_rotated() -> bytes:
    """A 120x80 JPEG whose EXIF says "rotate 90°" (orientation 6) and holds a GPS position."""
    image = Image.new("RGB", (120, 80), (10, 200, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show
    exif[0x010F] = "SpyCam"  # make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (48.0, 51.0, 29.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A small PNG whose header claims ``width`` x ``height`` pixels (3.6 GP): decoding
    it would take gigabytes. Only the header is true; nothing should ever decode it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * (1 + width // 8) * 64, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]
