"""Metadata stripping: nothing that says where, when or with what a picture was taken."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image, PngImagePlugin

from turnout.export import CannotClean, clean_image, is_image

SECRET_PLACE = (45.0, 16.0, 30.0)


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "CanonSecretMake"
    exif[ExifTags.Base.Model] = "ModelX-12345"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Artist] = "Ana Activist"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = SECRET_PLACE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = SECRET_PLACE
    return exif


def jpeg_with_gps(orientation: int = 1) -> bytes:
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=gps_exif(orientation).tobytes(),
        icc_profile=b"ICC-PROFILE-FROM-PHONE",
        comment=b"shot by Ana",
    )
    return out.getvalue()


def assert_clean(data: bytes) -> Image.Image:
    secrets = [b"Exif", b"CanonSecretMake", b"ModelX", b"Ana Activist", b"ICC-PROFILE"]
    secrets += [b"shot by Ana", b"GPS", b"tEXt", b"iTXt", b"eXIf", b"http://ns.adobe.com"]
    for secret in secrets:
        assert secret not in data, secret
    image = Image.open(io.BytesIO(data))
    assert not image.getexif()
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)
    return image


def test_a_jpeg_loses_gps_camera_author_and_profile() -> None:
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    cleaned, extension, mime = clean_image(original)
    image = assert_clean(cleaned)
    assert (extension, mime, image.format, image.size) == ("jpg", "image/jpeg", "JPEG", (40, 20))


def test_the_orientation_is_applied_before_it_is_dropped() -> None:
    cleaned, _, _ = clean_image(jpeg_with_gps(orientation=6))  # "rotate 90°" on the phone
    assert assert_clean(cleaned).size == (20, 40)


def test_a_png_loses_its_text_chunks_and_exif() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Ana Activist")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta xmlns:x='http://ns.adobe.com'/>")
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 128)).save(
        out, "PNG", pnginfo=info, exif=gps_exif().tobytes()
    )
    assert b"Ana Activist" in out.getvalue()
    cleaned, extension, _ = clean_image(out.getvalue())
    image = assert_clean(cleaned)
    assert (extension, image.mode) == ("png", "RGBA")


def test_a_palette_gif_becomes_a_clean_png() -> None:
    out = io.BytesIO()
    Image.new("P", (8, 8), 3).save(out, "GIF", comment=b"shot by Ana")
    cleaned, extension, mime = clean_image(out.getvalue())
    assert (extension, mime) == ("png", "image/png")
    assert_clean(cleaned)


@pytest.mark.parametrize(
    "data",
    [
        # A HEIC file's opening: Pillow cannot decode it here, so it must not pass through.
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
        b"\x00\x00\x00\x20ftypmp42" + b"\x00" * 64,  # a video sent as a file
        b"",
        b"not an image at all",
        jpeg_with_gps()[:200],  # cut short in transfer
    ],
    ids=["heic", "mp4", "empty", "text", "truncated"],
)
def test_what_cannot_be_decoded_is_refused_not_passed_through(data: bytes) -> None:
    with pytest.raises(CannotClean):
        clean_image(data)


def test_documents_that_are_pictures() -> None:
    assert is_image("image/jpeg")
    assert is_image(None, "IMG_0001.HEIC")
    assert not is_image("video/mp4", "clip.jpg")
    assert not is_image(None, "minutes.pdf")


def test_a_phone_jpeg_with_a_second_image_stays_a_jpeg() -> None:
    out = io.BytesIO()
    main, depth = Image.new("RGB", (30, 20), (10, 20, 30)), Image.new("RGB", (30, 20), (0, 0, 0))
    main.save(out, "MPO", save_all=True, append_images=[depth], exif=gps_exif().tobytes())
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    cleaned, extension, mime = clean_image(out.getvalue())
    assert (extension, mime, assert_clean(cleaned).format) == ("jpg", "image/jpeg", "JPEG")


def test_for_a_channel_a_picture_is_scaled_down_and_becomes_a_jpeg() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (3000, 1000), (0, 0, 0, 0)).save(out, "PNG", exif=gps_exif().tobytes())
    cleaned, extension, _ = clean_image(out.getvalue(), max_side=1500)
    image = assert_clean(cleaned)
    assert (extension, image.format, image.mode, image.size) == ("jpg", "JPEG", "RGB", (1500, 500))
    assert image.getpixel((0, 0)) == (255, 255, 255)  # transparency on white


def test_a_broken_png_is_refused() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "PNG")
    data = bytearray(out.getvalue())
    data[20:24] = b"\xff\xff\xff\xff"  # the header chunk's width: absurd
    with pytest.raises(CannotClean):
        clean_image(bytes(data))


def test_a_video_that_says_where_it_was_filmed() -> None:
    from turnout.export import video_has_location

    assert video_has_location(
        b"\x00\x00\x00\x1cftypmp42" + b"udta\x00\x00\x00\x1c\xa9xyz+45.26+019.83/"
    )
    assert video_has_location(b"...mdta com.apple.quicktime.location.ISO6709 ...")
    assert not video_has_location(b"\x00\x00\x00\x1cftypmp42" + bytes(200))
