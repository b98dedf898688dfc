"""Writes for conversations and bookings: each runs in one transaction.

Every write to a student's record is audited: recording and changing a conversation, a
reflection on it, booking, moving and cancelling a time, and a family's request for another
time and its answer (a goal or next step set in a conversation is audited by
``learners.services``). Opening a round is audited on the school; opening or closing it for
booking and the times offered in it (no student's record) are not. Booking or moving a time
writes the family's confirmation email to the outbox in the same transaction.

Who is told what (``conversations.notices``), in the same transaction: whānau and the student
of a conversation with next steps for home; whoever booked, of their time on their home page,
and of the school cancelling it.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations import notices, notifications
from conversations.access import rounds_managed_by
from conversations.models import (
    Booking,
    ConversationRound,
    LearningConversation,
    Reflection,
    Slot,
    TimeRequest,
)
from learners import services as learner_services
from learners.models import Goal, NextStep
from partnerships import audit
from partnerships.access import students_managed_by, teachers_of
from partnerships.models import AuditEvent, School, Student, User, WhanauLink, WhanauMember

MAX_SLOTS_AT_ONCE = 60
CANCEL_REASON_MAX = 200  # a short reason: it is quoted whole in the family's email


# What a conversation's record holds (``conversation_record``, ``conversation_update``).
CONVERSATION_FIELDS = (
    "kind",
    "held_at",
    "place",
    "led_by",
    "student_attended",
    "others",
    "school_noticed",
    "whanau_see",
    "student_said",
    "agreed_next_steps",
    "follow_up_on",
    "staff_notes",
)
CONVERSATION_PEOPLE = ("whanau_attendees", "staff_attendees", "goals")


def _check_conversation_data(data: dict) -> None:
    audit.refuse_unknown(data, {*CONVERSATION_FIELDS, *CONVERSATION_PEOPLE}, what="a conversation")


def _set_people(conversation: LearningConversation, data: dict) -> list[str]:
    """Set who took part and the goals discussed; the names of those that changed."""
    return audit.apply_links(
        conversation, {name: data[name] for name in CONVERSATION_PEOPLE if name in data}
    )


def conversation_record(*, student: Student, by: User, data: dict) -> LearningConversation:
    """Record a conversation already held. ``data`` holds ``CONVERSATION_FIELDS`` and the
    attendees (whānau members, staff users) and goals discussed (``CONVERSATION_PEOPLE``)."""
    _check_conversation_data(data)
    with transaction.atomic():
        conversation = LearningConversation.objects.create(
            student=student,
            recorded_by=by,
            **{name: value for name, value in data.items() if name in CONVERSATION_FIELDS},
        )
        _set_people(conversation, data)
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=conversation,
            student=student,
            summary=_("%(kind)s conversation recorded") % {"kind": conversation.get_kind_display()},
        )
        notices.conversation_recorded_notify(conversation=conversation, by=by)
    return conversation


def conversation_update(
    *, conversation: LearningConversation, by: User, data: dict
) -> LearningConversation:
    """Change a conversation's record, auditing which parts changed."""
    _check_conversation_data(data)
    with transaction.atomic():
        # Compared with the row as stored: a bound model form has already changed the object.
        conversation = (
            LearningConversation.objects.select_for_update()
            .select_related("student")
            .get(pk=conversation.pk)
        )
        changed = audit.apply_changes(
            conversation,
            {name: value for name, value in data.items() if name in CONVERSATION_FIELDS},
        )
        if changed:
            conversation.save(update_fields=[*changed, "updated_at"])
        changed += _set_people(conversation, data)
        if changed:
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=conversation,
                student=conversation.student,
                summary=audit.fields_summary(LearningConversation, changed),
            )
        if "agreed_next_steps" in changed:
            # Next steps for home agreed in words only now: the family hears of it now.
            notices.conversation_recorded_notify(conversation=conversation, by=by)
    return conversation


def conversation_goal_create(
    *, conversation: LearningConversation, by: User, voice: str, **goal
) -> Goal:
    """Set a new goal in a learning conversation; it stays linked to the conversation.

    ``goal`` holds ``learners.services.goal_create``'s goal fields.
    """
    with transaction.atomic():
        new_goal = learner_services.goal_create(
            student=conversation.student, by=by, voice=voice, **goal
        )
        conversation.goals.add(new_goal)
    return new_goal


