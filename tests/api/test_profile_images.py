"""Profile images over HTTP: every image Pillow can open is either accepted or
refused with a 422, as avatar and as header, never a 500."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image
from starlette.testclient import TestClient

from tests.api.conftest import Tokens


def _save(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _palette_with_transparency() -> bytes:
    image = Image.new("P", (16, 16), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] * 128)
    return _save(image, "PNG", transparency=0)


def _animated_gif() -> bytes:
    frames = [Image.new("P", (40, 30), i) for i in range(3)]
    return _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)


IMAGES: dict[str, Callable[[], bytes]] = {
    "1x1 png": lambda: _save(Image.new("RGB", (1, 1), (1, 2, 3)), "PNG"),
    "1x1 gif": lambda: _save(Image.new("P", (1, 1)), "GIF"),
    "very wide": lambda: _save(Image.new("RGB", (5000, 1)), "PNG"),
    "very tall": lambda: _save(Image.new("RGB", (1, 5000)), "PNG"),
    "wide 3x2": lambda: _save(Image.new("RGB", (3, 2)), "PNG"),
    "palette": lambda: _save(Image.new("P", (20, 20), 3), "PNG"),
    "palette with transparency": _palette_with_transparency,
    "alpha": lambda: _save(Image.new("RGBA", (30, 20), (1, 2, 3, 100)), "PNG"),
    "grey with alpha": lambda: _save(Image.new("LA", (30, 20), (9, 100)), "PNG"),
    "bilevel": lambda: _save(Image.new("1", (30, 20), 1), "PNG"),
    "grey": lambda: _save(Image.new("L", (30, 20), 9), "PNG"),
    "16-bit grey": lambda: _save(Image.new("I;16", (30, 20), 40000), "PNG"),
    "16-bit grey, tall": lambda: _save(Image.new("I;16", (2, 900), 300), "PNG"),
    "cmyk jpeg": lambda: _save(Image.new("CMYK", (30, 20), (10, 20, 30, 40)), "JPEG"),
    "grey jpeg": lambda: _save(Image.new("L", (30, 20), 50), "JPEG"),
    "animated gif": _animated_gif,
    "webp with alpha": lambda: _save(Image.new("RGBA", (30, 20), (1, 2, 3, 4)), "WEBP"),
    "tiff": lambda: _save(Image.new("RGB", (30, 20)), "TIFF"),
    "bmp": lambda: _save(Image.new("RGB", (30, 20)), "BMP"),
}


@pytest.mark.parametrize("name", sorted(IMAGES))
def test_any_image_as_avatar_or_header_is_accepted_or_422(
    client: TestClient, tokens: Tokens, name: str
) -> None:
    data = IMAGES[name]()
    for field in ("avatar", "header"):
        response = client.patch(
            "/api/v1/accounts/update_credentials",
            files={field: (f"image.{name}", data, "application/octet-stream")},
            headers=tokens.auth("alice"),
        )
        assert response.status_code in (200, 422), (field, response.text)
        if response.status_code == 422:
            assert field in response.json()["details"]
            assert name in ("tiff", "bmp"), f"{name} refused as {field}: {response.text}"
        else:
            assert response.json()[field].startswith("http://roost.test/media/")
