"""A school's rounds of conversations and the times offered in them.

A leader opens a round for the whole school or some classes, with the dates families may
book in, how long each conversation is, the breaks, and the ways to meet. Teachers (or a
leader, for every teacher of the round at once) then offer runs of times. Opening a round is
audited on the school; opening or closing it for booking and the times offered (no student's
record) are not.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations.models import ConversationRound, Place, Slot
from partnerships import audit
from partnerships.models import AuditEvent, Classroom, School, User

MAX_SLOTS_AT_ONCE = 60  # for one teacher in one run
ROUND_FIELDS = (
    "title",
    "kind",
    "opens_at",
    "closes_at",
    "minutes",
    "break_minutes",
    "break_after",
    "ways",
)


def round_create(
    *, school: School, by: User, classes: list[Classroom] = (), **fields
) -> ConversationRound:
    """Open a round of conversations that families book times in. ``fields`` holds
    ``ROUND_FIELDS`` (title and kind at least); ``classes`` none for the whole school."""
    audit.refuse_unknown(fields, ROUND_FIELDS, what="a round")
    opens_at, closes_at = fields.get("opens_at"), fields.get("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationError({"closes_at": _("Booking must close after it opens.")})
    if any(classroom.school_id != school.pk for classroom in classes):
        raise ValidationError({"classes": _("Choose classes of your own school.")})
    fields.setdefault("ways", [Place.AT_SCHOOL])
    with transaction.atomic():
        conversation_round = ConversationRound.objects.create(
            school=school, created_by=by, per_household=school.bookings_per_household, **fields
        )
        if classes:
            conversation_round.classes.set(classes)
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=conversation_round,
            summary=_("Conversation round opened: %(title)s") % {"title": fields["title"]},
        )
    return conversation_round


def round_set_open(*, conversation_round: ConversationRound, is_open: bool) -> None:
    """Open a round for booking, or close it (bookings already made stay)."""
    ConversationRound.objects.filter(pk=conversation_round.pk).update(is_open=is_open)


def times_in_run(
    conversation_round: ConversationRound, start: datetime.datetime, end: datetime.datetime
) -> list[datetime.datetime]:
    """The start of each conversation from ``start`` until ``end``: the round's length each,
    with its break after every so many."""
    length = datetime.timedelta(minutes=conversation_round.minutes)
    pause = datetime.timedelta(minutes=conversation_round.break_minutes)
    starts = []
    while start + length <= end:
        starts.append(start)
        start += length
        every = conversation_round.break_after
        if every and pause and len(starts) % every == 0:
            start += pause
    return starts


def slots_add(
    *,
    conversation_round: ConversationRound,
    host: User,
    date: datetime.date,
    first: datetime.time,
    last: datetime.time,
    place: str,
    location: str = "",
    meeting_link: str = "",
) -> int:
    """Offer a run of times from ``first`` until ``last`` (school time), in the round's length
    and breaks. Returns how many are new; times the teacher already offers are kept."""
    tz = conversation_round.school.zone
    start = datetime.datetime.combine(date, first, tzinfo=tz)
    end = datetime.datetime.combine(date, last, tzinfo=tz)
    if end <= start:
        raise ValidationError(_("The last time must be after the first."))
    if start <= timezone.now():
        raise ValidationError(_("Those times have already passed. Choose a later date or time."))
    if place not in (conversation_round.ways or [Place.AT_SCHOOL]):
        raise ValidationError(_("This round doesn’t offer that way to meet."))
    if place == Place.ONLINE and not meeting_link:
        raise ValidationError({"meeting_link": _("Give the link families join the meeting by.")})
    starts = times_in_run(conversation_round, start, end)
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
            Slot(
                round=conversation_round,
                host=host,
                starts_at=at,
                minutes=conversation_round.minutes,
                place=place,
                location=location,
                meeting_link=meeting_link if place == Place.ONLINE else "",
            )
            for at in starts
            if at not in existing
        ]
        Slot.objects.bulk_create(new)
    return len(new)
