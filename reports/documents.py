"""A published report as a family keeps it: the print view, the PDF, and earlier versions.

Each shows a version as it went home, from its frozen content, with the fixed words in the
reader's language. "How you can help at home" is the family's and is not versioned: it is
read from the report as it stands, or left as ruled lines to write on by hand. Before the
first version, the student's teachers and leaders may print a preview of the draft, marked
as one; nobody else learns the report exists.
"""

import datetime
import io
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from partnerships import audit, pdf
from reports import content
from reports.access import reports_managed_by, reports_visible_to
from reports.models import Report, ReportVersion

DOCUMENT = "reports/document.html"
RULED_LINES = range(8)  # for "how you can help at home" written by hand

logger = logging.getLogger(__name__)


def _report(request, pk: int) -> Report:
    """The report if the user may see it (``managed``: they are its teachers or leaders)."""
    managed = reports_managed_by(request.user).filter(pk=OuterRef("pk"))
    return get_object_or_404(
        reports_visible_to(request.user)
        .select_related("round__school", "student__classroom", "home_help_by")
        .annotate(managed=Exists(managed)),
        pk=pk,
    )


def _viewed(request, report: Report, summary: str) -> None:
    audit.viewed(request, student=report.student, obj=report, what=summary)


def _context(report: Report, data: dict, **extra) -> dict:
    shown = content.present(data)
    shown["period_starts_on"] = datetime.date.fromisoformat(data["period_starts_on"])
    return {
        "report": report,
        "shown": shown,
        "sections": {name: str(label) for name, label in content.SECTIONS.items()},
        "ruled_lines": RULED_LINES,
        "version": None,
        "draft": False,
        "replaced_by": None,
        "for_pdf": False,
    } | extra


@require_safe
@login_required
def report_print(request, pk: int):
    """The version whānau have, to print; for staff before it first goes home, the draft."""
    report = _report(request, pk)
    if report.is_published:
        version = report.versions.get(number=report.published_version)
        context = _context(report, version.content, version=version)
    else:  # only its teachers and leaders may see a report that has not gone home
        context = _context(report, content.snapshot(report), draft=True)
    _viewed(request, report, _("The report, to print"))
    return render(request, DOCUMENT, context)


@require_safe
@login_required
def report_pdf(request, pk: int):
    """The version whānau have, as a PDF to download (a correction underway is not in it)."""
    report = _report(request, pk)
    if not report.is_published:
        messages.info(request, _("There is no PDF until the report has gone home."))
        return redirect(report)
    if not pdf.pdf_available():
        return _how_to_print(request, report)
    version = report.versions.get(number=report.published_version)
    context = _context(report, version.content, version=version, for_pdf=True)
    html = render_to_string(DOCUMENT, context, request=request)
    try:
        document = pdf.render_pdf(html, base_url=request.build_absolute_uri("/"))
    except Exception:  # a family still gets their report: the browser prints it
        logger.exception("could not make the PDF of report %s", report.pk)
        return _how_to_print(request, report)
    _viewed(request, report, _("The report, as a PDF"))
    response = FileResponse(
        io.BytesIO(document),
        as_attachment=True,
        filename=pdf_filename(version),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-cache"
    return response


def _how_to_print(request, report: Report):
    """Where no PDF can be made here: how to save one from the print view instead."""
    return render(request, "reports/document/pdf_unavailable.html", {"report": report})


def pdf_filename(version: ReportVersion) -> str:
    """``aroha-ngata-mid-year-2026.pdf``: ASCII, from the student and the round."""
    data = version.content
    name = slugify(f"{data['student']['name']} {data['round']}") or "report"
    if version.number > 1:
        name += f"-v{version.number}"
    return f"{name}.pdf"


@require_safe
@login_required
def report_version(request, pk: int, number: int):
    """A version that went home; an earlier one says when it was replaced, and what changed."""
    report = _report(request, pk)
    if not 0 < number <= report.published_version:
        raise Http404
    versions = {
        each.number: each for each in report.versions.filter(number__in=[number, number + 1])
    }
    if number not in versions:
        raise Http404
    version, replaced_by = versions[number], versions.get(number + 1)
    context = _context(
        report,
        version.content,
        version=version,
        replaced_by=replaced_by,
        changed=content.section_labels(replaced_by.changed) if replaced_by else [],
    )
    _viewed(request, report, _("Version %(number)d of the report") % {"number": number})
    return render(request, DOCUMENT, context)
