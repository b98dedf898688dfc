"""Families who have not booked a conversation time in a round, and reminding them to.

Who has not booked: a child nobody has booked; where each household books its own, also a
child with a household of their whānau (with access) still to book. Each is read in a fixed
number of queries for a whole school.

A leader (for any class of the round) or a teacher (for their own students) asks for the
reminder; the page says first how many whānau members it would reach. Asking is audited on
the round and kept as a ``BookingNudge`` written with the audit row, then handed to a task by
its id: a whole school is thousands of notices. A broker that is down delays the request and
never loses it: a beat sweep finishes every request left unfinished. The task works out
again, as it sends, who still has not booked, so a family that booked in between is left
alone. Each reminder is a notice (``conversations.notices.booking_nudge_notify``) keyed per
child and round: asking twice, or a task run twice, reminds nobody twice, and each reader
hears at their own rhythm, never in their quiet hours.
"""

import datetime
import itertools
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, StringAgg, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conversations.models import Booking, BookingNudge, ConversationRound, at_school
from conversations.notices import BOOKING_NUDGE, booking_nudge_notify, nudge_key
from conversations.schedules import round_students
from partnerships import audit
from partnerships.access import students_managed_by
from partnerships.models import (
    AuditEvent,
    Classroom,
    Notice,
    Student,
    User,
    WhanauLink,
    WhanauMember,
)

logger = logging.getLogger(__name__)

# How long a request's own task has to start before the sweep takes it on.
WAITING = datetime.timedelta(minutes=5)


# Who has not booked -------------------------------------------------------------------------


def _covered(conversation_round: ConversationRound) -> Exists:
    """For a whānau link: has the child a booking that stands for this member? Their
    household's (or one they made themself) where each household books its own; anyone's in
    a round of one joint conversation per child."""
    bookings = Booking.objects.active().filter(
        round_id=conversation_round.pk, student_id=OuterRef("student_id")
    )
    if conversation_round.per_household:
        bookings = bookings.filter(
            Q(whanau_id=OuterRef("whanau_id")) | Q(household_id=OuterRef("whanau__household_id"))
        )
    return Exists(bookings)


def not_booked(conversation_round: ConversationRound) -> Q:
    """For a student: nobody has booked them, or some whānau member with access lives in a
    household that has not (where each household books its own)."""
    anyone = Booking.objects.active().filter(
        round_id=conversation_round.pk, student_id=OuterRef("pk")
    )
    if not conversation_round.per_household:
        # One booking stands for all the child's whānau: no need to read their links.
        return ~Exists(anyone)
    waiting = (
        WhanauLink.objects.with_access()
        .filter(student_id=OuterRef("pk"))
        .filter(~_covered(conversation_round))
    )
    return ~Exists(anyone) | Exists(waiting)


def _reminded(conversation_round: ConversationRound) -> Exists:
    """For a whānau link: the member has had this round's reminder for the child."""
    return Exists(
        Notice.objects.filter(
            kind=BOOKING_NUDGE,
            whanau_id=OuterRef("whanau_id"),
            key=Concat(
                Value(nudge_key(conversation_round.pk, "")),
                Cast(OuterRef("student_id"), output_field=CharField()),
            ),
        )
    )


def to_remind(conversation_round: ConversationRound, students: QuerySet) -> QuerySet[WhanauLink]:
    """Whom a reminder would reach now: whānau with access and an email address, of these
    students, whose booking is still to make, not yet reminded in this round."""
    return (
        WhanauLink.objects.with_access()
        .filter(student__in=students)
        .exclude(whanau__email="")
        .filter(~_covered(conversation_round), ~_reminded(conversation_round))
    )


def classes_summary(conversation_round: ConversationRound, students: QuerySet) -> list[dict]:
    """Per class: children, children not booked, and whānau members a reminder would reach
    now (``to_remind``; with what ``class_reach`` needs to count them over classes). Two
    queries."""
    rows = list(
        students.values("classroom_id", "classroom__name", "classroom__year_level")
        .annotate(
            children=Count("pk"), not_booked=Count("pk", filter=not_booked(conversation_round))
        )
        .order_by("classroom__year_level", "classroom__name", "classroom_id")
    )
    reached = {
        row["student__classroom_id"]: row
        for row in to_remind(conversation_round, students)
        .values("student__classroom_id")
        .annotate(
            people=Count("whanau_id", distinct=True),
            reached_children=Count("student_id", distinct=True),
            # A member with children in two classes is one person in all: their ids let
            # ``class_reach`` count them once.
            whanau_ids=StringAgg(
                Cast("whanau_id", output_field=CharField()), Value(","), distinct=True
            ),
        )
    }
    for row in rows:
        found = reached.get(row["classroom_id"], {})
        row["to_remind"] = found.get("people", 0)
        row["reached_children"] = found.get("reached_children", 0)
        row["whanau_ids"] = found.get("whanau_ids") or ""
    return rows


