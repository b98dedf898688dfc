"""Reading a round for the staff who run it: each teacher's times per day with who is coming
and what they need, what the school must arrange (interpreters per language and time,
childcare per day), and whom the round is for. (Who has not booked: ``nudges``.)

Each read is a fixed number of queries however many teachers, days and bookings a round has
(a school of 1,500 students runs one), and the counting is done by the database. Who may
read a round is ``access.rounds_managed_by``; whose times and students, the views decide
with ``partnerships.access``.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, FilteredRelation, Max, Q, QuerySet
from django.db.models.functions import Lower, Trim, TruncDate
from django.utils import dateformat, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conversations.models import Booking, ConversationRound, Slot
from partnerships.models import Classroom, Student, User

# The schedule ------------------------------------------------------------------------


def day_bounds(day: datetime.date, zone) -> tuple[datetime.datetime, datetime.datetime]:
    """From midnight to midnight at the school, whatever daylight saving does that day."""
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
    return start, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), zone)


def round_slots(
    conversation_round: ConversationRound,
    *,
    host_ids: list[int] | None = None,
    day: datetime.date | None = None,
) -> QuerySet[Slot]:
    """The round's times: of these teachers (all, for ``None``), on this school day."""
    slots = Slot.objects.filter(round=conversation_round)
    if host_ids is not None:
        slots = slots.filter(host_id__in=host_ids)
    if day is not None:
        start, end = day_bounds(day, conversation_round.school.zone)
        slots = slots.filter(starts_at__gte=start, starts_at__lt=end)
    return slots


@dataclass(frozen=True)
class Visit:
    """A booked time: the child, who is coming and how, and what they need."""

    student_id: int
    child: str
    classroom: str
    whanau: str
    how: str
    needs_childcare: bool
    needs_interpreter: bool
    interpreter_language: str
    needs_accessible_room: bool
    note: str
    how_label: str


@dataclass(frozen=True)
class Time:
    """One time a teacher offers, and its booking (``None``: free)."""

    starts_at: datetime.datetime  # at the school
    at: str  # the time of day, as the page shows it (escaped)
    location: str
    booking: Visit | None


@dataclass
class HostDay:
    """One teacher's times on one day: a door list."""

    host_id: int
    name: str
    times: list[Time] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # ``time_labels()``, for ``rows``

    @property
    def booked(self) -> int:
        return sum(1 for time in self.times if time.booking is not None)

    @property
    def summary(self) -> str:
        """How many of the times are booked, in words: put in words here rather than by the
        template's translation tag, which took a page of a hundred teachers a while."""
        counter = len(self.times)
        return ngettext(
            "%(booked)s of %(counter)s time booked",
            "%(booked)s of %(counter)s times booked",
            counter,
        ) % {"booked": self.booked, "counter": counter}

    @property
    def rows(self) -> str:
        """The table's rows, as markup. A whole school's schedule is thousands of cells, and
        the template engine drawing them cell by cell was most of the page's time: here each
        row is a few joined strings, every value escaped."""
        return mark_safe("".join(_row(time, self.labels) for time in self.times))  # noqa: S308


def _row(time: Time, labels: dict[str, str]) -> str:
    visit = time.booking
    if visit is None:
        return (
            f'\n    <tr class="schedule-free"><th scope="row" class="text-nowrap">{time.at}</th>'
            f'<td colspan="5" class="text-body-secondary">{labels["free"]}</td></tr>'
        )
    how = escape(visit.how_label)
    if time.location and visit.how == Booking.How.IN_PERSON:
        how += f" · {escape(time.location)}"
    needs = []
    if visit.needs_childcare:
        needs.append(f'<span class="badge text-bg-warning need">{labels["childcare"]}</span> ')
    if visit.needs_interpreter:
        needs.append(
            f'<span class="badge text-bg-warning need">{labels["interpreter"]}: '
            f"{escape(visit.interpreter_language)}</span> "
        )
    if visit.needs_accessible_room:
        needs.append(f'<span class="badge text-bg-warning need">{labels["accessible"]}</span> ')
    if visit.note:
        needs.append(f'<div class="small need-note">{escape(visit.note)}</div>')
    return (
        f'\n    <tr><th scope="row" class="text-nowrap">{time.at}</th>'
        f"<td>{escape(visit.child)}</td><td>{escape(visit.classroom or '—')}</td>"
        f"<td>{escape(visit.whanau)}</td><td>{how}</td><td>{''.join(needs)}</td></tr>"
    )


