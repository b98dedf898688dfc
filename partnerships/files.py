"""Uploaded files reach people only through views that apply the access rules."""

from django.http import FileResponse, Http404


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