def class_reach(classes: list[dict], classroom_id: int | None = None) -> "Reach":
    """Whom a reminder would reach now, from ``classes_summary``: of one class, or of all
    (children in no class are reminded with every class)."""
    chosen = [row for row in classes if classroom_id is None or row["classroom_id"] == classroom_id]
    people = set()
    for row in chosen:
        people.update(row["whanau_ids"].split(",") if row["whanau_ids"] else ())
    return Reach(people=len(people), children=sum(row["reached_children"] for row in chosen))


def remind_totals(conversation_round: ConversationRound, students: QuerySet) -> dict:
    """How many whānau members, of how many children, a reminder would reach now."""
    return to_remind(conversation_round, students).aggregate(
        people=Count("whanau_id", distinct=True), children=Count("student_id", distinct=True)
    )


@dataclass
class Member:
    member: WhanauMember
    reminded_at: datetime.datetime | None = None


@dataclass
class HouseholdState:
    """The whānau with access to a child who live together, and whether they have booked."""

    name: str
    members: list[Member] = field(default_factory=list)
    booked: bool = False

    @property
    def reachable(self) -> bool:
        return any(m.member.email for m in self.members)


@dataclass
class ChildRow:
    student: Student
    households: list[HouseholdState]
    per_household: bool

    @property
    def booked(self) -> int:
        return sum(household.booked for household in self.households)

    @property
    def waiting(self) -> list[HouseholdState]:
        return [household for household in self.households if not household.booked]

    @property
    def no_one_to_remind(self) -> bool:
        """Nobody still to book has an email address: a phone call, then."""
        return not any(household.reachable for household in self.waiting)

    @property
    def status(self) -> str:
        total = len(self.households)
        if self.per_household and self.booked and total > 1:
            return ngettext(
                "Booked by %(booked)d household of %(total)d",
                "Booked by %(booked)d households of %(total)d",
                self.booked,
            ) % {"booked": self.booked, "total": total}
        return _("Not booked")


def not_booked_children(
    conversation_round: ConversationRound, students: QuerySet
) -> list[ChildRow]:
    """The children not booked, by class and name, each with their households: who has
    booked and who is still to, and when each member was reminded. Four queries."""
    listed = list(
        students.filter(not_booked(conversation_round))
        .select_related("classroom")
        .order_by(
            "classroom__year_level", "classroom__name", "classroom_id", "last_name", "first_name"
        )
    )
    ids = [student.pk for student in listed]
    links = defaultdict(list)
    for link in (
        WhanauLink.objects.with_access()
        .filter(student_id__in=ids)
        .select_related("whanau__household")
        .order_by("whanau__name", "pk")
    ):
        links[link.student_id].append(link.whanau)
    booked = defaultdict(set)
    for student_id, household_id, whanau_id in (
        Booking.objects.active()
        .filter(round_id=conversation_round.pk, student_id__in=ids)
        .values_list("student_id", "household_id", "whanau_id")
    ):
        booked[student_id].update({("household", household_id), ("member", whanau_id)})
    reminded = {
        (student_id, whanau_id): at
        for student_id, whanau_id, at in Notice.objects.filter(
            kind=BOOKING_NUDGE,
            student_id__in=ids,
            key__startswith=nudge_key(conversation_round.pk, ""),
        ).values_list("student_id", "whanau_id", "created_at")
    }
    rows = []
    for student in listed:
        households: dict[tuple, HouseholdState] = {}
        for member in links[student.pk]:
            key = (
                ("household", member.household_id) if member.household_id else ("member", member.pk)
            )
            if key not in households:
                name = str(member.household.name) if member.household_id else ""
                households[key] = HouseholdState(name)
            household = households[key]
            household.members.append(Member(member, reminded.get((student.pk, member.pk))))
            if conversation_round.per_household:
                household.booked |= bool({key, ("member", member.pk)} & booked[student.pk])
            else:
                household.booked = bool(booked[student.pk])
        rows.append(ChildRow(student, list(households.values()), conversation_round.per_household))
    return rows


def reminders_asked(conversation_round: ConversationRound) -> QuerySet[AuditEvent]:
    """When reminders to book were sent in this round, and by whom: newest first."""
    return (
        AuditEvent.objects.filter(
            school_id=conversation_round.school_id,
            object_type=ConversationRound._meta.label_lower,
            object_id=conversation_round.pk,
            action=AuditEvent.Action.INVITED,
        )
        .select_related("actor")
        .order_by("-at", "-pk")[:10]
    )


# Reminding them ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """How many a reminder reaches: whānau members, and the children they are reminded of."""

    people: int
    children: int


def nudge_scope(
    *, conversation_round: ConversationRound, by: User, classroom_id: int | None = None
) -> QuerySet[Student]:
    """The round's students this person may remind the whānau of (a leader the whole round,
    a teacher their own students), of one class if given."""
    # Both filter the one table: combined in one WHERE, no query reads the students twice.
    students = round_students(conversation_round) & students_managed_by(by)
    if classroom_id is not None:
        students = students.filter(classroom_id=classroom_id)
    return students


