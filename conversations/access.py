"""Who may see and change learning conversations, rounds, times, bookings and requests: built
on the students a person may see (``partnerships.access``)."""

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
from partnerships.households import own_household_ids
from partnerships.models import Student


def conversations_visible_to(user) -> QuerySet:
    """Learning conversations of students they may see. Staff-only notes are a template matter:
    ``relation_to(...).can_manage`` decides whether they are shown."""

    return LearningConversation.objects.filter(student__in=students_visible_to(user))


def conversations_managed_by(user) -> QuerySet:

    return LearningConversation.objects.filter(student__in=students_managed_by(user))


def rounds_managed_by(user) -> QuerySet:
    """The rounds of the schools a person works at: any of their staff may see them and offer
    times in them; opening one is for leaders (``conversations.rounds.round_create``)."""

    if not signed_in(user):
        return ConversationRound.objects.none()
    return ConversationRound.objects.filter(school_id__in=staff_school_ids(user))


def rounds_of_whanau(user) -> QuerySet:
    """Rounds for a whānau member's tamariki: at their school, for the whole school or one of
    their classes, open for booking or not (their booking page says when booking opens)."""

    if not signed_in(user):
        return ConversationRound.objects.none()
    tamariki = Student.objects.filter(pk__in=own_whanau_links(user).values("student_id"))
    chosen = ConversationRound.classes.through.objects.filter(conversationround=OuterRef("pk"))
    return ConversationRound.objects.filter(
        ~Exists(chosen) | Exists(chosen.filter(classroom__in=tamariki.values("classroom_id"))),
        school_id__in=tamariki.values("school_id"),
    )


def slots_offered_to(user) -> QuerySet:
    """Times in those rounds with the teachers of a member's tamariki, past or to come, open
    for booking or not: so a page can say why one can't be booked now."""

    if not signed_in(user):
        return Slot.objects.none()
    tamariki = Student.objects.filter(pk__in=own_whanau_links(user).values("student_id"))
    return Slot.objects.filter(round__in=rounds_of_whanau(user), host__in=teachers_of(tamariki))


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
    """Bookings of the household a whānau member lives in now, for tamariki they still have
    access to: separated households each book, and neither sees the other's booking or needs.
    A parent who moves out leaves the old household's bookings behind. A joint booking (no
    household) belongs to whoever booked it and the household they live in."""
    households = own_household_ids(user)
    return Q(
        Q(household_id__in=households)
        | Q(household__isnull=True)
        & (Q(whanau__user=user) | Q(whanau__household_id__in=households)),
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
