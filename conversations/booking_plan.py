"""Siblings back to back: from the free times with each child's own teachers, the sets of
times (one per child) that follow one another with the least waiting between them and never
overlap, so a family can come once and see every teacher in a row.

Plain Python on the times the booking page has already loaded. A family books for a handful
of tamariki (two to four are planned for) with a few dozen times each: for each order of the
children and each first time, the next child takes the time that ends soonest among those
starting after the last one ends (and soon enough to be worth the wait). Taking the
earliest end at each step leaves the most room for the next, so no better chain is missed
for that order and first time; it is a few thousand steps at most.
"""

import bisect
import datetime
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

FEWEST_CHILDREN = 2
MOST_CHILDREN = 4
LONGEST_WAIT = datetime.timedelta(minutes=30)  # between one conversation and the next
SUGGESTIONS = 3


class Timed(Protocol):
    """A time offered (``conversations.models.Slot``): what the planner needs of one."""

    pk: int
    starts_at: datetime.datetime

    @property
    def ends_at(self) -> datetime.datetime: ...


@dataclass(frozen=True)
class Plan:
    """One suggestion: each child's time, in the order they follow one another."""

    times: tuple[tuple[int, Timed], ...]  # (student id, slot)
    waiting: datetime.timedelta  # all the gaps between them, added up

    @property
    def starts_at(self) -> datetime.datetime:
        return self.times[0][1].starts_at


def _clashes(slot: Timed, busy: Iterable[tuple[datetime.datetime, datetime.datetime]]) -> bool:
    return any(slot.starts_at < ends and starts < slot.ends_at for starts, ends in busy)


def _next(slots: Sequence[Timed], starts: list, after: datetime.datetime) -> Timed | None:
    """Of ``slots`` (sorted by start), the one ending soonest that starts once ``after`` has
    passed and no more than the longest wait later."""
    best = None
    for slot in slots[bisect.bisect_left(starts, after) :]:
        if slot.starts_at - after > LONGEST_WAIT:
            break
        if best is None or slot.ends_at < best.ends_at:
            best = slot
    return best


def back_to_back(
    free: dict[int, Sequence[Timed]],
    *,
    busy: Iterable[tuple[datetime.datetime, datetime.datetime]] = (),
    count: int = SUGGESTIONS,
) -> list[Plan]:
    """Up to ``count`` suggestions for the children in ``free`` (student id: their free
    times), least waiting first, no two sharing a time. ``busy`` are times the household has
    already booked: no suggestion overlaps them. Children with no free time are left out;
    with fewer than two left (or more than four) there is nothing to suggest."""
    busy = list(busy)
    usable = {}
    for student_id, slots in free.items():
        kept = sorted(
            (slot for slot in slots if not _clashes(slot, busy)), key=lambda s: s.starts_at
        )
        if kept:
            usable[student_id] = kept
    if not FEWEST_CHILDREN <= len(usable) <= MOST_CHILDREN:
        return []
    starts = {student_id: [s.starts_at for s in slots] for student_id, slots in usable.items()}
    found = {}
    for order in itertools.permutations(usable):
        first, *rest = order
        for slot in usable[first]:
            chain = [(first, slot)]
            for student_id in rest:
                following = _next(usable[student_id], starts[student_id], chain[-1][1].ends_at)
                if following is None:
                    break
                chain.append((student_id, following))
            else:
                waiting = sum(
                    (b.starts_at - a.ends_at for (_, a), (_, b) in itertools.pairwise(chain)),
                    datetime.timedelta(),
                )
                key = frozenset((student_id, s.pk) for student_id, s in chain)
                found.setdefault(key, Plan(times=tuple(chain), waiting=waiting))
    chosen, used = [], set()
    for plan in sorted(found.values(), key=lambda p: (p.waiting, p.starts_at)):
        slots = {slot.pk for _, slot in plan.times}
        if slots & used:
            continue
        chosen.append(plan)
        used |= slots
        if len(chosen) == count:
            break
    return chosen
