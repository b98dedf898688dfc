"""Families booking conversation times: book (one child or several at once), move, cancel,
and ask for another time. Each write runs in one transaction and is audited on the child's
record; booking or moving writes the confirmation email to the outbox with it.

Who books: in a round ``per_household``, each household books its own conversation per child
(separated parents each their own); otherwise one joint conversation per child, by whichever
household books first. The database holds both rules (``Booking``'s constraints), so two
people of one household booking at the same moment cannot both succeed.

A household's times never overlap, whichever teacher they are with: a parent can't be in
two rooms at once.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations import notices, notifications
from conversations.access import own_bookings, rounds_managed_by
from conversations.models import (
    Booking,
    ConversationRound,
    Place,
    Slot,
    TimeRequest,
    at_school,
)
from partnerships import audit
from partnerships.access import StudentLeftError, refuse_if_left, teachers_of
from partnerships.households import household_of
from partnerships.models import AuditEvent, Household, Student, User, WhanauLink, WhanauMember

CANCEL_REASON_MAX = 200  # a short reason: it is quoted whole in the family's email
DETAILS = (
    "how",
    "needs_childcare",
    "needs_interpreter",
    "interpreter_language",
    "needs_accessible_room",
    "note",
)


class SlotTakenError(Exception):
    """Someone else booked this time first. ``alternatives`` are the nearest free times;
    ``student`` the child it was for, when several were booked at once."""

    def __init__(self, alternatives: list[Slot], student: Student | None = None):
        super().__init__("taken")
        self.alternatives = alternatives
        self.student = student


def nearest_free_slots(slot: Slot, *, count: int = 3) -> list[Slot]:
    """The same teacher's free times in the same round, nearest to ``slot`` first."""
    free = list(
        Slot.objects.upcoming()
        .with_booking_state()
        .filter(round_id=slot.round_id, host_id=slot.host_id, is_taken=False)
        .exclude(pk=slot.pk)
    )
    free.sort(key=lambda other: abs(other.starts_at - slot.starts_at))
    return free[:count]


def ways_for(slot: Slot, conversation_round: ConversationRound) -> list[str]:
    """How a family may meet at this time (``Booking.How``), the slot's own way first: an
    online or phone time is only that; a time in a room may be joined by phone or online
    instead where the round offers those ways."""
    if slot.place == Place.ONLINE:
        return [Booking.How.ONLINE]
    if slot.place == Place.PHONE:
        return [Booking.How.PHONE]
    ways = [Booking.How.IN_PERSON]
    offered = conversation_round.ways or []
    if Place.PHONE in offered:
        ways.append(Booking.How.PHONE)
    if Place.ONLINE in offered:
        ways.append(Booking.How.ONLINE)
    return ways


def clean_details(details: dict, *, slot: Slot) -> dict:
    """What the family said they need, checked; the way to meet defaults to the slot's."""
    audit.refuse_unknown(details, DETAILS, what="a booking")
    cleaned = {name: details[name] for name in DETAILS if name in details}
    ways = ways_for(slot, slot.round)
    cleaned.setdefault("how", ways[0])
    if cleaned["how"] not in ways:
        cleaned["how"] = ways[0]
    cleaned["interpreter_language"] = " ".join(cleaned.get("interpreter_language", "").split())
    if cleaned.get("needs_interpreter") and not cleaned["interpreter_language"]:
        raise ValidationError(
            {"interpreter_language": _("Say which language the interpreter is for.")}
        )
    if not cleaned.get("needs_interpreter"):
        cleaned["interpreter_language"] = ""
    return cleaned


def _refuse_leaver(student: Student) -> None:
    """A leaver's record takes no more bookings (``refuse_if_left``), said as a form error."""
    try:
        refuse_if_left(student)
    except StudentLeftError as error:
        raise ValidationError(str(error)) from error


def _check_bookable(*, slot: Slot, student: Student, whanau: WhanauMember) -> None:
    conversation_round = slot.round
    _refuse_leaver(student)
    if not WhanauLink.objects.with_access().filter(whanau=whanau, student=student).exists():
        raise ValidationError(_("You can only book for your own tamariki."))
    if conversation_round.school_id != student.school_id:
        raise ValidationError(_("That time is at another school."))
    window = conversation_round.window()
    if window == "opens":
        raise ValidationError(
            _("Booking for this round opens on %(when)s.")
            % {"when": at_school(conversation_round.opens_at, conversation_round.school)}
        )
    if window:
        raise ValidationError(_("This round of conversations is closed for booking."))
    if slot.starts_at <= timezone.now():
        raise ValidationError(_("That time has already passed. Please choose another."))
    classes = [c.pk for c in conversation_round.classes.all()]
    if classes and student.classroom_id not in classes:
        raise ValidationError(
            _("This round isn’t for %(name)s’s class.") % {"name": student.display_name}
        )
    if not teachers_of(Student.objects.filter(pk=student.pk)).filter(pk=slot.host_id).exists():
        raise ValidationError(
            _("That time is with a teacher who doesn’t teach %(name)s.")
            % {"name": student.display_name}
        )