def conversation_step_create(
    *,
    conversation: LearningConversation,
    goal: Goal,
    by: User,
    text: str,
    where: str,
    taken_by: str,
) -> NextStep:
    """Add a next step agreed in a conversation: linked to it, and the goal with it. A step
    for home tells the family of the conversation, if nothing has yet."""
    with transaction.atomic():
        step = learner_services.next_step_create(
            goal=goal, by=by, text=text, where=where, taken_by=taken_by
        )
        conversation.goals.add(goal)
        conversation.next_steps.add(step)
        if step.where in (NextStep.Where.HOME, NextStep.Where.BOTH):
            notices.conversation_recorded_notify(
                conversation=conversation, by=by, step_text=step.text
            )
    return step


def reflection_add(*, conversation: LearningConversation, by: User, voice: str, body: str):
    with transaction.atomic():
        reflection = Reflection.objects.create(
            conversation=conversation, author=by, voice=voice, body=body
        )
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=conversation,
            student=conversation.student,
            summary=_("Added a reflection"),
        )
    return reflection


# The transition conversation --------------------------------------------------


@dataclass(frozen=True)
class TransitionDue:
    student: Student
    due_on: datetime.date
    days_late: int

    @property
    def is_overdue(self) -> bool:
        return self.days_late > 0


def transitions_due(user, *, today: datetime.date | None = None, horizon_days: int = 14):
    """Students whose transition conversation is overdue or due within the horizon, oldest first.

    Recording a transition conversation clears a student from the list. Two queries.
    """
    today = today or timezone.localdate()
    held = LearningConversation.objects.transitions().filter(student=OuterRef("pk"))
    students = (
        students_managed_by(user)
        .exclude(Exists(held))
        .select_related("school", "classroom")
        .order_by("start_date", "last_name", "pk")
    )
    # Each school sets its own number of days; a person works in very few schools.
    days_by_school = dict(
        School.objects.filter(staff__user=user).values_list("pk", "transition_days")
    )
    window = Q(pk__in=[])
    for school_id, days in days_by_school.items():
        window |= Q(
            school_id=school_id,
            start_date__gt=today - datetime.timedelta(days=days + 365),  # a year late: moved on
            start_date__lte=today + datetime.timedelta(days=horizon_days - days),
        )
    due = []
    for student in students.filter(window):
        due_on = student.start_date + datetime.timedelta(days=days_by_school[student.school_id])
        due.append(TransitionDue(student, due_on, (today - due_on).days))
    return due


# Rounds and times ---------------------------------------------------------------


def round_create(*, school: School, by: User, title: str, kind: str) -> ConversationRound:
    """Open a round of conversations that families book times in."""
    with transaction.atomic():
        conversation_round = ConversationRound.objects.create(
            school=school, created_by=by, title=title, kind=kind
        )
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=conversation_round,
            summary=_("Conversation round opened: %(title)s") % {"title": title},
        )
    return conversation_round


def round_set_open(*, conversation_round: ConversationRound, is_open: bool) -> None:
    """Open a round for booking, or close it (bookings already made stay)."""
    ConversationRound.objects.filter(pk=conversation_round.pk).update(is_open=is_open)


def slots_add(
    *,
    conversation_round: ConversationRound,
    host: User,
    date: datetime.date,
    first: datetime.time,
    last: datetime.time,
    minutes: int,
    place: str,
) -> int:
    """Offer a run of times from ``first`` until ``last`` (school time). Returns how many are new.

    Times the teacher already offers are kept as they are.
    """
    tz = conversation_round.school.zone
    start = datetime.datetime.combine(date, first, tzinfo=tz)
    end = datetime.datetime.combine(date, last, tzinfo=tz)
    if end <= start:
        raise ValidationError(_("The last time must be after the first."))
    if start <= timezone.now():
        raise ValidationError(_("Those times have already passed. Choose a later date or time."))
    starts = []
    while start + datetime.timedelta(minutes=minutes) <= end:
        starts.append(start)
        start += datetime.timedelta(minutes=minutes)
    if not starts:
        raise ValidationError(_("There isn’t room for one conversation between those times."))
    if len(starts) > MAX_SLOTS_AT_ONCE:
        raise ValidationError(
            _("That makes %(n)s times; add at most %(max)s at once.")
            % {"n": len(starts), "max": MAX_SLOTS_AT_ONCE}
        )
    with transaction.atomic():
        existing = set(
            Slot.objects.filter(host=host, starts_at__in=starts).values_list("starts_at", flat=True)
        )
        new = [
            Slot(round=conversation_round, host=host, starts_at=at, minutes=minutes, place=place)
            for at in starts
            if at not in existing
        ]
        Slot.objects.bulk_create(new)
    return len(new)


