"""The dashboard on staff home pages (first thing for a leader; for a teacher, after their
classes, which they come to every day), what reports have waiting for whānau and students (a
reflection to write, the family's part of a report gone home), and the reports button on a
student's page."""

from django.db.models import Min
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerships.access import students_managed_by
from partnerships.pages import HOME, STUDENT_LINKS, WAITING, Waiting
from reports.access import reports_to_reflect_on, reports_visible_to
from reports.filters import scope_for
from reports.models import Report
from reports.views import dashboard_context

SHOWN = 5  # reports gone home waiting for the family's part: the latest few


@HOME.register("school_dashboard", template="reports/panels/dashboard.html", order=10)
def school_dashboard(request, roles) -> dict | None:
    if not roles.is_leader:
        return None
    return dashboard_context(request, scope_for(request, QueryDict()))


@HOME.register("class_dashboard", template="reports/panels/dashboard.html", order=50)
def class_dashboard(request, roles) -> dict | None:
    if roles.is_leader or not roles.is_staff:
        return None
    return dashboard_context(request, scope_for(request, QueryDict()))


@WAITING.register("report_reflection", order=50)
def report_reflection(request, roles) -> list[Waiting] | None:
    """The student: each report of theirs waiting for their reflection. One query."""
    if not roles.is_student:
        return None
    reports = (
        reports_to_reflect_on(request.user)
        .filter(status=Report.Status.REFLECTION)
        .select_related("round")
        .order_by("updated_at", "pk")
    )
    return [
        Waiting(
            student_id=report.student_id,
            sentence=_("Write your reflection for %(round)s") % {"round": report.round.name},
            url=reverse("report_reflection", args=[report.pk]),
            action=_("Write"),
            at=report.updated_at,
        )
        for report in reports
    ]


@WAITING.register("report_home_help", order=55)
def report_home_help(request, roles) -> list[Waiting] | None:
    """Whānau and the student: reports gone home whose “how you can help at home” nobody
    has written yet (not those of a teacher's own students). One query."""
    if not (roles.is_whanau or roles.is_student):
        return None
    reports = (
        reports_visible_to(request.user)
        .filter(published_version__gt=0, home_help="")
        .exclude(student__in=students_managed_by(request.user))
        .annotate(sent_at=Min("versions__published_at"))
        .select_related("round", "student")
        .order_by("-round__due_on", "-pk")[:SHOWN]
    )
    waiting = []
    for report in reports:
        if report.student.user_id == request.user.pk:
            sentence = _(
                "Your report is here (%(round)s): write “how you can help at home” with your whānau"
            ) % {"round": report.round.name}
        else:
            sentence = _(
                "%(name)s’s report is here (%(round)s): read it, and write “how you can help "
                "at home” together"
            ) % {"name": report.student.display_name, "round": report.round.name}
        waiting.append(
            Waiting(
                student_id=report.student_id,
                sentence=sentence,
                url=reverse("report_detail", args=[report.pk]) + "#home",
                action=_("Read and write"),
                at=report.sent_at,
            )
        )
    return waiting


@STUDENT_LINKS.register("reports", order=50)
def reports_link(request, student, relation) -> dict:
    return {"url": reverse("student_reports", args=[student.pk]), "label": _("Reports")}
