"""The written-reports figure: reports that went home in the period, those the no-surprises
check is holding now, and how many families have written their part ("how you can help at
home"). Two queries, however many reports: one aggregate over the scope's reports, and the
school's recent rounds.

A report counts in the period it first went home (its version 1): a correction sent later is
the same report, not another one.
"""

import datetime

from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnerships.models import Voice
from reports.figure import Figure, Point, in_period, percent, scale, share
from reports.filters import Scope
from reports.models import Report
from reports.tables import Cell, Table

# Rounds shown in the figure's table: the newest few due in the year before the period ends.
ROUNDS_SHOWN = 4
ROUNDS_SINCE = datetime.timedelta(days=365)

# Whānau or the student wrote "how you can help at home" (only they may).
FAMILY_PART = Q(home_help_voice__in=[Voice.WHANAU, Voice.STUDENT]) & ~Q(home_help="")
# The check held it the last time someone tried to publish it, and it has not gone since.
HELD = Q(held_at__isnull=False) & ~Q(status=Report.Status.PUBLISHED)


def school_reports(scope: Scope) -> QuerySet[Report]:
    """The reports of the school's rounds, for any student: callers narrow to the scope's."""
    return Report.objects.filter(round__school=scope.school)


def first_sent_in(period) -> Q:
    """A report whose version 1 went home in ``period`` (with ``first`` joined)."""
    return in_period(period, "first__published_at")


def _with_first(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Each report with its first version joined (one row or none: a version number is once)."""
    return reports.annotate(first=FilteredRelation("versions", condition=Q(versions__number=1)))


def held_reports(scope: Scope) -> QuerySet[Report]:
    """Reports the no-surprises check is holding now."""
    return school_reports(scope).filter(HELD)


def sent_without_family_part(scope: Scope) -> QuerySet[Report]:
    """Reports that first went home in the period, with nothing from the family yet."""
    return (
        _with_first(school_reports(scope)).filter(first_sent_in(scope.period)).exclude(FAMILY_PART)
    )


def written_reports(scope: Scope) -> Figure:
    """Sent home, held by the check, and the family's part written. Two queries: the scope's
    reports in one aggregate (this period, each term, held now), and the recent rounds."""
    mine = school_reports(scope).filter(student__in=scope.students.values("pk"))
    sent = first_sent_in(scope.period)
    counts = _with_first(mine).aggregate(
        sent=Count("pk", filter=sent),
        family=Count("pk", filter=sent & FAMILY_PART),
        held=Count("pk", filter=HELD),
        held_students=Count("student", filter=HELD, distinct=True),
        waiting_students=Count("student", filter=sent & ~FAMILY_PART, distinct=True),
        **{
            f"sent{n}": Count("pk", filter=first_sent_in(period))
            for n, period in enumerate(scope.trends, start=1)
        },
    )
    total, family, held = counts["sent"], counts["family"], counts["held"]
    table = Table(
        key="reports",
        caption=_("Written reports in this period"),
        headers=[_("Reports"), _("Number"), _("Share of those sent home")],
    )
    table.add(_("Sent home for the first time"), Cell(str(total), number=True), "")
    table.add(
        _("With “how you can help at home” from whānau or the student"),
        Cell(str(family), number=True),
        Cell(percent(share(family, total)), number=True),
    )
    table.add(
        _("Without the family’s part yet"),
        Cell(str(total - family), number=True),
        Cell(percent(share(total - family, total)), number=True),
    )
    table.add(_("Held by the no-surprises check now"), Cell(str(held), number=True), "")
    trend = [
        Point(period.label, None, str(counts[f"sent{n}"]))
        for n, period in enumerate(scope.trends, start=1)
    ]
    scale(trend)
    if total:
        explanation = ngettext(
            "%(sent)s report went home for the first time in this period; whānau or the "
            "student wrote “how you can help at home” on %(family)s of %(sent)s.",
            "%(sent)s reports went home for the first time in this period; whānau or the "
            "student wrote “how you can help at home” on %(family)s of %(sent)s.",
            total,
        ) % {"sent": total, "family": family}
    else:
        explanation = _("No reports went home for the first time in this period.")
    if held:
        explanation += " " + ngettext(
            "%(held)s report is held by the no-surprises check now, until its concerns are "
            "talked through with whānau.",
            "%(held)s reports are held by the no-surprises check now, until their concerns are "
            "talked through with whānau.",
            held,
        ) % {"held": held}
    return Figure(
        key="reports",
        title=_("Written reports"),
        headline=str(total),
        explanation=explanation,
        trend_caption=_("Reports sent home for the first time, by term"),
        trend=trend,
        tables=[table, _rounds_table(scope, mine)],
        drill=[
            ("reports_held", _("Held by the no-surprises check"), counts["held_students"]),
            (
                "reports_without_home_help",
                _("Sent home in this period without the family’s part yet"),
                counts["waiting_students"],
            ),
        ],
    )


def _rounds_table(scope: Scope, mine: QuerySet[Report]) -> Table:
    """The newest rounds, whatever the period: how far each has gone home. One query."""
    gone = Q(published_version__gt=0)
    rounds = (
        mine.filter(round__due_on__gt=scope.period.last - ROUNDS_SINCE)
        .order_by()
        .values("round", "round__name", "round__due_on")
        .annotate(
            reports=Count("pk"),
            gone=Count("pk", filter=gone),
            family=Count("pk", filter=gone & FAMILY_PART),
            held=Count("pk", filter=HELD),
        )
        .order_by("-round__due_on", "-round")[:ROUNDS_SHOWN]
    )
    table = Table(
        key="report_rounds",
        caption=_("Recent rounds of reports, whatever the period"),
        headers=[
            _("Round"),
            _("Reports"),
            _("Sent home"),
            _("With the family’s part"),
            _("Held now"),
        ],
        empty=_("No reports in a round this past year."),
    )
    for row in rounds:
        table.add(
            Cell(row["round__name"], url=reverse("report_round_detail", args=[row["round"]])),
            Cell(str(row["reports"]), number=True),
            Cell(str(row["gone"]), number=True),
            Cell(percent(share(row["family"], row["gone"])), number=True),
            Cell(str(row["held"]), number=True),
        )
    return table