def refusal(conversation_round: ConversationRound) -> str:
    """Why families cannot be asked to book in this round now; empty when they can."""
    window, school = conversation_round.window(), conversation_round.school
    if window == "closed":
        return _("Booking for this round closed on %(when)s.") % {
            "when": at_school(conversation_round.closes_at, school)
        }
    if window == "paused":
        return _("This round is closed for booking: open it before reminding families.")
    if window == "opens":
        return _("Booking for this round opens on %(when)s: remind families once it is open.") % {
            "when": at_school(conversation_round.opens_at, school)
        }
    return ""


def round_nudge(
    *,
    conversation_round: ConversationRound,
    by: User,
    classroom: Classroom | None = None,
) -> Reach:
    """Remind the whānau who have not booked (of one class, or all this person may) to book.

    Raises ``ValidationError`` for a round families cannot book in now, or one with no times
    to book yet. Returns whom the reminder will reach (nobody: all booked or reminded
    already, and nothing is written)."""
    why = refusal(conversation_round)
    if why:
        raise ValidationError(why)
    if not conversation_round.slots.upcoming().exists():
        raise ValidationError(
            _("No times are offered in this round yet: add times before reminding families.")
        )
    classroom_id = classroom.pk if classroom else None
    students = nudge_scope(conversation_round=conversation_round, by=by, classroom_id=classroom_id)
    reach = Reach(**remind_totals(conversation_round, students))
    if not reach.people:
        return reach
    with transaction.atomic():
        summary = _("Reminded to book: %(people)s, of %(children)s") % {
            "people": ngettext("%(count)d whānau member", "%(count)d whānau members", reach.people)
            % {"count": reach.people},
            "children": ngettext("%(count)d child", "%(count)d children", reach.children)
            % {"count": reach.children},
        }
        if classroom is not None:
            summary = f"{summary} ({classroom.name})"
        audit.record(
            actor=by, action=AuditEvent.Action.INVITED, obj=conversation_round, summary=summary
        )
        nudge = BookingNudge.objects.create(
            round=conversation_round, asked_by=by, classroom=classroom
        )
        transaction.on_commit(lambda: _enqueue(nudge.pk))
    return reach


def _enqueue(nudge_id: int) -> None:
    from conversations.tasks import send_booking_nudges  # the task module imports this one

    try:
        send_booking_nudges.delay(nudge_id)
    except Exception:  # the broker is down: the request waits for the sweep
        logger.warning("could not reach the broker; booking reminders wait", exc_info=True)


def booking_nudge_send(
    *, nudge_id: int, deadline: datetime.datetime | None = None
) -> tuple[int, bool]:
    """Send what is still to send for a request to remind: each child's whānau who still
    have not booked and were not reminded, one child at a time (each in its own
    transaction). Returns the notices written, and whether the request is finished (not,
    when ``deadline`` came first). A round families cannot book in now, or an asker gone,
    finishes it without sending: nobody is asked to book a closed round."""
    nudge = (
        BookingNudge.objects.select_related("round__school")
        .filter(pk=nudge_id, finished_at__isnull=True)
        .first()
    )
    if nudge is None:
        return 0, True  # finished already, or its round deleted
    conversation_round = nudge.round
    by = User.objects.filter(pk=nudge.asked_by_id, is_active=True).first()
    written = 0
    if by is not None and not refusal(conversation_round):
        students = nudge_scope(
            conversation_round=conversation_round, by=by, classroom_id=nudge.classroom_id
        )
        links = list(
            to_remind(conversation_round, students)
            .select_related("student", "whanau")
            .order_by("student_id", "whanau_id")
        )
        for _student_id, group in itertools.groupby(links, key=lambda link: link.student_id):
            if deadline is not None and timezone.now() >= deadline:
                return written, False
            group = list(group)
            written += len(
                booking_nudge_notify(
                    conversation_round=conversation_round,
                    student=group[0].student,
                    by=by,
                    whanau=[link.whanau for link in group],
                )
            )
    BookingNudge.objects.filter(pk=nudge.pk).update(finished_at=timezone.now())
    return written, True


def booking_nudges_finish(*, deadline: datetime.datetime | None = None) -> int:
    """Finish the requests whose task never came (the broker was down) or stopped part-way,
    oldest first, until ``deadline``. Those of a round families cannot book in now are
    finished without sending. Returns the notices written."""
    now = timezone.now()
    waiting = BookingNudge.objects.filter(finished_at__isnull=True, asked_at__lt=now - WAITING)
    waiting.exclude(round__in=ConversationRound.objects.bookable()).update(finished_at=now)
    written = 0
    for nudge_id in list(waiting.values_list("pk", flat=True)):
        sent, done = booking_nudge_send(nudge_id=nudge_id, deadline=deadline)
        written += sent
        if not done:
            break  # out of time: the next sweep goes on
    return written
