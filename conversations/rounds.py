"""A school's rounds of conversations and the times offered in them.

A leader opens a round for the whole school or some classes, with the dates families may
book in, how long each conversation is, the breaks, and the ways to meet. Teachers (or a
leader, for every teacher of the round at once) then offer runs of times. Opening a round is
audited on the school; opening or closing it for booking and the times offered (no student's
record) are not.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations import notifications
from conversations.models import Booking, ConversationRound, Place, Slot
from partnerships import audit
from partnerships.access import leads
from partnerships.models import AuditEvent, Classroom, School, User

MAX_SLOTS_AT_ONCE = 60  # for one teacher in one run
# The ways a round may offer, in the order forms show them. (A home visit is arranged with
# the family, not booked from a list of times.)
WAYS = (Place.AT_SCHOOL, Place.PHONE, Place.ONLINE, Place.ELSEWHERE)
MINUTES_MIN, MINUTES_MAX = 5, 120
BREAK_MAX = 60
BREAK_AFTER_MAX = 30
# Booking dates further than this from today are a typing slip (a year of 2062, or of 1).
HORIZON = datetime.timedelta(days=400)
# A conversation can be no longer than this: the furthest back an overlapping time can start.
LONGEST = datetime.timedelta(minutes=240)
LINK_MAX = 500
SATURDAY = 5  # datetime.date.weekday()
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


def _round_errors(fields: dict, classes, school: School) -> dict:
    """What is wrong with a new round's settings, by field, in the leader's words."""
    errors = {}
    now = timezone.now()
    opens_at, closes_at = fields.get("opens_at"), fields.get("closes_at")
    for name, at in (("opens_at", opens_at), ("closes_at", closes_at)):
        if at and abs(at - now) > HORIZON:
            errors[name] = _("Choose a date within a year of today.")
    dates_ok = not errors
    if dates_ok and closes_at and closes_at <= now:
        errors["closes_at"] = _("That is already past: booking must close on a later date.")
    elif dates_ok and opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = _("Booking must close after it opens.")
    if not (fields.get("title") or "").strip():
        errors["title"] = _("Give the round a title, such as “Term 2 goal-setting”.")
    minutes = fields.get("minutes", 15)
    if not MINUTES_MIN <= minutes <= MINUTES_MAX:
        errors["minutes"] = _("Each conversation takes between %(low)s and %(high)s minutes.") % {
            "low": MINUTES_MIN,
            "high": MINUTES_MAX,
        }
    if not 0 <= fields.get("break_minutes", 0) <= BREAK_MAX:
        errors["break_minutes"] = _("A break is at most %(high)s minutes.") % {"high": BREAK_MAX}
    if not 0 <= fields.get("break_after", 0) <= BREAK_AFTER_MAX:
        errors["break_after"] = _("Choose a break after at most %(high)s conversations.") % {
            "high": BREAK_AFTER_MAX
        }
    ways = fields.get("ways")
    if not ways or not set(ways) <= set(WAYS):
        errors["ways"] = _("Choose at least one way to meet.")
    if any(classroom.school_id != school.pk for classroom in classes):
        errors["classes"] = _("Choose classes of your own school.")
    return errors


def round_create(
    *, school: School, by: User, classes: list[Classroom] = (), **fields
) -> ConversationRound:
    """Open a round of conversations that families book times in. ``fields`` holds
    ``ROUND_FIELDS`` (title and kind at least); ``classes`` none for the whole school.

    Only the school's leaders open rounds. Booking with no ``opens_at`` is open from now;
    with no ``closes_at`` it stays open until a leader closes it.
    """
    audit.refuse_unknown(fields, ROUND_FIELDS, what="a round")
    if not leads(by, school.pk):
        raise PermissionDenied(_("Only the school’s leaders open a round of conversations."))
    classes = list(classes)
    fields.setdefault("ways", [Place.AT_SCHOOL])
    errors = _round_errors(fields, classes, school)
    if errors:
        raise ValidationError(errors)
    fields["title"] = fields["title"].strip()
    fields["ways"] = [way for way in WAYS if way in fields["ways"]]
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


def round_set_open(
    *, conversation_round: ConversationRound, is_open: bool, by: User | None = None
) -> None:
    """Open a round for booking, or close it (bookings already made stay). ``by``, when
    given, must lead the round's school."""
    if by is not None and not leads(by, conversation_round.school_id):
        raise PermissionDenied(_("Only the school’s leaders open or close a round."))
    ConversationRound.objects.filter(pk=conversation_round.pk).update(is_open=is_open)


