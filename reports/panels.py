"""The dashboard on staff home pages (first thing for a leader; for a teacher, after their
classes, which they come to every day), reports waiting for whānau and students, and the
reports button on a student's page."""

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerships.access import students_managed_by
from partnerships.pages import HOME, STUDENT_LINKS
from reports.access import reports_to_reflect_on, reports_visible_to
from reports.filters import scope_for
from reports.views import dashboard_context


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


@HOME.register("reports_waiting", template="reports/panels/reports_waiting.html", order=12)
def reports_waiting(request, roles) -> dict | None:
    """Whānau and students: a reflection to write, a report gone home, the family's part."""
    if not (roles.is_whanau or roles.is_student):
        return None
    reflect = list(reports_to_reflect_on(request.user).select_related("round"))
    family = list(
        reports_visible_to(request.user)
        .filter(published_version__gt=0, home_help="")
        .exclude(student__in=students_managed_by(request.user))
        .select_related("round", "student")
        .order_by("-round__due_on", "-pk")[:5]
    )
    if not (reflect or family):
        return None
    return {"reflect": reflect, "family": family}


@STUDENT_LINKS.register("reports", order=50)
def reports_link(request, student, relation) -> dict:
    return {"url": reverse("student_reports", args=[student.pk]), "label": _("Reports")}
