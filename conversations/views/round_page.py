"""The round's booking page as a family sees it: each child's times with their own teachers,
or the time their household has booked; what the form starts with; the back-to-back
suggestions; and booking the times picked, all or none.

Everything is read in a fixed handful of queries, whatever the number of tamariki and
times; the rest is Python on what was read.
"""

import itertools
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import dateformat, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from conversations import booking as services
from conversations.access import Tamariki, own_bookings, rounds_of_whanau
from conversations.booking_forms import (
    BookingForm,
    has_moved,
    needs_from,
    read_seen,
    seen_value,
)
from conversations.booking_plan import back_to_back
from conversations.models import WHEN, Booking, ConversationRound, Slot
from partnerships.access import own_whanau_links, teacher_ids_by_student
from partnerships.forms import an_id
from partnerships.models import WhanauLink


def when(slot: Slot) -> str:
    """A time as a message names it, in the time zone the page shows times in."""
    return dateformat.format(timezone.localtime(slot.starts_at), WHEN)


def _by_day(slots: list[Slot]) -> list[tuple]:
    """Times grouped by their day, in the time zone the page shows them in."""
    return [
        (day, list(group))
        for day, group in itertools.groupby(
            slots, key=lambda slot: timezone.localtime(slot.starts_at).date()
        )
    ]


@dataclass
class Child:
    """One of the family's tamariki on the round's page."""

    link: WhanauLink
    slots: dict[int, Slot]  # every upcoming time with their teachers, taken or not
    booking: Booking | None = None  # their household's
    booked_jointly: bool = False  # a joint round, booked by another of their whānau
    chosen: int | None = None  # the time picked on the page
    nearest: list[Slot] = field(default_factory=list)  # when theirs was just taken

    @property
    def student(self):
        return self.link.student

    @property
    def free(self) -> list[Slot]:
        return [slot for slot in self.slots.values() if not slot.is_taken]

    @property
    def days(self) -> list[tuple]:
        return _by_day(self.free)

    @property
    def chosen_slot(self) -> Slot | None:
        return self.slots.get(self.chosen)

    @property
    def to_book(self) -> bool:
        return self.booking is None and not self.booked_jointly


def _round_and_links(user, pk: int) -> tuple[ConversationRound, list[WhanauLink], Tamariki]:
    """The round, if it is for one of the member's tamariki; their links to the tamariki it
    is for (at its school, in its classes), by first name; and all their tamariki. The links
    are read first and the round found on their ids: two queries, however many tamariki."""
    links = list(
        own_whanau_links(user)
        .select_related("student", "whanau")
        .order_by("student__first_name", "student__pk")
    )
    tamariki = Tamariki.of_links(links)
    chosen = ConversationRound.classes.through.objects.filter(conversationround=OuterRef("pk"))
    # Which of the tamariki's classes the round is for, asked with the round: a family has a
    # class or two.
    covers = {
        f"covers_{classroom_id}": Exists(chosen.filter(classroom_id=classroom_id))
        for classroom_id in tamariki.classroom_ids
    }
    conversation_round = get_object_or_404(
        rounds_of_whanau(user, tamariki).annotate(whole_school=~Exists(chosen), **covers), pk=pk
    )
    in_round = [
        link
        for link in links
        if link.student.school_id == conversation_round.school_id
        and (
            conversation_round.whole_school
            or getattr(conversation_round, f"covers_{link.student.classroom_id}", False)
        )
    ]
    return conversation_round, in_round, tamariki