# Bookings ----------------------------------------------------------------------


class SlotTakenError(Exception):
    """Someone else booked this time first. ``alternatives`` are the nearest free times."""

    def __init__(self, alternatives: list[Slot]):
        super().__init__("taken")
        self.alternatives = alternatives


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


def _check_bookable(*, slot: Slot, student: Student, whanau: WhanauMember) -> None:
    if not WhanauLink.objects.with_access().filter(whanau=whanau, student=student).exists():
        raise ValidationError(_("You can only book for your own tamariki."))
    if not slot.round.is_open:
        raise ValidationError(_("This round of conversations is closed for booking."))
    if slot.starts_at <= timezone.now():
        raise ValidationError(_("That time has already passed. Please choose another."))
    if not teachers_of(Student.objects.filter(pk=student.pk)).filter(pk=slot.host_id).exists():
        raise ValidationError(
            _("That time is with a teacher who doesn’t teach %(name)s.")
            % {"name": student.display_name}
        )


def booking_create(*, slot: Slot, student: Student, whanau: WhanauMember, details: dict) -> Booking:
    """Book a time. If another family got there first, ``SlotTakenError`` offers others."""
    _check_bookable(slot=slot, student=student, whanau=whanau)
    already = Booking.objects.active().filter(
        whanau=whanau, student=student, slot__round_id=slot.round_id
    )
    if already.exists():
        raise ValidationError(
            _("You already have a time for %(name)s in this round. Move it instead.")
            % {"name": student.display_name}
        )
    try:
        with transaction.atomic():
            booking = Booking.objects.create(slot=slot, student=student, whanau=whanau, **details)
            audit.record(
                actor=whanau.user,
                action=AuditEvent.Action.CREATED,
                obj=booking,
                student=student,
                summary=_("Booked a conversation time"),
            )
            notifications.booking_confirmation_enqueue(booking)
            notices.booking_confirmed_notify(booking)
    except IntegrityError as error:
        raise SlotTakenError(nearest_free_slots(slot)) from error
    return booking


def booking_move(*, booking: Booking, slot: Slot) -> Booking:
    """Move to another time in one step: if the new time is taken, the old booking stays.

    Moving to the time already booked (the booking form sent twice) changes nothing and
    sends nothing.
    """
    if slot.pk == booking.slot_id:
        return booking
    _check_bookable(slot=slot, student=booking.student, whanau=booking.whanau)
    details = {
        field: getattr(booking, field)
        for field in (
            "how",
            "needs_childcare",
            "needs_interpreter",
            "interpreter_language",
            "needs_accessible_room",
            "note",
        )
    }
    try:
        with transaction.atomic():
            Booking.objects.filter(pk=booking.pk).update(cancelled_at=timezone.now())
            moved = Booking.objects.create(
                slot=slot, student=booking.student, whanau=booking.whanau, **details
            )
            audit.record(
                actor=booking.whanau.user,
                action=AuditEvent.Action.CHANGED,
                obj=moved,
                student=booking.student,
                summary=_("Moved a conversation time"),
            )
            notifications.booking_confirmation_enqueue(moved)
            notices.booking_confirmed_notify(moved)
    except IntegrityError as error:
        raise SlotTakenError(nearest_free_slots(slot)) from error
    return moved


def booking_cancel(*, booking: Booking, by: User, reason: str = "") -> bool:
    """Cancel a booked time: the family their own, or the school's staff any in their
    school's rounds, with a short reason the whānau member who booked is told at once.

    Cancelling a time already cancelled changes nothing and tells nobody (False).
    """
    reason = " ".join((reason or "").split())
    by_family = booking.whanau.user_id == by.pk
    if not by_family:
        if not rounds_managed_by(by).filter(pk=booking.slot.round_id).exists():
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
            Booking.objects.active().filter(pk=booking.pk).update(cancelled_at=timezone.now())
        )
        if cancelled:
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
            if not by_family:
                notices.booking_cancelled_notify(booking=booking, by=by, reason=reason)
    return bool(cancelled)


def time_request_create(*, conversation_round, student, whanau, message: str) -> TimeRequest:
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
