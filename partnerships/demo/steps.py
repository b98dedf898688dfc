"""The demo steps the apps above add for the demo school, run in order after the ground floor.

The ground floor names no app above it: each app registers its step in its
``AppConfig.ready`` (as it registers its page panels), and ``seed_demo`` runs
whatever is registered::

    @STEPS.register("goals", order=10, description="goals with next steps and comments")
    def seed_goals(*, school, keep_free) -> int: ...

A step is called with plain data: ``school`` (the demo school) and ``keep_free``
(ids of the students a visitor signs in as, whose own work this week is left for
them to do). Steps that write what whānau do leave out the families ``hard_to_reach``
names. It makes its rows once (a school that already has them is left as
it is) and returns how many it made; the command prints
"<school>: <count> <description>" when that is more than none.
"""

from collections.abc import Iterator

from partnerships.demo.constants import DEMO_CARD_CODE, WHANAU_EMAIL
from partnerships.models import School, SignInCard, Student
from partnerships.registry import Registry


class Steps(Registry):
    """The demo steps, each registered with its ``description``."""

    def run(self, school: School) -> Iterator[str]:
        """Run each step for ``school``; yields a line for each that made something."""
        keep_free = leave_free(school)
        for step in self:
            made = step.function(school=school, keep_free=keep_free)
            if made:
                yield f"{school.name}: {made} {step.details['description']}"


STEPS = Steps()


def leave_free(school: School) -> frozenset[int]:
    """The students a visitor signs in as (by the printed card code): their week is theirs."""
    return frozenset(
        SignInCard.objects.filter(student__school=school, code=DEMO_CARD_CODE).values_list(
            "student_id", flat=True
        )
    )


def hard_to_reach(school: School) -> frozenset[int]:
    """Students whose whānau the demo leaves unreached: no comment, agreement, reply, booking
    or reflection from them, so the dashboard has families to follow up. Every seventh
    student, never the tamariki of the printed logins (a visitor tries those)."""
    students = (
        Student.objects.filter(school=school)
        .exclude(whanau_links__whanau__email=WHANAU_EMAIL)
        .exclude(sign_in_cards__code=DEMO_CARD_CODE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return frozenset(list(students)[3::7])