@dataclass
class Day:
    day: datetime.date
    hosts: list[HostDay]


VISIT_FIELDS = (
    "student_id",
    "student__first_name",
    "student__preferred_name",
    "student__last_name",
    "student__classroom__name",
    "whanau__name",
    "how",
    "needs_childcare",
    "needs_interpreter",
    "interpreter_language",
    "needs_accessible_room",
    "note",
)


def _visit(row: tuple, how_labels: dict[str, str]) -> Visit:
    (student_id, first, preferred, last, classroom, whanau, how, *needs) = row
    # The child's name as ``Student.full_name`` says it, from plain columns: a whole school's
    # schedule builds thousands of these, and rows cost a fraction of model instances.
    name = f"{preferred or first} {last}"
    return Visit(student_id, name, classroom or "", whanau, how, *needs, how_labels[how])


def _active_bookings(conversation_round: ConversationRound, slots: QuerySet[Slot]) -> QuerySet:
    """The active bookings of these times of the round. Named by the round too (a booking
    keeps its slot's round), so the database reads the round's bookings by its index rather
    than every school's."""
    return Booking.objects.active().filter(round_id=conversation_round.pk, slot__in=slots)


def schedule_days(conversation_round: ConversationRound, slots: QuerySet[Slot]) -> list[Day]:
    """The round's times by school day, then by teacher (by name), each teacher's in order,
    with who is booked in each. Two queries: the times, and their active bookings (one at most
    each)."""
    zone = conversation_round.school.zone
    times = list(
        slots.order_by("starts_at", "pk").values_list(
            "pk", "starts_at", "host_id", "host__name", "location"
        )
    )
    how_labels = {value: str(label) for value, label in Booking.How.choices}
    visits = {
        row[0]: _visit(row[1:], how_labels)
        for row in _active_bookings(conversation_round, slots)
        .order_by()
        .values_list("slot_id", *VISIT_FIELDS)
    }
    labels = time_labels()
    by_day: dict[datetime.date, dict[int, HostDay]] = defaultdict(dict)
    # Every teacher offers the same few times of day: each is put in words (and escaped for
    # the page) once.
    said: dict[datetime.time, str] = {}
    for pk, starts_at, host_id, name, location in times:
        local = timezone.localtime(starts_at, zone)
        hosts = by_day[local.date()]
        if host_id not in hosts:
            hosts[host_id] = HostDay(host_id, name, labels=labels)
        if (at := said.get(local.time())) is None:
            at = said[local.time()] = escape(dateformat.time_format(local, "g:i a"))
        hosts[host_id].times.append(Time(local, at, location, visits.get(pk)))
    return [
        Day(day, sorted(hosts.values(), key=lambda h: (h.name.casefold(), h.host_id)))
        for day, hosts in sorted(by_day.items())
    ]


def time_labels() -> dict[str, str]:
    """The words of a teacher's table of times, translated (and escaped) once for a page that
    draws one table per teacher per day; and, as ``head``, the table's head drawn with them."""
    words = {
        "time": _("Time"),
        "child": _("Child"),
        "classroom": _("Class"),
        "whanau": _("Who is coming"),
        "how": _("How"),
        "needs": _("Needs"),
        "free": _("Free"),
        "childcare": _("Childcare"),
        "accessible": _("Accessible room"),
        "interpreter": _("Interpreter"),
    }
    labels = {key: escape(word) for key, word in words.items()}
    # The table's head, drawn once for the page's hundred-odd tables.
    cells = "".join(
        f'\n      <th scope="col">{labels[key]}</th>'
        for key in ("time", "child", "classroom", "whanau", "how", "needs")
    )
    labels["head"] = mark_safe(f"<thead>\n    <tr>{cells}\n    </tr>\n  </thead>")  # noqa: S308
    return labels


def booked_students(conversation_round: ConversationRound, slots: QuerySet[Slot]) -> QuerySet:
    """The children booked in these times of the round: whose records a schedule shows."""
    return Student.objects.filter(
        pk__in=_active_bookings(conversation_round, slots).values("student_id")
    )


def round_hosts(conversation_round: ConversationRound) -> list[tuple[int, str]]:
    """The teachers offering times in the round, by name: a leader's filter."""
    return list(
        User.objects.filter(pk__in=Slot.objects.filter(round=conversation_round).values("host_id"))
        .order_by("name", "pk")
        .values_list("pk", "name")
    )


