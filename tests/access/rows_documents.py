"""Rows for a report as a family keeps it (reports/documents.py): the print view, the PDF and
a version. Once the report has gone home, its teachers and leaders, whānau with access and
the student see it; nobody else learns it exists. Each only shows; a view is audited."""

from django.urls import reverse

from tests.access.outcomes import GET_ONLY, PAGE, SEES_STUDENT, Row, only

ROWS = {
    "report_print": Row(
        url=lambda t: reverse("report_print", args=[t.published_report.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    "report_pdf": Row(
        url=lambda t: reverse("report_pdf", args=[t.published_report.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    "report_version": Row(
        url=lambda t: reverse("report_version", args=[t.published_report.pk, 1]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
}