def _household(conversation_round: ConversationRound, whanau: WhanauMember) -> Household | None:
    """Who the booking belongs to: the booker's household, or nobody's in a joint round."""
    return household_of(whanau) if conversation_round.per_household else None


def _party(booking_round: ConversationRound, household: Household | None, student: Student):
    """Active bookings of this child in this round that count against a new one."""
    taken = Booking.objects.active().filter(round=booking_round, student=student)
    return taken.filter(household=household) if household else taken.filter(household=None)


def _already_booked(household: Household | None, student: Student) -> ValidationError:
    if household is None:
        return ValidationError(
            _(
                "A conversation time for %(name)s in this round is already booked. "
                "Ask the school if you’d like to join it."
            )
            % {"name": student.display_name}
        )
    return ValidationError(
        _("Your household already has a time for %(name)s in this round. Move it instead.")
        % {"name": student.display_name}
    )


def _check_overlap(slot: Slot, household, whanau: WhanauMember, exclude=()) -> None:
    """Refuse a time that overlaps one the household (or, in a joint round, the booker)
    already has, with any teacher. A household has a handful of times: checked here."""
    mine = Q(household=household) if household else Q(whanau=whanau)
    others = (
        Booking.objects.active()
        .filter(mine, slot__starts_at__lt=slot.ends_at, slot__starts_at__gt=timezone.now())
        .exclude(pk__in=exclude)
        .select_related("slot__host", "slot__round__school", "student")
    )
    for other in others:
        if other.slot.ends_at > slot.starts_at:
            raise ValidationError(
                _(
                    "That time overlaps %(name)s’s conversation with %(host)s at %(when)s. "
                    "Choose a time after it ends."
                )
                % {
                    "name": other.student.display_name,
                    "host": other.slot.host_name,
                    "when": at_school(other.slot.starts_at, other.slot.round.school),
                }
            )


@dataclass(frozen=True)
class Choice:
    """One child's chosen time, when booking several children at once."""

    slot: Slot
    student: Student


def _lock(whanau: WhanauMember, household: Household | None) -> None:
    """Serialise one household's (or one person's) bookings, so the overlap check holds."""
    if household is not None:
        Household.objects.select_for_update().filter(pk=household.pk).first()
    else:
        WhanauMember.objects.select_for_update().filter(pk=whanau.pk).first()


def bookings_create(*, choices: list[Choice], whanau: WhanauMember, details: dict) -> list:
    """Book a time for each chosen child in one go, all or none: siblings back to back.

    If a time was taken a moment before, ``SlotTakenError`` names the child and offers the
    nearest free times; nothing is booked.
    """
    if not choices:
        raise ValidationError(_("Choose a time for at least one child."))
    if len({choice.student.pk for choice in choices}) != len(choices):
        raise ValidationError(_("Choose one time for each child."))
    with transaction.atomic():
        return [_book(choice.slot, choice.student, whanau, details) for choice in choices]


def booking_create(*, slot: Slot, student: Student, whanau: WhanauMember, details: dict) -> Booking:
    """Book a time. If another family got there first, ``SlotTakenError`` offers others."""
    return bookings_create(choices=[Choice(slot, student)], whanau=whanau, details=details)[0]


def _book(slot: Slot, student: Student, whanau: WhanauMember, details: dict) -> Booking:
    _check_bookable(slot=slot, student=student, whanau=whanau)
    cleaned = clean_details(details, slot=slot)
    conversation_round = slot.round
    household = _household(conversation_round, whanau)
    try:
        with transaction.atomic():
            _lock(whanau, household)
            if _party(conversation_round, household, student).exists():
                raise _already_booked(household, student)
            _check_overlap(slot, household, whanau)
            booking = Booking.objects.create(
                round=conversation_round,
                slot=slot,
                student=student,
                whanau=whanau,
                household=household,
                **cleaned,
            )
            audit.record(
                actor=whanau.user,
                action=AuditEvent.Action.CREATED,
                obj=booking,
                student=student,
                summary=_("Booked a conversation time"),
            )
            notifications.booking_confirmation_enqueue(booking)
            notices.booking_confirmed_notify(booking)
            notices.booking_changed_notify(booking, event=notices.BOOKED, by=whanau.user)
    except IntegrityError as error:
        raise _refusal(slot, household, student) from error
    return booking


def _refusal(slot: Slot, household, student: Student) -> Exception:
    """Why the database refused a booking: the time went, or the child was booked."""
    if Booking.objects.active().filter(slot=slot).exists():
        return SlotTakenError(nearest_free_slots(slot), student)
    return _already_booked(household, student)


