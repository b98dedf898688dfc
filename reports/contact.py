"""What counts as a family taking part, and whose voice each contribution is.

Whānau take part when they comment on a goal, agree to or propose one, add evidence,
reply to a weekly update, book a conversation, come to one, reflect on it afterwards, or
add to a priority learner's inquiry:
each is two-way contact, not the school telling. Everything here is an SQL expression on
a student queryset (``OuterRef("pk")`` is the student), so a figure is one query whatever
the number of students.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from conversations.models import (
    Booking,
    LearningConversation,
    Reflection,
    UpdateReply,
    WeeklyUpdate,
)
from learners.models import Evidence, Goal, GoalAgreement, GoalComment, InquiryStep
from partnerships.models import Voice

LONG_AGO = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Source:
    """Rows of one kind that someone wrote: the path to their student, when, and whose voice."""

    rows: QuerySet
    student: str  # the lookup from a row to its student
    at: str  # when it was written
    voice: str | None  # the field holding its voice; None for a student's own weekly update

    def of_whanau(self) -> QuerySet:
        if self.voice is None:
            return self.rows.none()
        return self.rows.filter(**{self.voice: Voice.WHANAU})

    def between(self, rows: QuerySet, starts, ends) -> QuerySet:
        return rows.filter(**{f"{self.at}__gte": starts, f"{self.at}__lt": ends})


def _sources() -> list[Source]:
    return [
        Source(GoalComment.objects.shown(), "goal__student", "created_at", "voice"),
        Source(GoalAgreement.objects.all(), "goal__student", "agreed_at", "voice"),
        Source(Goal.objects.all(), "student", "created_at", "proposed_by_voice"),
        Source(Evidence.objects.all(), "goal__student", "created_at", "voice"),
        Source(UpdateReply.objects.all(), "update__student", "created_at", "voice"),
        Source(Reflection.objects.all(), "conversation__student", "created_at", "voice"),
        Source(InquiryStep.objects.all(), "student", "created_at", "voice"),
    ]


def voice_sources() -> list[Source]:
    """What counts towards the balance of voices: things people wrote, each in its voice.

    Agreements are left out (a tick is not a contribution), and the student's own weekly
    update counts as the student's voice.
    """
    written = [source for source in _sources() if source.rows.model is not GoalAgreement]
    updates = WeeklyUpdate.objects.exclude(status=WeeklyUpdate.Status.DRAFT)
    return [*written, Source(updates, "student", "submitted_at", None)]


def whanau_took_part(starts, ends) -> Q:
    """Any two-way contact from a student's whānau in [starts, ends)."""
    student = OuterRef("pk")
    took_part = Q(
        Exists(Booking.objects.filter(student=student, created_at__gte=starts, created_at__lt=ends))
    )
    took_part |= Q(
        Exists(
            LearningConversation.objects.filter(
                student=student,
                held_at__gte=starts,
                held_at__lt=ends,
                whanau_attendees__isnull=False,
            )
        )
    )
    for source in _sources():
        rows = source.between(source.of_whanau(), starts, ends)
        took_part |= Q(Exists(rows.filter(**{source.student: student})))
    return took_part


def last_contact():
    """When a student's whānau last took part, or None: for the worklist's rows only."""
    student = OuterRef("pk")
    latest = [
        Subquery(
            Booking.objects.filter(student=student)
            .order_by()
            .values("student")
            .annotate(at=Max("created_at"))
            .values("at")
        ),
        Subquery(
            LearningConversation.objects.filter(student=student, whanau_attendees__isnull=False)
            .order_by()
            .values("student")
            .annotate(at=Max("held_at"))
            .values("at")
        ),
    ]
    for source in _sources():
        rows = source.of_whanau().filter(**{source.student: student}).order_by()
        latest.append(
            Subquery(rows.values(source.student).annotate(at=Max(source.at)).values("at"))
        )
    # GREATEST ignores NULLs on PostgreSQL but not on SQLite: give each a floor first.
    return Greatest(*(Coalesce(value, Value(LONG_AGO)) for value in latest))
