"""Processing uploaded pictures: each accepted format, metadata stripped, EXIF
orientation honoured, sizes within Mastodon's limits, animated GIFs kept animated,
and every hostile file refused with a ValidationFailed (a 422), never a crash."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from roost.errors import ValidationFailed
from roost.media.images import MAX_PIXELS, process_image
from roost.media.processing import (
    MAX_OUTPUT_PIXELS,
    PREVIEW_PIXELS,
    check_upload,
    process_upload,
)
from tests.media.pictures import (
    animated_gif,
    photo_with_gps_rotated,
    picture,
    png_bomb,
    truncated,
)

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_accepted_format_is_processed(fmt: str) -> None:
    data = picture(fmt)
    assert check_upload(data, content_type=FORMATS[fmt], filename=None) == fmt
    processed = process_upload(data)
    assert (processed.original.width, processed.original.height) == (120, 80)
    with Image.open(io.BytesIO(processed.preview.data)) as preview:
        assert preview.size == (processed.preview.width, processed.preview.height)
    assert len(processed.blurhash) == 2 + 4 + 2 * (4 * 3 - 1) + 2 - 2  # 4x3 components: 28


def test_metadata_is_stripped_and_orientation_honoured() -> None:
    data = photo_with_gps_rotated()
    processed = process_upload(data)
    # Shown upright: the 120x80 photo turned a quarter becomes 80x120.
    assert (processed.original.width, processed.original.height) == (80, 120)
    with Image.open(io.BytesIO(processed.original.data)) as out:
        assert not out.getexif()  # no GPS, no camera, no orientation left
        assert "exif" not in out.info
    assert b"SpyCam" not in processed.original.data


def test_large_pictures_are_scaled_into_the_limits() -> None:
    processed = process_upload(picture("PNG", size=(4000, 3000)))
    assert processed.original.width * processed.original.height <= MAX_OUTPUT_PIXELS
    assert processed.original.width / processed.original.height == pytest.approx(4 / 3, 0.01)
    assert processed.preview.width * processed.preview.height <= PREVIEW_PIXELS


def test_animated_gif_stays_animated() -> None:
    processed = process_upload(animated_gif(frames=3))
    assert processed.original.ext == "gif"
    with Image.open(io.BytesIO(processed.original.data)) as out:
        assert getattr(out, "n_frames", 1) == 3


@pytest.mark.parametrize(
    ("data", "content_type", "filename"),
    [
        (b"not an image at all", "image/png", "x.png"),
        (truncated(picture("PNG")), "image/png", "x.png"),
        (b"", "image/png", "x.png"),
        (picture("BMP"), "image/bmp", "x.bmp"),  # a format Pillow reads but Roost does not
        (picture("TIFF"), None, "x.tiff"),
    ],
    ids=["garbage", "truncated", "empty", "bmp", "tiff"],
)
def test_broken_and_unaccepted_files_are_refused(
    data: bytes, content_type: str | None, filename: str
) -> None:
    with pytest.raises(ValidationFailed):
        check_upload(data, content_type=content_type, filename=filename)


def test_a_truncated_jpeg_past_its_header_fails_in_processing_not_with_a_crash() -> None:
    data = truncated(picture("JPEG", size=(400, 300)))
    try:
        check_upload(data, content_type="image/jpeg", filename="x.jpg")
    except ValidationFailed:
        return  # refused at once: fine too
    with pytest.raises(ValidationFailed):
        process_upload(data)


def test_a_file_claiming_one_format_and_being_another_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="claims to be JPEG but is PNG"):
        check_upload(picture("PNG"), content_type="image/jpeg", filename="photo.jpg")
    with pytest.raises(ValidationFailed, match="claims to be GIF"):
        check_upload(picture("WEBP"), content_type=None, filename="cat.gif")


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    bomb = png_bomb()
    assert len(bomb) < 1_000_000
    with pytest.raises(ValidationFailed, match="too many pixels"):
        check_upload(bomb, content_type="image/png", filename="bomb.png")
    with pytest.raises(ValidationFailed):
        process_upload(bomb)


def test_an_animation_with_too_many_large_frames_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="animation is too large"):
        check_upload(
            animated_gif(frames=21, size=(1400, 1400)), content_type="image/gif", filename=None
        )


def test_avatars_share_the_pixel_limit_and_the_format_restriction() -> None:
    side = int(MAX_PIXELS**0.5) + 10
    with pytest.raises(ValidationFailed, match="too many pixels"):
        process_image(png_bomb(side, side), field="avatar", size=(400, 400), crop=True)
    with pytest.raises(ValidationFailed):
        process_image(picture("BMP"), field="avatar", size=(400, 400), crop=True)
