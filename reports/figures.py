"""The partnership figures, each counted in SQL for the scope's students and period, with its
trend over the last terms. Each function makes a fixed number of queries (its docstring says
how many), whatever the number of students: Python only lays out the few rows SQL returns.
"""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learners.inquiry import inquiry_summary
from learners.models import Goal, GoalAgreement
from partnerships.models import Classroom, Voice
from reports.contact import took_part_counts, voice_sources
from reports.conversation_figures import conversations, weekly_updates
from reports.figure import Figure, Point, in_period, percent, share
from reports.filters import Scope
from reports.report_figures import written_reports
from reports.tables import Cell, Table


def engagement(scope: Scope) -> Figure:
    """Whānau engagement: the share of students whose whānau took part. Two queries: the
    students, and one pass over what whānau did."""
    periods = [scope.period, *scope.trends]
    took_part = took_part_counts(scope.students, periods)
    total = scope.students.count()
    engaged = took_part[0]
    trend = [
        Point(period.label, share(count, total), percent(share(count, total)))
        for period, count in zip(scope.trends, took_part[1:], strict=True)
    ]
    return Figure(
        key="engagement",
        title=_("Whānau engagement"),
        headline=percent(share(engaged, total)),
        explanation=_(
            "%(engaged)s of %(total)s students’ whānau took part: commented, agreed to a goal, "
            "replied to an update, booked or came to a conversation, or wrote in a report."
        )
        % {"engaged": engaged, "total": total},
        trend_caption=_("Share of students whose whānau took part, by term"),
        trend=trend,
        drill=[
            ("engaged", _("Whānau took part"), engaged),
            ("not_engaged", _("Whānau did not take part"), total - engaged),
        ],
        students=total,
    )


def _voice_counts(scope: Scope) -> dict:
    """Contributions per (class, voice, period). One query per kind of contribution (nine)."""
    periods = [scope.period, *scope.trends]
    earliest = min(period.starts for period in periods)
    latest = max(period.ends for period in periods)
    counts = defaultdict(int)
    for source in voice_sources():
        rows = source.rows.filter(**{f"{source.student}__in": scope.students.values("pk")})
        rows = source.between(rows, earliest, latest).order_by()
        voice = source.voice or "pk"  # the student's own update: grouped as the student's
        grouped = rows.values(f"{source.student}__classroom", voice).annotate(
            **{
                f"p{n}": Count("pk", filter=in_period(period, source.at))
                for n, period in enumerate(periods)
            }
        )
        for row in grouped:
            who = row[voice] if source.voice else Voice.STUDENT
            for n in range(len(periods)):
                counts[row[f"{source.student}__classroom"], who, n] += row[f"p{n}"]
    return counts


def voice_balance(scope: Scope) -> Figure:
    """Listening, not telling: whānau and student voice against school voice, per class.
    Ten queries: nine kinds of contribution and the class names."""
    counts = _voice_counts(scope)
    school = Voice.school_voices()

    def tally(n: int, classroom=None) -> tuple[int, int, int]:
        whanau = student = staff = 0
        for (class_id, who, period), value in counts.items():
            if period != n or (classroom is not None and class_id != classroom):
                continue
            if who == Voice.WHANAU:
                whanau += value
            elif who == Voice.STUDENT:
                student += value
            elif who in school:
                staff += value
        return whanau, student, staff

    whanau, student, staff = tally(0)
    table = Table(
        key="voice",
        caption=_("Whose voice, by class"),
        headers=[_("Class"), _("Whānau"), _("Students"), _("Staff"), _("Whānau and student share")],
        empty=_("Nothing written in this period."),
    )
    class_ids = {class_id for class_id, _who, n in counts if n == 0 and class_id}
    telling = []  # classes where staff wrote more than whānau and students together
    for classroom in Classroom.objects.filter(pk__in=class_ids).order_by("year_level", "name"):
        w, s, t = tally(0, classroom.pk)
        if t > w + s:
            telling.append(classroom.name)
        if w + s + t:
            table.add(
                Cell(classroom.name, url=reverse("class_detail", args=[classroom.pk])),
                Cell(str(w), number=True),
                Cell(str(s), number=True),
                Cell(str(t), number=True),
                Cell(percent(share(w + s, w + s + t)), number=True),
            )
    if table.rows:
        table.add(
            Cell(_("All")),
            Cell(str(whanau), number=True),
            Cell(str(student), number=True),
            Cell(str(staff), number=True),
            Cell(percent(share(whanau + student, whanau + student + staff)), number=True),
        )
    trend = []
    for n, period in enumerate(scope.trends, start=1):
        w, s, t = tally(n)
        value = share(w + s, w + s + t)
        trend.append(Point(period.label, value, percent(value)))
    heard = share(whanau + student, whanau + student + staff)
    explanation = _(
        "Of everything written on goals, updates and conversations, and back to the school on "
        "reports, how much came from whānau (%(whanau)s) and students (%(student)s) against "
        "staff (%(staff)s)."
    ) % {"whanau": whanau, "student": student, "staff": staff}
    if heard is not None and heard < 50:
        explanation += " " + _("Under half: the school is doing most of the telling.")
    if telling:
        explanation += " " + _("Classes doing most of the telling: %(classes)s.") % {
            "classes": ", ".join(telling)
        }
    return Figure(
        key="voice",
        title=_("Voice balance"),
        headline=percent(heard),
        explanation=explanation,
        trend_caption=_("Whānau and student share of what was written, by term"),
        trend=trend,
        tables=[table],
    )


