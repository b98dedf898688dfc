"""Exports' pages: the download, for the person an export is for, and a leader's export of
their whole school.

Anyone but an export's recipient gets a 404 for its download, whoever they are: nobody learns
an export exists for someone else. An expired or failed export says so plainly.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRefresh

from partnerships.models import PrivacyExport
from partnerships.privacy import crypto
from partnerships.privacy.exports import (
    export_download,
    export_school,
    exports_for,
    is_downloadable,
)
from partnerships.roles import leader_only, request_roles
from partnerships.submissions import once_per_form

Status = PrivacyExport.Status


def _filename(export: PrivacyExport) -> str:
    """``kowhai-school-information-2026-12-01.zip``: ASCII, nobody's name in it."""
    what = "school-data" if export.request_id is None else "information"
    built = timezone.localtime(export.built_at, export.school.zone).date()
    return f"{slugify(export.school.name) or 'school'}-{what}-{built.isoformat()}.zip"


@require_safe
@login_required
def privacy_export_download(request, pk: int):
    """The zip, decrypted as it is sent, as an attachment; counted and audited."""
    export = get_object_or_404(exports_for(request.user).select_related("school"), pk=pk)
    if not is_downloadable(export):
        return _gone(request, export)
    try:
        body = export_download(actor=request.user, export=export)
    except (crypto.ExportUnreadableError, OSError):
        return _gone(request, export, unreadable=True)
    response = StreamingHttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_filename(export)
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _gone(request, export: PrivacyExport, *, unreadable: bool = False):
    return render(
        request,
        "partnerships/privacy/export_gone.html",
        {
            "export": export,
            "waiting": export.status == Status.QUEUED,
            "unreadable": unreadable or export.status == Status.FAILED,
        },
        status=410 if export.status != Status.QUEUED else 200,
    )


@leader_only
@require_http_methods(["GET", "POST"])
@once_per_form
def privacy_school_export(request):
    """What a school export holds, a button to make one, and the latest one: being prepared
    (the page asks again each few seconds), or ready to download until it expires."""
    school = request_roles(request).led_school
    if request.method == "POST":
        asked_at = timezone.now()
        export = export_school(actor=request.user, school=school)
        if export.created_at < asked_at:
            messages.info(request, _("Your school’s export is already being prepared."))
        else:
            messages.success(
                request,
                _("Your school’s export is being prepared. This page shows when it’s ready."),
            )
        return redirect("privacy_school_export")
    latest = (
        PrivacyExport.objects.filter(school=school, request__isnull=True)
        .select_related("recipient")
        .order_by("-created_at", "-pk")
        .first()
    )
    waiting = latest is not None and latest.status == Status.QUEUED
    if request.htmx and not waiting:
        return HttpResponseClientRefresh()
    context = {
        "school": school,
        "latest": latest,
        "waiting": waiting,
        "ready": latest is not None and is_downloadable(latest),
        "mine": latest is not None and latest.recipient_id == request.user.pk,
    }
    template = "partnerships/privacy/export_school.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, context)