def booking_move(*, booking: Booking, slot: Slot, details: dict | None = None, by=None) -> Booking:
    """Move a booking to another time in the same round, in place: the calendar event stays
    the same one, moved (``sequence`` counts up). ``details`` are what the family typed on
    the form this time; without them the booking keeps what it had. If the new time is
    taken, the booking stays where it was.

    Moving to the time already booked with nothing new said (the form sent twice) changes
    nothing and sends nothing.
    """
    current = {field: getattr(booking, field) for field in DETAILS}
    wanted = clean_details({**current, **(details or {})}, slot=slot)
    if slot.pk == booking.slot_id and wanted == current:
        return booking
    if slot.round_id != booking.round_id:
        raise ValidationError(_("A time can only move within its round."))
    # Whoever of the household moves it must still be the child's whānau with access; the one
    # who first booked it need not be.
    mover = booking.whanau
    if by is not None:
        mover = (
            WhanauMember.objects.filter(user=by, school_id=booking.student.school_id).first()
            or mover
        )
    _check_bookable(slot=slot, student=booking.student, whanau=mover)
    household = booking.household
    was = booking.slot
    try:
        with transaction.atomic():
            _lock(booking.whanau, household)
            _check_overlap(slot, household, booking.whanau, exclude=[booking.pk])
            moved = (
                Booking.objects.active()
                .filter(pk=booking.pk)
                .update(
                    slot=slot,
                    sequence=F("sequence") + 1,
                    changed_at=timezone.now(),
                    confirmation_sent_at=None,
                    reminder_sent_at=None,
                    **wanted,
                )
            )
            if not moved:
                raise ValidationError(_("That time was cancelled, so it can’t be moved."))
            booking.refresh_from_db()
            summary = (
                _("Moved a conversation time from %(was)s to %(now)s")
                % {
                    "was": at_school(was.starts_at, was.round.school),
                    "now": at_school(slot.starts_at, slot.round.school),
                }
                if slot.pk != was.pk
                else _("Changed what the family need at their conversation time")
            )
            audit.record(
                actor=by or booking.whanau.user,
                action=AuditEvent.Action.CHANGED,
                obj=booking,
                student=booking.student,
                summary=summary,
            )
            notifications.booking_confirmation_enqueue(
                booking, moved_from=was.starts_at if slot.pk != was.pk else None
            )
            notices.booking_confirmed_notify(booking)
            notices.booking_changed_notify(
                booking, event=notices.MOVED, by=by or booking.whanau.user, was=was
            )
    except IntegrityError as error:
        raise SlotTakenError(nearest_free_slots(slot), booking.student) from error
    return booking


def is_family_of(booking: Booking, user: User) -> bool:
    """Whether ``user`` lives in the household the booking belongs to (the rule of
    ``conversations.access.own_bookings``): for a joint booking, the booker's household."""
    return own_bookings(user).filter(pk=booking.pk).exists()


def booking_cancel(*, booking: Booking, by: User, reason: str = "") -> bool:
    """Cancel a booked time: the family their own (anyone of the household), or the school's
    staff any in their school's rounds, with a short reason the family is told at once.

    Cancelling a time already cancelled changes nothing and tells nobody (False).
    """
    reason = " ".join((reason or "").split())
    by_family = is_family_of(booking, by)
    if not by_family:
        if not rounds_managed_by(by).filter(pk=booking.round_id).exists():
            raise PermissionDenied(_("Only the school’s staff cancel a family’s time."))
        if not reason:
            raise ValidationError(_("Say in a few words why the time is cancelled."))
        if len(reason) > CANCEL_REASON_MAX:
            raise ValidationError(
                _("Please keep the reason under %(limit)d characters.")
                % {"limit": CANCEL_REASON_MAX}
            )
    with transaction.atomic():
        cancelled = (
            Booking.objects.active()
            .filter(pk=booking.pk)
            .update(cancelled_at=timezone.now(), sequence=F("sequence") + 1)
        )
        if cancelled:
            booking.refresh_from_db()
            summary = _("Cancelled a conversation time")
            if not by_family:
                summary = _("Cancelled the family’s conversation time. Reason: %(reason)s") % {
                    "reason": reason
                }
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=booking,
                student=booking.student,
                summary=summary,
            )
            # Its email carries the calendar file that takes the time out of their calendar,
            # with the school's reason when the school cancelled.
            notifications.booking_cancellation_enqueue(booking, reason="" if by_family else reason)
            if by_family:
                notices.booking_changed_notify(booking, event=notices.CANCELLED, by=by)
            else:
                notices.booking_cancelled_notify(booking=booking, by=by, reason=reason)
    return bool(cancelled)


def time_request_create(*, conversation_round, student, whanau, message: str) -> TimeRequest:
    _refuse_leaver(student)
    if not WhanauLink.objects.with_access().filter(whanau=whanau, student=student).exists():
        raise ValidationError(_("You can only ask for your own tamariki."))
    with transaction.atomic():
        time_request = TimeRequest.objects.create(
            round=conversation_round, student=student, whanau=whanau, message=message
        )
        audit.record(
            actor=whanau.user,
            action=AuditEvent.Action.CREATED,
            obj=time_request,
            student=student,
            summary=_("Asked for another conversation time"),
        )
    return time_request


def time_request_answer(*, request: TimeRequest, by: User, answer: str) -> TimeRequest:
    request.answer = answer
    request.answered_by = by
    request.answered_at = timezone.now()
    with transaction.atomic():
        request.save(update_fields=["answer", "answered_by", "answered_at"])
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=request,
            student=request.student,
            summary=_("Answered the family’s request for another time"),
        )
    return request