def round_days(slots: QuerySet[Slot], zone) -> list[datetime.date]:
    """The school days these times fall on."""
    return list(
        slots.annotate(day=TruncDate("starts_at", tzinfo=zone))
        .order_by("day")
        .values_list("day", flat=True)
        .distinct()
    )


# What the school must arrange ---------------------------------------------------------------


def needs_by_day(conversation_round: ConversationRound, slots: QuerySet[Slot]) -> list[dict]:
    """Per school day: times of the round offered and booked, and how many families need
    childcare, an interpreter or an accessible room."""
    # The bookings joined are named by the round (see ``_active_bookings``).
    active = FilteredRelation(
        "bookings",
        condition=Q(bookings__round_id=conversation_round.pk, bookings__cancelled_at__isnull=True),
    )
    return list(
        slots.annotate(
            day=TruncDate("starts_at", tzinfo=conversation_round.school.zone), active=active
        )
        .values("day")
        .annotate(
            times=Count("pk", distinct=True),
            booked=Count("active"),
            childcare=Count("active", filter=Q(active__needs_childcare=True)),
            interpreters=Count("active", filter=Q(active__needs_interpreter=True)),
            accessible=Count("active", filter=Q(active__needs_accessible_room=True)),
        )
        .order_by("day")
    )


@dataclass
class LanguageDay:
    day: datetime.date
    conversations: int = 0
    at_once: int = 0  # the most at the same time: how many interpreters that day
    times: list[tuple[datetime.datetime, int]] = field(default_factory=list)


@dataclass
class LanguageNeed:
    language: str
    conversations: int = 0
    days: list[LanguageDay] = field(default_factory=list)


def interpreters_needed(
    conversation_round: ConversationRound, slots: QuerySet[Slot]
) -> list[LanguageNeed]:
    """Interpreters per language, per day and time. The database counts the conversations at
    each time in each language (“samoan” and “Samoan” are one language); what is left here is
    one row per language and time."""
    zone = conversation_round.school.zone
    rows = (
        _active_bookings(conversation_round, slots)
        .filter(needs_interpreter=True)
        .annotate(language=Lower(Trim("interpreter_language")))
        .values("language", "slot__starts_at")
        .annotate(conversations=Count("pk"), spelled=Max(Trim("interpreter_language")))
        .order_by("language", "slot__starts_at")
    )
    needs: dict[str, LanguageNeed] = {}
    for row in rows:
        need = needs.setdefault(row["language"], LanguageNeed(row["spelled"]))
        at = timezone.localtime(row["slot__starts_at"], zone)
        if not need.days or need.days[-1].day != at.date():
            need.days.append(LanguageDay(at.date()))
        day = need.days[-1]
        day.conversations += row["conversations"]
        day.at_once = max(day.at_once, row["conversations"])
        day.times.append((at, row["conversations"]))
        need.conversations += row["conversations"]
    return sorted(needs.values(), key=lambda need: need.language.casefold())


def teachers_without_times(conversation_round: ConversationRound) -> QuerySet[User]:
    """Teachers of the round's classes (or of every class, for the whole school) on the
    school's staff who have offered no times in it yet."""
    return (
        User.objects.filter(
            classes_taught__in=round_classes(conversation_round),
            staff_memberships__school_id=conversation_round.school_id,
            staff_memberships__left_at__isnull=True,
        )
        .exclude(pk__in=Slot.objects.filter(round=conversation_round).values("host_id"))
        .distinct()
        .order_by("name", "pk")
    )


# Whom a round is for ------------------------------------------------------------------------


def _round_class_ids(conversation_round: ConversationRound) -> QuerySet:
    return ConversationRound.classes.through.objects.filter(
        conversationround_id=conversation_round.pk
    )


def round_classes(conversation_round: ConversationRound) -> QuerySet[Classroom]:
    """The round's classes: those it names, or every class of the school."""
    named = _round_class_ids(conversation_round)
    return Classroom.objects.filter(school_id=conversation_round.school_id).filter(
        Q(pk__in=named.values("classroom_id")) | ~Exists(named)
    )


def round_students(conversation_round: ConversationRound) -> QuerySet[Student]:
    """The students the round is for: in its classes, or the whole school."""
    named = _round_class_ids(conversation_round)
    return Student.objects.filter(school_id=conversation_round.school_id).filter(
        Q(classroom_id__in=named.values("classroom_id")) | ~Exists(named)
    )