def teachers_of_round(conversation_round: ConversationRound) -> QuerySet:
    """The staff who teach the round's classes (every class of the school, for a whole-school
    round): those a leader may offer times for all at once."""
    classes = Classroom.objects.filter(school_id=conversation_round.school_id)
    chosen = [classroom.pk for classroom in conversation_round.classes.all()]  # prefetched?
    if chosen:
        classes = classes.filter(pk__in=chosen)
    return (
        User.objects.filter(
            classes_taught__in=classes,
            staff_memberships__school_id=conversation_round.school_id,
            staff_memberships__left_at__isnull=True,
        )
        .distinct()
        .order_by("name", "pk")
    )


def times_in_run(
    conversation_round: ConversationRound, start: datetime.datetime, end: datetime.datetime
) -> list[datetime.datetime]:
    """The start of each conversation from ``start`` until ``end``: the round's length each,
    with its break after every so many."""
    length = datetime.timedelta(minutes=conversation_round.minutes)
    pause = datetime.timedelta(minutes=conversation_round.break_minutes)
    if length <= datetime.timedelta(0):  # never a run without end
        return []
    starts = []
    while start + length <= end:
        starts.append(start)
        start += length
        every = conversation_round.break_after
        if every and pause and len(starts) % every == 0:
            start += pause
    return starts


def _clean_link(link: str) -> str:
    """A meeting link families can click: http or https, of a sensible length."""
    link = (link or "").strip()
    if not link:
        return ""
    if len(link) > LINK_MAX:
        raise ValidationError(
            {
                "meeting_link": _("That link is too long: at most %(n)s characters.")
                % {"n": LINK_MAX}
            }
        )
    try:
        URLValidator(schemes=["https", "http"])(link)
    except ValidationError:
        raise ValidationError(
            {"meeting_link": _("Give the whole link, starting with https://.")}
        ) from None
    return link


def meeting_links(conversation_round: ConversationRound, hosts) -> dict[int, str]:
    """Each teacher's meeting link in this round (from their online times), by their id."""
    links = (
        Slot.objects.filter(round=conversation_round, host__in=hosts, place=Place.ONLINE)
        .exclude(meeting_link="")
        .order_by("host_id", "-starts_at")
        .values_list("host_id", "meeting_link")
    )
    found = {}
    for host_id, link in links:
        found.setdefault(host_id, link)
    return found


