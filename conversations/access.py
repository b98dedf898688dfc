"""Who may see and change learning conversations, rounds, times, bookings and requests: built
on the students a person may see (``partnerships.access``)."""

from django.db.models import Q, QuerySet

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
from partnerships.households import own_household_ids
from partnerships.models import Student


def conversations_visible_to(user) -> QuerySet:
    """Learning conversations of students they may see. Staff-only notes are a template matter:
    ``relation_to(...).can_manage`` decides whether they are shown."""

    return LearningConversation.objects.filter(student__in=students_visible_to(user))


def conversations_managed_by(user) -> QuerySet:

    return LearningConversation.objects.filter(student__in=students_managed_by(user))


def rounds_managed_by(user) -> QuerySet:
    """Any leader or teacher of a school may open a round there and offer times in it."""

    if not signed_in(user):
        return ConversationRound.objects.none()
    return ConversationRound.objects.filter(school_id__in=staff_school_ids(user))


def slots_bookable_by(user) -> QuerySet:
    """Upcoming times in open rounds, offered by the teachers of this person's tamariki."""

    if not signed_in(user):
        return Slot.objects.none()
    tamariki = Student.objects.filter(pk__in=own_whanau_links(user).values("student_id"))
    return Slot.objects.upcoming().filter(
        round__in=ConversationRound.objects.bookable(),
        round__school_id__in=tamariki.values("school_id"),
        host__in=teachers_of(tamariki),
    )


def _household_scope(user) -> Q:
    """Bookings of the household a whānau member lives in (or that they made themself), for
    tamariki they still have access to. Separated households each book, and neither sees the
    other's booking or needs."""
    return Q(
        Q(whanau__user=user) | Q(household_id__in=own_household_ids(user)),
        student__in=own_whanau_links(user).values("student_id"),
    )


def bookings_visible_to(user) -> QuerySet:
    """Staff see their students' bookings; whānau their household's."""

    if not signed_in(user):
        return Booking.objects.none()
    return Booking.objects.filter(Q(student__in=students_managed_by(user)) | _household_scope(user))


def own_bookings(user) -> QuerySet:
    """The bookings a whānau member may move and cancel: their household's."""

    if not signed_in(user):
        return Booking.objects.none()
    return Booking.objects.filter(_household_scope(user))


def time_requests_visible_to(user) -> QuerySet:

    if not signed_in(user):
        return TimeRequest.objects.none()
    return TimeRequest.objects.filter(
        Q(student__in=students_managed_by(user))
        | Q(whanau__user=user, student__in=own_whanau_links(user).values("student_id"))
    )