class RoundPage:
    """What the round's page shows a family: each child's free times, or their booked time."""

    def __init__(self, request, pk: int):
        user = request.user
        self.round, links, tamariki = _round_and_links(user, pk)
        if not links:
            raise Http404
        self.member = links[0].whanau
        self.window = self.round.window()
        teachers = teacher_ids_by_student([link.student_id for link in links])
        slots = []
        if not self.window:
            # The round and the children are the member's already: their teachers' times in it.
            slots = list(
                Slot.objects.filter(round=self.round, host_id__in=set().union(*teachers.values()))
                .upcoming()
                .with_booking_state()
                .select_related("host")
                .order_by("starts_at", "pk")
            )
        self.bookings = list(
            own_bookings(user, tamariki)
            .active()
            .filter(round=self.round)
            .select_related("slot__host", "whanau")
            .order_by("pk")
        )
        for slot in slots:
            slot.seen = seen_value(slot)  # the value it is picked by, on the page
            # What each time's button says, worked out here once rather than by the template
            # for every button: a busy round offers a family dozens.
            slot.at = dateformat.format(timezone.localtime(slot.starts_at), "g:i a")
            slot.where = slot.way
        self.children = [
            Child(
                link=link,
                slots={s.pk: s for s in slots if s.host_id in teachers[link.student_id]},
            )
            for link in links
        ]
        for booking in self.bookings:
            if (child := self.child(booking.student_id)) is not None:
                child.booking = booking
        if not self.round.per_household:
            # One joint time per child: whether another household booked it is what the
            # booking would be refused with anyway; who booked it, or when, is not shown.
            joint = (
                Booking.objects.active()
                .filter(round=self.round, student_id__in=[link.student_id for link in links])
                .exclude(pk__in=[booking.pk for booking in self.bookings])
                .values_list("student_id", flat=True)
            )
            for student_id in joint:
                self.child(student_id).booked_jointly = True

    def child(self, student_id: int) -> Child | None:
        return next((c for c in self.children if c.student.pk == student_id), None)

    @property
    def to_book(self) -> list[Child]:
        return [child for child in self.children if child.to_book]

    def ways(self) -> list[str]:
        """The ways to meet the free times allow, in the usual order."""
        offered = {
            way
            for child in self.to_book
            for slot in child.free
            for way in services.ways_for(slot, self.round)
        }
        return [way for way in Booking.How.values if way in offered] or [Booking.How.IN_PERSON]

    def needs(self) -> dict:
        """The form starts with what the household said last in this round, or else with
        what the member has told the school they need."""
        return needs_from(self.bookings[-1] if self.bookings else self.member)

    def suggestions(self) -> list[dict]:
        busy = [(b.slot.starts_at, b.slot.ends_at) for b in self.bookings]
        plans = back_to_back({c.student.pk: c.free for c in self.to_book}, busy=busy)
        return [
            {
                "times": [(self.child(student_id), slot) for student_id, slot in plan.times],
                "minutes": int(plan.waiting.total_seconds() // 60),
                "query": urlencode(
                    [("take", f"{student_id}-{slot.pk}") for student_id, slot in plan.times]
                ),
            }
            for plan in plans
        ]

    def take(self, values: list[str]) -> list[Child]:
        """Pick the times a suggestion links to ("<student id>-<slot id>" each); anything
        else (an old link, a time taken since) is left unpicked."""
        taken = []
        for value in values:
            student_id, _sep, slot_id = (an_id(part) for part in value.partition("-"))
            child = self.child(student_id)
            slot = child.slots.get(slot_id) if child and child.to_book else None
            if slot is not None and not slot.is_taken:
                child.chosen = slot.pk
                taken.append(child)
        return taken

    def book(self, request, form: BookingForm) -> list[Booking] | None:
        """Book the time picked for each child, all or none; None when refused, with the
        reason on the form."""
        choices, problems = [], []
        for child in self.children:
            value = request.POST.get(f"time-{child.student.pk}", "")
            if not value:
                continue
            read = read_seen(value)
            slot = child.slots.get(read[0]) if read else None
            name = child.student.display_name
            if slot is None:
                problems.append(
                    _("The time chosen for %(name)s is no longer offered. Please choose another.")
                    % {"name": name}
                )
            elif has_moved(slot, read[1]):
                child.chosen = slot.pk
                problems.append(
                    _(
                        "The time chosen for %(name)s has changed since the page was opened: it "
                        "is now %(when)s. Check it and press Book again."
                    )
                    % {"name": name, "when": when(slot)}
                )
            else:
                child.chosen = slot.pk
                choices.append(services.Choice(slot, child.student))
        if not choices and not problems:
            problems.append(_("Choose a time for at least one of your tamariki."))
        valid = form.is_valid()
        for problem in problems:
            form.add_error(None, problem)
        if problems or not valid:
            return None
        try:
            return services.bookings_create(
                choices=choices, whanau=self.member, details=form.cleaned_data
            )
        except services.SlotTakenError as taken:
            child = self.child(taken.student.pk)
            child.slots[child.chosen].is_taken = True
            child.chosen = None
            child.nearest = [slot for slot in taken.alternatives if slot.pk in child.slots]
            form.add_error(
                None,
                _(
                    "Sorry, someone has just booked the time you chose for %(name)s. Nothing was "
                    "booked: choose another time for %(name)s (the nearest free ones are marked) "
                    "and press Book again."
                )
                % {"name": child.student.display_name},
            )
        except ValidationError as error:
            form.add_error(None, error)
        return None
