"""The figures of what the school and families did together: conversations held against
planned (and the transition conversation), and the weekly update from written to replied."""

import datetime

from django.db.models import Count, DateField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext as _

from conversations.models import Booking, LearningConversation, UpdateDelivery, UpdateReply
from conversations.weekly.models import WeeklyUpdate
from partnerships.models import Voice
from reports.figure import Figure, Point, in_period, percent, scale, share
from reports.filters import Scope
from reports.tables import Cell, Table


def conversations(scope: Scope) -> Figure:
    """Held against planned, by kind, and transitions. Four queries: held, booked, follow-ups
    due, transitions."""
    students = scope.students.values("pk")
    periods = [scope.period, *scope.trends]
    held = (
        LearningConversation.objects.filter(student__in=students)
        .order_by()
        .values("kind")
        .annotate(
            **{f"p{n}": Count("pk", filter=in_period(p, "held_at")) for n, p in enumerate(periods)}
        )
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
    scale(trend)
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
