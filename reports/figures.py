"""The partnership figures, each counted in SQL for the scope's students and period, with its
trend over the last terms. Each function makes a fixed number of queries (its docstring says
how many), whatever the number of students: Python only lays out the few rows SQL returns.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, DateField, Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conversations.models import Booking, LearningConversation, UpdateDelivery, UpdateReply
from conversations.weekly.models import WeeklyUpdate
from learners.inquiry import inquiry_summary
from learners.models import Goal, GoalAgreement
from partnerships.models import Classroom, Voice
from reports.contact import took_part_counts, voice_sources
from reports.filters import Scope
from reports.tables import Cell, Table


def share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def percent(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


@dataclass
class Point:
    label: str
    value: int | None  # a percentage, for the bar
    text: str


@dataclass
class Figure:
    key: str
    title: str
    headline: str
    explanation: str
    trend_caption: str = ""
    trend: list[Point] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # (drill-down key, label, number of students or None)
    drill: list[tuple[str, str, int | None]] = field(default_factory=list)

    @property
    def bars(self) -> list[dict]:
        """The trend as bar geometry for an SVG: the template cannot do arithmetic."""
        return [
            {
                "x": 10 + 70 * n,
                "y": 70 - round(0.6 * (point.value or 0)),
                "height": round(0.6 * (point.value or 0)),
                "label_x": 35 + 70 * n,
                "point": point,
            }
            for n, point in enumerate(self.trend)
        ]

    @property
    def chart_width(self) -> int:
        return 20 + 70 * len(self.trend)


def _in(period, lookup: str) -> Q:
    return Q(**{f"{lookup}__gte": period.starts, f"{lookup}__lt": period.ends})


def engagement(scope: Scope) -> Figure:
    """Whānau engagement: the share of students whose whānau took part. Two queries: the
    students, and one pass over what whānau did."""
    periods = [scope.period, *scope.trends]
    took_part = took_part_counts(scope.students, periods)
    counts = {"total": scope.students.count()} | {
        f"p{n}": count for n, count in enumerate(took_part)
    }
    total, engaged = counts["total"], counts["p0"]
    trend = [
        Point(period.label, share(counts[f"p{n}"], total), percent(share(counts[f"p{n}"], total)))
        for n, period in enumerate(scope.trends, start=1)
    ]
    return Figure(
        key="engagement",
        title=_("Whānau engagement"),
        headline=percent(share(engaged, total)),
        explanation=_(
            "%(engaged)s of %(total)s students’ whānau took part: commented, agreed to a goal, "
            "replied to an update, booked or came to a conversation."
        )
        % {"engaged": engaged, "total": total},
        trend_caption=_("Share of students whose whānau took part, by term"),
        trend=trend,
        drill=[
            ("engaged", _("Whānau took part"), engaged),
            ("not_engaged", _("Whānau did not take part"), total - engaged),
        ],
    )


def _voice_counts(scope: Scope) -> dict:
    """Contributions per (class, voice, period). One query per kind of contribution (seven)."""
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
                f"p{n}": Count("pk", filter=_in(period, source.at))
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
    Eight queries: seven kinds of contribution and the class names."""
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
        "Of everything written on goals, updates and conversations, how much came from "
        "whānau (%(whanau)s) and students (%(student)s) against staff (%(staff)s)."
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
        made = _in(period, "created_at")
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


