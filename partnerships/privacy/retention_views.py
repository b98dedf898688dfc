"""The leaders' retention page: the school's periods, what goes tonight, what falls due in the
next days (with the first few names), what waits for an open privacy request, and the last
runs (counts only)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from partnerships.privacy import retention
from partnerships.roles import leader_only, request_roles


@require_safe
@leader_only
def privacy_retention(request):
    school = request_roles(request).led_school
    preview = retention.retention_preview(school, today=retention.local_today(school))
    return render(
        request,
        "partnerships/privacy/retention.html",
        {
            "school": school,
            "policy": preview.policy,
            "preview": preview,
            "tonight": [_row(due) for due in preview.tonight],
            "coming": [_row(due) for due in preview.coming],
            "waiting": [_row(due) for due in preview.waiting],
            "days": retention.PREVIEW_DAYS,
            "import_years": retention.IMPORT_YEARS,
            "grace_days": retention.GRACE.days,
            "runs": list(retention.last_runs(school)),
        },
    )


def _row(due) -> dict:
    """A ``Due`` as the page shows it, with how many it does not name."""
    return {
        "what": due.what,
        "count": due.count,
        "on": due.on,
        "names": due.names,
        "more": due.count - len(due.names),
    }
