"""The dashboard on staff home pages: first thing for a leader; for a teacher, after their
classes, which they come to every day."""

from django.http import QueryDict

from partnerships.pages import HOME
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
