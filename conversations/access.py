"""Who may see and change learning conversations, rounds, times, bookings and requests: built
on the students a person may see (``partnerships.access``)."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from conversations.models import (
    Booking,
    ConversationRound,
    LearningConversation,
    Slot,
    TimeRequest,
)
from partnerships.access import (
    own_whanau_links,
    signed_in,
    staff_school_ids,
    students_managed_by,
    students_visible_to,
    teachers_of,
)
from partnerships.compiled import ids_query
from partnerships.households import own_household_ids
from partnerships.models import Student


def conversations_visible_to(user) -> QuerySet:
    """Learning conversations of students they may see. Staff-only notes are a template matter:
    ``relation_to(...).reads_as_staff`` decides whether they are shown."""

    return LearningConversation.objects.filter(student__in=students_visible_to(user))


def conversations_managed_by(user) -> QuerySet:

    return LearningConversation.objects.filter(student__in=students_managed_by(user))


def rounds_managed_by(user) -> QuerySet:
    """The rounds of the schools a person works at: any of their staff may see them and offer
    times in them; opening one is for leaders (``conversations.rounds.round_create``)."""

    if not signed_in(user):
        return ConversationRound.objects.none()
    return ConversationRound.objects.filter(school_id__in=staff_school_ids(user))


@dataclass(frozen=True)
class Tamariki:
    """A whānau member's tamariki (linked with access), read once a request: the booking
    scopes are built on their ids, as the same links asked again in every subquery cost
    the database more to plan than to run."""

    student_ids: tuple[int, ...] = ()
    school_ids: tuple[int, ...] = ()
    classroom_ids: tuple[int, ...] = ()

    @classmethod
    def of(cls, rows) -> "Tamariki":
        """From ``(student id, school id, class id)`` rows."""
        rows = list(rows)
        return cls(
            student_ids=tuple(sorted({row[0] for row in rows})),
            school_ids=tuple(sorted({row[1] for row in rows})),
            classroom_ids=tuple(sorted({row[2] for row in rows if row[2] is not None})),
        )

    @classmethod
    def of_links(cls, links) -> "Tamariki":
        """From the member's own links already read (``own_whanau_links``, with students)."""
        return cls.of(
            (link.student_id, link.student.school_id, link.student.classroom_id) for link in links
        )

    def students(self) -> QuerySet[Student]:
        return Student.objects.filter(pk__in=self.student_ids)


def tamariki_of(user) -> Tamariki:
    """One query: the students a member is linked to with access."""
    if not signed_in(user):
        return Tamariki()
    return Tamariki.of(
        own_whanau_links(user).values_list(
            "student_id", "student__school_id", "student__classroom_id"
        )
    )


def _teachers_of(tamariki: Tamariki):
    """The ids of ``teachers_of`` the tamariki, its SQL compiled once for each number of
    them (``ids_query``)."""
    if not tamariki.student_ids:
        return teachers_of(tamariki.students()).values("pk")
    return ids_query(
        "teachers_of",
        lambda ids: teachers_of(Student.objects.filter(pk__in=ids)).values("pk"),
        tamariki.student_ids,
    )


def rounds_of_whanau(user, tamariki: Tamariki | None = None) -> QuerySet:
    """Rounds for a whānau member's tamariki: at their school, for the whole school or one of
    their classes, open for booking or not (their booking page says when booking opens).
    ``tamariki`` (``tamariki_of``) when the caller has read them already."""

    if not signed_in(user):
        return ConversationRound.objects.none()
    if tamariki is None:
        tamariki = tamariki_of(user)
    chosen = ConversationRound.classes.through.objects.filter(conversationround=OuterRef("pk"))
    return ConversationRound.objects.filter(
        ~Exists(chosen) | Exists(chosen.filter(classroom_id__in=tamariki.classroom_ids)),
        school_id__in=tamariki.school_ids,
    )


def slots_offered_to(user, tamariki: Tamariki | None = None) -> QuerySet:
    """Times in those rounds with the teachers of a member's tamariki, past or to come, open
    for booking or not: so a page can say why one can't be booked now."""

    if not signed_in(user):
        return Slot.objects.none()
    if tamariki is None:
        tamariki = tamariki_of(user)
    return Slot.objects.filter(
        round__in=rounds_of_whanau(user, tamariki), host_id__in=_teachers_of(tamariki)
    )


def slots_bookable_by(user, tamariki: Tamariki | None = None) -> QuerySet:
    """Upcoming times in open rounds, offered by the teachers of this person's tamariki."""

    if not signed_in(user):
        return Slot.objects.none()
    if tamariki is None:
        tamariki = tamariki_of(user)
    return Slot.objects.upcoming().filter(
        round__in=ConversationRound.objects.bookable(),
        round__school_id__in=tamariki.school_ids,
        host_id__in=_teachers_of(tamariki),
    )


def _household_scope(user, tamariki: Tamariki | None = None) -> Q:
    """Bookings of the household a whānau member lives in now, for tamariki they still have
    access to: separated households each book, and neither sees the other's booking or needs.
    A parent who moves out leaves the old household's bookings behind. A joint booking (no
    household) belongs to whoever booked it and the household they live in."""
    households = own_household_ids(user)
    students = (
        own_whanau_links(user).values("student_id") if tamariki is None else tamariki.student_ids
    )
    return Q(
        Q(household_id__in=households)
        | Q(household__isnull=True)
        & (Q(whanau__user=user) | Q(whanau__household_id__in=households)),
        student_id__in=students,
    )


def bookings_visible_to(user) -> QuerySet:
    """Staff see their students' bookings; whānau their household's."""

    if not signed_in(user):
        return Booking.objects.none()
    return Booking.objects.filter(Q(student__in=students_managed_by(user)) | _household_scope(user))


def own_bookings(user, tamariki: Tamariki | None = None) -> QuerySet:
    """The bookings a whānau member may move and cancel: their household's."""

    if not signed_in(user):
        return Booking.objects.none()
    return Booking.objects.filter(_household_scope(user, tamariki))


def time_requests_visible_to(user) -> QuerySet:

    if not signed_in(user):
        return TimeRequest.objects.none()
    return TimeRequest.objects.filter(
        Q(student__in=students_managed_by(user))
        | Q(whanau__user=user, student__in=own_whanau_links(user).values("student_id"))
    )
