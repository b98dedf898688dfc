"""The dashboard on a leader's and a teacher's home page."""

from django.http import QueryDict

from partnerships.pages import HOME
from reports.views import dashboard_context


@HOME.register("dashboard", template="reports/panels/dashboard.html", order=10)
def dashboard(request, roles) -> dict | None:
    if not roles.is_staff:
        return None
    return dashboard_context(request, QueryDict())
