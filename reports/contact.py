"""What counts as a family taking part, and whose voice each contribution is.

Whānau take part when they comment on a goal, agree to or propose one, add evidence,
reply to a weekly update, book a conversation, come to one, reflect on it afterwards,
add to a priority learner's inquiry, or write in a report that went home ("how you can help
at home", or a response to it): each is two-way contact, not the school telling. A family who
only opened an update or a notice was reached, but did not take part (``opened_q``). Everything
here is an SQL expression on a student queryset (``OuterRef("pk")`` is the student), so a
figure is one query whatever the number of students.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from conversations.models import (
    Booking,
    LearningConversation,
    Reflection,
    UpdateDelivery,
    UpdateReply,
    WeeklyUpdate,
)
from learners.models import Evidence, Goal, GoalAgreement, GoalComment, InquiryStep
from partnerships.models import Notice, Student, Voice
from reports.models import Report, ReportResponse

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
        # The family's part of a report: written once, rewritten in place (its latest time).
        Source(Report.objects.exclude(home_help=""), "student", "home_help_at", "home_help_voice"),
        Source(ReportResponse.objects.all(), "report__student", "created_at", "voice"),
    ]


def voice_sources() -> list[Source]:
    """What counts towards the balance of voices: things people wrote, each in its voice.

    Agreements are left out (a tick is not a contribution), and the student's own weekly
    update counts as the student's voice.
    """
    written = [source for source in _sources() if source.rows.model is not GoalAgreement]
    updates = WeeklyUpdate.objects.exclude(status=WeeklyUpdate.Status.DRAFT)
    return [*written, Source(updates, "student", "submitted_at", None)]


def _activity(students: QuerySet, since, until, columns) -> QuerySet:
    """Every time whānau of ``students`` took part in [since, until), as one UNION ALL of rows
    ``(sid, *columns)``; ``columns(at_field)`` names what else each row carries."""
    ids = students.order_by().values("pk")
    conversations = LearningConversation.objects.filter(whanau_attendees__isnull=False)
    parts = [
        (Booking.objects.all(), "student", "created_at"),
        (conversations, "student", "held_at"),
        *((source.of_whanau(), source.student, source.at) for source in _sources()),
    ]
    rows = [
        rows.filter(**{f"{student}__in": ids, f"{at}__gte": since, f"{at}__lt": until})
        .order_by()
        .values(sid=F(student), **columns(at))
        for rows, student, at in parts
    ]
    return rows[0].union(*rows[1:], all=True).order_by()


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def took_part_counts(students: QuerySet, periods) -> list[int]:
    """How many of ``students`` had whānau take part in each period: one pass over what
    whānau did, in one query, however many periods and students."""
    since = min(period.starts for period in periods)
    until = max(period.ends for period in periods)

    def in_each(at: str) -> dict:
        return {
            f"p{n}": Case(
                When(**{f"{at}__gte": period.starts, f"{at}__lt": period.ends}, then=Value(1)),
                default=Value(0),
            )
            for n, period in enumerate(periods)
        }

    sql, params = _sql(_activity(students, since, until, in_each))
    counts = ", ".join(
        f"COUNT(DISTINCT CASE WHEN activity.p{n} = 1 THEN activity.sid END)"
        for n in range(len(periods))
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts} FROM ({sql}) activity", params)  # noqa: S608  ours
        return list(cursor.fetchone())


def took_part_q(students: QuerySet, since, until) -> Q:
    """A student whose whānau took part in [since, until); ``~`` of it: not reached."""
    sql, params = _sql(_activity(students, since, until, lambda at: {}))
    # Our own SQL, compiled by the ORM with its parameters kept apart.
    outer = f"SELECT activity.sid FROM ({sql}) activity"  # noqa: S608
    return Q(pk__in=RawSQL(outer, params))  # noqa: S611


def opened_q(since, until) -> Q:
    """A student whose whānau opened a weekly update or a notice about them in [since, until).

    Opening is being reached, not taking part: it counts against "not reached", never as
    engagement or voice. A notice counts only if it was to whānau, not the student or staff.
    """
    updates = UpdateDelivery.objects.filter(
        update__student=OuterRef("pk"), read_at__gte=since, read_at__lt=until
    )
    notices = Notice.objects.filter(
        student=OuterRef("pk"), whanau__isnull=False, read_at__gte=since, read_at__lt=until
    )
    return Q(Exists(updates)) | Q(Exists(notices))


def last_took_part(student_ids) -> dict[int, datetime.datetime]:
    """When each student's whānau last took part, for the few rows a worklist shows."""
    student_ids = list(student_ids)
    if not student_ids:  # an empty IN () compiles to no SQL at all
        return {}
    students = Student.objects.filter(pk__in=student_ids)
    activity = _activity(
        students, LONG_AGO, timezone.now() + datetime.timedelta(days=366), lambda at: {"at": F(at)}
    )
    sql, params = _sql(activity)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT activity.sid, MAX(activity.at) FROM ({sql}) activity GROUP BY activity.sid",  # noqa: S608
            params,
        )
        return {sid: _as_datetime(at) for sid, at in cursor.fetchall()}


def _as_datetime(value) -> datetime.datetime:
    """PostgreSQL returns an aware datetime; SQLite, the UTC text it stores."""
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)
    return value