def _overlapping(host: User, starts: list[datetime.datetime], minutes: int) -> set:
    """Those of ``starts`` that would overlap a time the teacher already offers (in any
    round): a teacher can't be in two conversations at once, and what they offer stays."""
    length = datetime.timedelta(minutes=minutes)
    taken = [
        (slot.starts_at, slot.ends_at)
        for slot in Slot.objects.filter(
            host=host, starts_at__gt=starts[0] - LONGEST, starts_at__lt=starts[-1] + length
        ).only("starts_at", "minutes")
    ]
    return {at for at in starts if any(s < at + length and at < e for s, e in taken)}


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
    include_weekend: bool = False,
) -> int:
    """Offer a run of times from ``first`` until ``last`` (school time), in the round's length
    and breaks. Returns how many are new; times the teacher already offers are kept, and no
    new time overlaps one of them.

    Online times take ``meeting_link``, or the link the teacher already uses in this round.
    A Saturday or Sunday is refused unless ``include_weekend``: families expect school days.
    """
    if not conversation_round.school.staff.filter(user=host).exists():
        raise PermissionDenied(_("Times are offered by the school’s own staff."))
    tz = conversation_round.school.zone
    start = datetime.datetime.combine(date, first, tzinfo=tz)
    end = datetime.datetime.combine(date, last, tzinfo=tz)
    if end <= start:
        raise ValidationError(_("The last time must be after the first."))
    if start <= timezone.now():
        raise ValidationError(_("Those times have already passed. Choose a later date or time."))
    if start - timezone.now() > HORIZON:
        raise ValidationError({"date": _("Choose a date within a year of today.")})
    if date.weekday() >= SATURDAY and not include_weekend:
        day = _("Saturday") if date.weekday() == SATURDAY else _("Sunday")
        raise ValidationError(
            {"date": _("That is a %(day)s: offer times on school days.") % {"day": day}}
        )
    if place not in (conversation_round.ways or [Place.AT_SCHOOL]):
        raise ValidationError({"place": _("This round doesn’t offer that way to meet.")})
    location = " ".join((location or "").split())
    if place == Place.ELSEWHERE and not location:
        raise ValidationError(
            {"location": _("Say where you will meet: for example the marae or the library.")}
        )
    if place == Place.ONLINE:
        meeting_link = _clean_link(meeting_link) or meeting_links(conversation_round, [host]).get(
            host.pk, ""
        )
        if not meeting_link:
            raise ValidationError(
                {"meeting_link": _("Give the link families join the meeting by.")}
            )
    starts = times_in_run(conversation_round, start, end)
    if not starts:
        raise ValidationError(_("There isn’t room for one conversation between those times."))
    if len(starts) > MAX_SLOTS_AT_ONCE:
        raise ValidationError(
            _("That makes %(n)s times; add at most %(max)s at once.")
            % {"n": len(starts), "max": MAX_SLOTS_AT_ONCE}
        )
    with transaction.atomic():
        kept = _overlapping(host, starts, conversation_round.minutes)
        new = run_slots(
            conversation_round,
            host,
            [at for at in starts if at not in kept],
            place=place,
            location=location,
            meeting_link=meeting_link,
        )
        # Two runs sent at once for one teacher: the database keeps one time at each start.
        Slot.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def run_slots(
    conversation_round: ConversationRound,
    host: User,
    starts,
    *,
    place: str,
    location: str = "",
    meeting_link: str = "",
) -> list[Slot]:
    """Unsaved times starting at ``starts``, in the round's length: a room or place only
    where one is met in person, a link only online."""
    return [
        Slot(
            round=conversation_round,
            host=host,
            starts_at=at,
            minutes=conversation_round.minutes,
            place=place,
            location=location if place in (Place.AT_SCHOOL, Place.ELSEWHERE) else "",
            meeting_link=meeting_link if place == Place.ONLINE else "",
        )
        for at in starts
    ]


def slots_add_for_teachers(
    *, conversation_round: ConversationRound, by: User, hosts, **run
) -> tuple[int, int]:
    """A leader offers the same run of times for several teachers at once (``run`` as for
    ``slots_add``): all of them or none. Returns the times made and for how many teachers.

    Online times with no link given use each teacher's own link in the round; a teacher who
    has none yet is named, and nothing is made.
    """
    if not leads(by, conversation_round.school_id):
        raise PermissionDenied(_("Only the school’s leaders offer times for other teachers."))
    hosts = list(hosts)
    if not hosts:
        raise ValidationError(_("No teachers to offer times for: this round’s classes have none."))
    if run.get("place") == Place.ONLINE and not (run.get("meeting_link") or "").strip():
        links = meeting_links(conversation_round, hosts)
        missing = [host.name for host in hosts if host.pk not in links]
        if missing:
            raise ValidationError(
                {
                    "meeting_link": _(
                        "%(names)s have no meeting link in this round yet: give a link for "
                        "everyone, or ask them to set their own first."
                    )
                    % {"names": ", ".join(missing)}
                }
            )
    made, teachers = 0, 0
    with transaction.atomic():
        for host in hosts:
            added = slots_add(conversation_round=conversation_round, host=host, **run)
            made += added
            teachers += bool(added)
    return made, teachers


def meeting_link_set(*, conversation_round: ConversationRound, host: User, link: str) -> int:
    """One meeting link for all the teacher's online times in this round. Families already
    booked at one of them get their confirmation again, with the new link in it and in its
    calendar file (a change to the same event). Returns how many times now use the link."""
    link = _clean_link(link)
    if not link:
        raise ValidationError({"meeting_link": _("Give the link families join the meeting by.")})
    online = Slot.objects.filter(round=conversation_round, host=host, place=Place.ONLINE)
    with transaction.atomic():
        changed = online.exclude(meeting_link=link)
        booked = list(
            Booking.objects.active()
            .filter(slot__in=changed)
            .select_related("slot__round")
            .select_for_update(of=("self",))
        )
        changed.update(meeting_link=link)
        if booked:
            Booking.objects.filter(pk__in=[b.pk for b in booked]).update(
                sequence=F("sequence") + 1, changed_at=timezone.now()
            )
            for booking in booked:
                booking.sequence += 1
                notifications.booking_confirmation_enqueue(booking)
    return online.count()