def co_construction(scope: Scope) -> Figure:
    """Goals written together: active goals the student and whānau agreed, whānau proposed.
    One query."""
    agreed = GoalAgreement.objects.filter(goal=OuterRef("pk"))
    by_student = Q(Exists(agreed.filter(voice=Voice.STUDENT)))
    by_whanau = Q(Exists(agreed.filter(voice=Voice.WHANAU)))
    active = Q(status=Goal.Status.ACTIVE)
    trend_counts = {}
    for n, period in enumerate(scope.trends, start=1):
        made = in_period(period, "created_at")
        trend_counts[f"made{n}"] = Count("pk", filter=made)
        trend_counts[f"whanau{n}"] = Count("pk", filter=made & by_whanau)
    counts = Goal.objects.filter(student__in=scope.students.values("pk")).aggregate(
        active=Count("pk", filter=active),
        student=Count("pk", filter=active & by_student),
        whanau=Count("pk", filter=active & by_whanau),
        proposed=Count("pk", filter=active & Q(proposed_by_voice=Voice.WHANAU)),
        **trend_counts,
    )
    total = counts["active"]
    table = Table(
        key="goals",
        caption=_("Active goals"),
        headers=[_("Goals"), _("Number"), _("Share")],
    )
    for label, key in (
        (_("Agreed by the student"), "student"),
        (_("Agreed by whānau"), "whanau"),
        (_("Proposed by whānau"), "proposed"),
    ):
        table.add(
            label,
            Cell(str(counts[key]), number=True),
            Cell(percent(share(counts[key], total)), number=True),
        )
    trend = []
    for n, period in enumerate(scope.trends, start=1):
        value = share(counts[f"whanau{n}"], counts[f"made{n}"])
        trend.append(Point(period.label, value, percent(value)))
    return Figure(
        key="goals",
        title=_("Co-construction"),
        headline=percent(share(counts["whanau"], total)),
        explanation=_(
            "Of %(total)s active goals, the share whānau have agreed to. Goals are meant to be "
            "written with the student and their whānau, not for them."
        )
        % {"total": total},
        trend_caption=_("Share of each term’s new goals that whānau agreed to"),
        trend=trend,
        tables=[table],
        drill=[("goals_without_whanau", _("Students with a goal whānau haven’t agreed"), None)],
    )


def inquiries(scope: Scope) -> Figure:
    """Priority learners at each stage of the inquiry cycle, and how long since their last
    step. One query."""
    stages = inquiry_summary(scope.students, now=scope.now)
    total = sum(stage["count"] for stage in stages)
    table = Table(
        key="inquiry",
        caption=_("Priority learners by stage of their inquiry"),
        headers=[_("Stage"), _("Priority learners"), _("Longest since their last step")],
    )
    for stage in stages:
        days = stage["oldest_days"]
        table.add(
            stage["label"],
            Cell(str(stage["count"]), number=True),
            Cell(
                "–"
                if days is None
                else ngettext("%(days)s day", "%(days)s days", days) % {"days": days},
                number=True,
            ),
        )
    return Figure(
        key="inquiry",
        title=_("Priority learners"),
        headline=str(total),
        explanation=_(
            "Where each priority learner’s inquiry is: why they are a priority, knowing them, "
            "deliberate actions at school and at home, evidence of impact, the next focus."
        ),
        tables=[table],
        drill=[
            (f"inquiry_{stage['stage'] or 'none'}", stage["label"], stage["count"])
            for stage in stages
            if stage["count"]
        ],
    )


def all_figures(scope: Scope) -> list[Figure]:
    """Every figure of the dashboard, in the order a leader reads them."""
    engaged = engagement(scope)
    return [
        engaged,
        voice_balance(scope),
        co_construction(scope),
        conversations(scope),
        weekly_updates(scope, engaged.students),
        written_reports(scope),
        inquiries(scope),
    ]


# Which figure holds each table a leader may download (``Table.key``).
TABLES = {
    "voice": voice_balance,
    "goals": co_construction,
    "conversations": conversations,
    "transitions": conversations,
    "updates": lambda scope: weekly_updates(scope, scope.students.count()),
    "reports": written_reports,
    "report_rounds": written_reports,
    "inquiry": inquiries,
}


def figure_with_table(scope: Scope, key: str) -> Figure | None:
    """The one figure a download needs, not all of them."""
    make = TABLES.get(key)
    return make(scope) if make else None