def conversations(scope: Scope) -> Figure:
    """Held against planned, by kind, and transitions. Four queries: held, booked, follow-ups
    due, transitions."""
    students = scope.students.values("pk")
    periods = [scope.period, *scope.trends]
    held = (
        LearningConversation.objects.filter(student__in=students)
        .order_by()
        .values("kind")
        .annotate(**{f"p{n}": Count("pk", filter=_in(p, "held_at")) for n, p in enumerate(periods)})
    )
    held = {row["kind"]: row for row in held}
    booked = dict(
        Booking.objects.active()
        .filter(
            student__in=students,
            slot__starts_at__gte=scope.period.starts,
            slot__starts_at__lt=scope.period.plan_ends,
        )
        .order_by()
        .values_list("slot__round__kind")
        .annotate(n=Count("pk"))
    )
    follow_ups = dict(
        LearningConversation.objects.filter(
            student__in=students,
            follow_up_on__gte=scope.period.first,
            follow_up_on__lte=scope.period.plan_last,
        )
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    transitions = transition_counts(scope)
    planned_transitions = transitions["due_in_period"]
    table = Table(
        key="conversations",
        caption=_("Conversations by kind"),
        headers=[_("Kind"), _("Held"), _("Planned")],
    )
    total_held = total_planned = 0
    for kind, label in LearningConversation.Kind.choices:
        n_held = held.get(kind, {}).get("p0", 0)
        n_planned = booked.get(kind, 0) + follow_ups.get(kind, 0)
        if kind == LearningConversation.Kind.TRANSITION:
            n_planned += planned_transitions
        total_held += n_held
        total_planned += n_planned
        if n_held or n_planned:
            table.add(label, Cell(str(n_held), number=True), Cell(str(n_planned), number=True))
    transition_table = Table(
        key="transitions",
        caption=_("Transition conversations for students who started in this period"),
        headers=[_("Transition conversation"), _("Students")],
    )
    for label, key in (
        (_("Held within %(days)s days") % {"days": scope.school.transition_days}, "on_time"),
        (_("Held late"), "late"),
        (_("Not held, and overdue"), "overdue"),
        (_("Not due yet"), "not_due"),
    ):
        transition_table.add(label, Cell(str(transitions[key]), number=True))
    trend = []
    for n, period in enumerate(scope.trends, start=1):
        value = sum(row[f"p{n}"] for row in held.values())
        trend.append(Point(period.label, None, str(value)))
    _scale(trend)
    return Figure(
        key="conversations",
        title=_("Conversations"),
        headline=f"{total_held} / {total_planned}",
        explanation=_(
            "%(held)s conversations held so far against %(planned)s planned in the period "
            "(booked times, follow-ups and transition conversations due). %(overdue)s "
            "transition conversations are overdue now."
        )
        % {"held": total_held, "planned": total_planned, "overdue": transitions["overdue_now"]},
        trend_caption=_("Conversations held, by term"),
        trend=trend,
        tables=[table, transition_table],
        drill=[
            (
                "transition_overdue",
                _("Overdue transition conversations"),
                transitions["overdue_now"],
            ),
            ("no_conversation", _("Students with no conversation held"), None),
        ],
    )


def _scale(trend: list[Point]) -> None:
    """Bars for counts: as a share of the largest."""
    largest = max((int(point.text) for point in trend), default=0)
    for point in trend:
        point.value = share(int(point.text), largest) if largest else 0


def transition_due_q(scope: Scope) -> tuple[Q, Q]:
    """(has a transition conversation, held by its due date) for a student row."""
    days = datetime.timedelta(days=scope.school.transition_days)
    transitions = LearningConversation.objects.transitions().filter(student=OuterRef("pk"))
    # Held by the end of the due day, in the school's day: compared as a moment.
    due_on = ExpressionWrapper(OuterRef("start_date") + days, output_field=DateField())
    on_time = transitions.filter(held_at__date__lte=due_on)
    return Q(Exists(transitions)), Q(Exists(on_time))


def overdue_transition_q(scope: Scope) -> Q:
    """No transition conversation and its due date passed (within the last year)."""
    days = datetime.timedelta(days=scope.school.transition_days)
    held, _on_time = transition_due_q(scope)
    due_by = scope.today - days
    return ~held & Q(start_date__lt=due_by, start_date__gte=due_by - datetime.timedelta(days=365))


def transition_counts(scope: Scope) -> dict:
    """Students who started in the period, by what happened to their transition. One query."""
    days = datetime.timedelta(days=scope.school.transition_days)
    held, on_time = transition_due_q(scope)
    started = Q(start_date__gte=scope.period.first, start_date__lte=scope.period.last)
    due_passed = Q(start_date__lt=scope.today - days)
    return scope.students.aggregate(
        on_time=Count("pk", filter=started & on_time),
        late=Count("pk", filter=started & held & ~on_time),
        overdue=Count("pk", filter=started & ~held & due_passed),
        not_due=Count("pk", filter=started & ~held & ~due_passed),
        due_in_period=Count(
            "pk",
            filter=Q(
                start_date__gte=scope.period.first - days,
                start_date__lte=scope.period.plan_last - days,
            ),
        ),
        overdue_now=Count("pk", filter=overdue_transition_q(scope)),
    )


def weekly_updates(scope: Scope, students_count: int) -> Figure:
    """Written, approved, sent, read and replied to, week by week. One query."""
    update = OuterRef("pk")
    sent = Q(
        Exists(UpdateDelivery.objects.filter(update=update, status=UpdateDelivery.Status.SENT))
    )
    read = Q(Exists(UpdateDelivery.objects.filter(update=update, read_at__isnull=False)))
    replied = Q(Exists(UpdateReply.objects.filter(update=update, voice=Voice.WHANAU)))
    written = ~Q(status=WeeklyUpdate.Status.DRAFT)
    approved = Q(status=WeeklyUpdate.Status.APPROVED) | Q(
        status=WeeklyUpdate.Status.SUBMITTED, student__school__updates_need_approval=False
    )
    in_period = Q(week__in=scope.period.weeks)
    trend_counts = {
        f"written{n}": Count("pk", filter=written & Q(week__gte=p.first, week__lte=p.last))
        for n, p in enumerate(scope.trends, start=1)
    }
    counts = WeeklyUpdate.objects.filter(student__in=scope.students.values("pk")).aggregate(
        written=Count("pk", filter=in_period & written),
        approved=Count("pk", filter=in_period & approved),
        sent=Count("pk", filter=in_period & sent),
        read=Count("pk", filter=in_period & read),
        replied=Count("pk", filter=in_period & replied),
        **trend_counts,
    )
    expected = students_count * len(scope.period.weeks)
    table = Table(
        key="updates",
        caption=_("Weekly updates in this period"),
        headers=[_("Updates"), _("Number"), _("Share of those expected")],
    )
    for label, key in (
        (_("Written"), "written"),
        (_("Approved"), "approved"),
        (_("Sent home"), "sent"),
        (_("Opened by whānau"), "read"),
        (_("Replied to by whānau"), "replied"),
    ):
        table.add(
            label,
            Cell(str(counts[key]), number=True),
            Cell(percent(share(counts[key], expected)), number=True),
        )
    trend = []
    for n, period in enumerate(scope.trends, start=1):
        value = share(counts[f"written{n}"], students_count * len(period.weeks))
        trend.append(Point(period.label, value, percent(value)))
    return Figure(
        key="updates",
        title=_("Weekly updates"),
        headline=percent(share(counts["written"], expected)),
        explanation=_(
            "%(written)s updates written of %(expected)s expected (one a week for each student); "
            "%(replied)s were replied to from home."
        )
        % {"written": counts["written"], "expected": expected, "replied": counts["replied"]},
        trend_caption=_("Share of expected updates written, by term"),
        trend=trend,
        tables=[table],
        drill=[("no_update", _("Students with no update written"), None)],
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
    students_count = engaged.drill[0][2] + engaged.drill[1][2]
    return [
        engaged,
        voice_balance(scope),
        co_construction(scope),
        conversations(scope),
        weekly_updates(scope, students_count),
        inquiries(scope),
    ]
