"""Uploads: checked on the way in (size, real type, photo metadata), served privately out.

Files reach people only through views that apply the access rules.
"""

import io
import warnings

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

PHOTO = "photo"
PDF = "pdf"

# What each accepted file starts with. The browser's word for the type is not trusted.
FILE_SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", PHOTO),
    (b"\x89PNG\r\n\x1a\n", "image/png", PHOTO),
    (b"GIF87a", "image/gif", PHOTO),
    (b"GIF89a", "image/gif", PHOTO),
    (b"%PDF-", "application/pdf", PDF),
]


def _sniff(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, kind in FILE_SIGNATURES:
        if head.startswith(signature):
            return content_type, kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", PHOTO
    return None


# A photo of more pixels than this is refused from its header, before it is decoded: a PNG
# of a few kilobytes can declare 90 megapixels, hundreds of megabytes once unpacked. Phones
# take 12 to 24 megapixels; a photo under the limit decodes to at most 160 MB (4 bytes a pixel).
MAX_PIXELS = 40_000_000
# Pillow then refuses on its own too, for any image this process opens: it warns (an error
# below) past the limit, and raises DecompressionBombError past twice the limit.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}


def _too_large() -> forms.ValidationError:
    return forms.ValidationError(
        _("That photo is too large for us to take: please send one under %(limit)s megapixels."),
        params={"limit": MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def _without_metadata(upload, content_type: str) -> ContentFile:
    """Re-encode a photo: upright, and without EXIF data such as where it was taken.

    Its size is read from its header first (``Image.open`` decodes nothing yet): too many
    pixels, and it is refused before a byte of it is unpacked.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _too_large()
                image.load()
                upright = ImageOps.exif_transpose(image)
                if content_type == "image/jpeg" and upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                out = io.BytesIO()
                upright.save(out, format=PILLOW_FORMATS[content_type], quality=88)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_large() from error
    except (OSError, ValueError) as error:
        raise forms.ValidationError(
            _("We couldn’t read that photo. Try taking it again or saving it as a JPEG.")
        ) from error
    return ContentFile(out.getvalue(), name=upload.name)


def checked_upload(upload, *, photos_only: bool = False):
    """A size- and type-checked upload (photos re-encoded without EXIF), or a ValidationError.

    Sets ``checked_content_type`` and ``file_kind`` on the returned file.
    """
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise forms.ValidationError(
            _("That file is %(size)s MB; the limit is %(limit)s MB. Try a smaller photo."),
            params={
                "size": round(upload.size / 1_000_000, 1),
                "limit": settings.EVIDENCE_MAX_BYTES // 1_000_000,
            },
        )
    head = upload.read(16)
    upload.seek(0)
    sniffed = _sniff(head)
    if sniffed is None or (photos_only and sniffed[1] != PHOTO):
        if photos_only:
            raise forms.ValidationError(_("Only photos (JPEG, PNG, GIF, WebP) can be added."))
        raise forms.ValidationError(_("Only photos (JPEG, PNG, GIF, WebP) and PDFs can be added."))
    content_type, kind = sniffed
    if kind == PHOTO:
        upload = _without_metadata(upload, content_type)
    upload.checked_content_type, upload.file_kind = content_type, kind
    return upload


def private_file_response(
    field_file, *, content_type: str, filename: str = "", as_attachment: bool = False
) -> FileResponse:
    """Stream a stored upload privately: no public URL, never run as a page of its own."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        content_type=content_type or "application/octet-stream",
        as_attachment=as_attachment,
        filename=filename,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, max-age=3600"
    return response
