"""The partnership dashboard for leaders (their school) and teachers (their classes), the
students behind each figure, and every table as a CSV file."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from partnerships.roles import staff_only
from reports import cache
from reports.drilldown import DRILLS, students_for, worklist
from reports.figures import all_figures, figure_with_table
from reports.filters import Scope, scope_for
from reports.tables import csv_response

WORKLIST_ON_DASHBOARD = 10
PER_PAGE = 50


def dashboard_context(request, scope: Scope) -> dict:
    """What the dashboard shows, for the page and for the home page's panel."""
    return {"scope": scope, **cache.remembered(request, scope, _counted)}


def _counted(scope: Scope) -> dict:
    """Every figure and the top of the not-reached worklist, counted now, and their markup
    (kept with them: drawing them costs as much again as a visit that finds them kept)."""
    not_reached = Paginator(students_for(scope, "not_reached"), WORKLIST_ON_DASHBOARD).page(1)
    keep = f"{scope.query}&" if scope.query else ""
    counted = {
        "figures": all_figures(scope),
        "not_reached": worklist(
            not_reached, key="not_reached", caption=str(DRILLS["not_reached"].title)
        ),
        "not_reached_count": not_reached.paginator.count,
        "counted_at": timezone.now(),
        "export_base": f"{reverse('dashboard')}?{keep}",
        "drill_base": f"{reverse('dashboard_students')}?{keep}",
        "scope": scope,
    }
    counted["figures_html"] = render_to_string("reports/includes/figures.html", counted)
    del counted["scope"]  # the request's own, with its form, is used beside what is kept
    return counted


def _export_name(scope: Scope, what: str) -> str:
    return f"{scope.school.name} {what} {scope.period.first} {scope.period.last}"


def _download(scope: Scope, key: str):
    """One table as a CSV file, counted now: only the figure that holds it, or the whole
    not-reached list. None when no table has that name."""
    if key == "not_reached":
        title = str(DRILLS[key].title)
        return csv_response(
            worklist(students_for(scope, key), key=key, caption=title),
            filename=_export_name(scope, key),
        )
    figure = figure_with_table(scope, key)
    if figure is None:
        return None
    (table,) = [table for table in figure.tables if table.key == key]
    return csv_response(table, filename=_export_name(scope, key))


@require_safe
@staff_only
def dashboard(request):
    """Is the school listening, or only telling? Every figure, filtered, with its trend."""
    scope = scope_for(request, request.GET)
    export = request.GET.get("export")
    if export and scope.errors:
        # A file of the unfiltered figures would look like the filtered ones: say so instead.
        scope.errors.append(_("Nothing was downloaded: put the filters right and try again."))
    elif export:
        if (download := _download(scope, export)) is not None:
            return download
        scope.errors.append(_("There is no table called that to download."))
    return render(request, "reports/dashboard.html", dashboard_context(request, scope))


@require_safe
@staff_only
def dashboard_students(request):
    """The students behind one figure, a page at a time, or all of them as a CSV file."""
    scope = scope_for(request, request.GET)
    key = request.GET.get("figure", "")
    if key not in DRILLS:
        scope.errors.append(_("We don’t know that figure, so here are the families not reached."))
        key = "not_reached"
    title = str(DRILLS[key].title)
    if request.GET.get("export") == "csv" and scope.errors:
        scope.errors.append(_("Nothing was downloaded: put the filters right and try again."))
    elif request.GET.get("export") == "csv":
        students = students_for(scope, key)
        return csv_response(
            worklist(students, key=key, caption=title), filename=_export_name(scope, key)
        )
    page_number = request.GET.get("page", "")

    def listed(scope: Scope) -> dict:
        page = Paginator(students_for(scope, key), PER_PAGE).get_page(page_number)
        context = {"scope": scope, "key": key, "page": page}
        context["table"] = worklist(page, key=key, caption=title)
        context["list_html"] = render_to_string("reports/includes/drill_list.html", context)
        return context

    kept = cache.remembered(
        request, scope, listed, part=f"{key}:{page_number}", kept=("list_html",)
    )
    return render(
        request,
        "reports/dashboard_students.html",
        {**kept, "scope": scope, "key": key, "title": title},
    )
