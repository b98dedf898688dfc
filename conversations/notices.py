"""What conversations tells people (``partnerships.notices``), and whom. The weekly update's
own notices are in ``conversations.weekly.notices``.

- ``conversation_recorded``: a conversation about the student was recorded with next steps for
  home (agreed in it, or a home step added to it afterwards). Whānau with access and the
  student hear once per conversation, with the agreed next steps in a few words: the shared
  summary, never the staff-only notes.
- ``booking_confirmed``: a time booked (or moved), on the home page of whoever booked it. The
  booking's own email has told them already, so this one is never emailed.
- ``booking_cancelled``: the school cancelled a booked time, with its reason, on the home page
  of whoever booked it. Its email is the booking's own cancellation
  (``conversations.notifications``), which carries the calendar file that takes the time out
  of their calendar, so this one is never emailed.

- ``booking_changed``: for the teacher the time is with: a family booked, moved or cancelled
  it. In a daily digest unless they choose otherwise; their schedule shows it at once.

Each is written in the transaction of the change it tells of (``conversations.services``,
``conversations.booking``).
"""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conversations.models import Booking, LearningConversation, at_school
from partnerships.models import Rhythm
from partnerships.notices import FAMILY, STAFF, family_of, kind, notify

CONVERSATION_RECORDED = kind(
    "conversation_recorded",
    audience=FAMILY,
    label=gettext_noop("Conversations recorded with next steps for home"),
    sentence=gettext_noop(
        "%(who)s recorded a conversation about %(student)s’s learning, with next steps for home"
    ),
    own_sentence=gettext_noop(
        "%(who)s recorded a conversation about your learning, with next steps for home"
    ),
    order=30,
).name
BOOKING_CONFIRMED = kind(
    "booking_confirmed",
    audience=FAMILY,
    label=gettext_noop("Conversation times you book (confirmed in their own email)"),
    sentence=gettext_noop("Your conversation time for %(student)s is booked: %(what)s"),
    always=True,
    order=50,
).name
BOOKING_CANCELLED = kind(
    "booking_cancelled",
    audience=FAMILY,
    label=gettext_noop("Conversation times the school cancels"),
    sentence=gettext_noop("%(who)s cancelled your conversation time for %(student)s: %(what)s"),
    always=True,
    order=51,
).name
BOOKING_CHANGED = kind(
    "booking_changed",
    audience=STAFF,
    label=gettext_noop("Families booking, moving or cancelling conversation times with you"),
    sentence=gettext_noop("%(who)s changed %(student)s’s conversation time: %(what)s"),
    default=Rhythm.DAILY,
    order=30,
).name

BOOKED, MOVED, CANCELLED = "booked", "moved", "cancelled"


def conversation_key(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


def conversation_recorded_notify(
    *, conversation: LearningConversation, by, step_text: str = ""
) -> None:
    """Tell the student's whānau and the student of a conversation with next steps for home;
    once per conversation, however often it is saved or a step added. ``step_text``: the
    home step just added, when the record itself agreed none in words."""
    excerpt = conversation.agreed_next_steps.strip() or step_text
    if not excerpt:
        return
    student = conversation.student
    notify(
        kind=CONVERSATION_RECORDED,
        key=conversation_key(conversation.pk),
        student=student,
        actor=by,
        title=conversation.get_kind_display(),
        excerpt=excerpt,
        url=conversation.get_absolute_url(),
        whanau=family_of(student),
        users=[student.user] if student.user_id else [],
    )


def _when(booking: Booking, language: str) -> str:
    """The booking's time and teacher, in the reader's language and the school's time zone."""
    slot = booking.slot
    with translation.override(language):
        return _("%(when)s with %(host)s") % {
            "when": at_school(slot.starts_at, slot.round.school),
            "host": slot.host_name,
        }


def booking_confirmed_notify(booking: Booking) -> None:
    """On the home page of the whānau member who booked: their time, and who with."""
    member = booking.whanau
    notify(
        kind=BOOKING_CONFIRMED,
        key=f"booking:{booking.pk}:booked:{booking.sequence}",
        student=booking.student,
        actor=None,  # they booked it themself: the notice is for them
        title=_when(booking, member.preferred_language),
        url=reverse("booking_detail", args=[booking.pk]),
        whanau=[member],
        email=False,
    )


def booking_cancelled_notify(*, booking: Booking, by, reason: str) -> None:
    """Tell the whānau member who booked that the school cancelled their time, and why."""
    member = booking.whanau
    notify(
        kind=BOOKING_CANCELLED,
        key=f"booking:{booking.pk}:cancelled",
        student=booking.student,
        actor=by,
        title=_when(booking, member.preferred_language),
        excerpt=reason,
        url=reverse("my_bookings"),
        whanau=[member],
        email=False,
    )


def _for_host(booking: Booking, host, event: str, was=None) -> str:
    """What changed, for the teacher: in their language, in the school's time."""
    with translation.override(host.preferred_language):
        return _change(booking, host, event, was)


def _change(booking: Booking, host, event: str, was) -> str:
    school = booking.round.school
    at = at_school(booking.slot.starts_at, school)
    if event == MOVED and was is not None:
        before = at_school(was.starts_at, school)
        if booking.slot.host_id != host.pk:
            return _("moved away from your %(was)s time") % {"was": before}
        return _("moved from %(was)s to %(when)s") % {"was": before, "when": at}
    if event == CANCELLED:
        return _("cancelled their time on %(when)s") % {"when": at}
    return _("booked %(when)s") % {"when": at}


def booking_changed_notify(booking: Booking, *, event: str, by, was=None) -> None:
    """Tell the teacher the time is with (and, on a move between teachers, the one it left)
    that a family booked, moved or cancelled it. Once per change."""
    hosts = {booking.slot.host_id: booking.slot.host}
    if was is not None:
        hosts.setdefault(was.host_id, was.host)
    for host in hosts.values():
        notify(
            kind=BOOKING_CHANGED,
            key=f"booking:{booking.pk}:{event}:{booking.sequence}",
            student=booking.student,
            actor=by,
            title=_for_host(booking, host, event, was),
            url=reverse("round_detail", args=[booking.round_id]),
            users=[host],
        )


# Reminders to book -------------------------------------------------------------------------
# ``booking_nudge``: the school asks whānau with access to a child who has no time booked in a
# round (their household has none, where each household books its own) to book one. Once per
# reader, child and round, at each reader's rhythm and outside their quiet hours.

BOOKING_NUDGE = kind(
    "booking_nudge",
    audience=FAMILY,
    label=gettext_noop("Reminders to book a conversation time"),
    sentence=gettext_noop("%(who)s asks you to book a conversation time for %(student)s: %(what)s"),
    order=52,
).name


def nudge_key(round_id: int, student_id: int | str) -> str:
    """A reminder's key: with its reader, once per child per round (``student_id`` empty: the
    start every key of the round shares)."""
    return f"round:{round_id}:nudge:{student_id}"


def booking_nudge_notify(*, conversation_round, student, by, whanau) -> list:
    """Remind these whānau members of the child to book a time in the round, with the round's
    booking page; those reminded for the child in this round before are not told again."""
    return notify(
        kind=BOOKING_NUDGE,
        key=nudge_key(conversation_round.pk, student.pk),
        student=student,
        actor=by,
        title=conversation_round.title,
        url=reverse("round_book", args=[conversation_round.pk]),
        whanau=whanau,
    )
