"""The demo school's dashboard story: one class where the school does most of the telling.

The apps below leave some families unreached (``partnerships.demo.hard_to_reach``) and
some transition conversations overdue; this step gives the oldest class a teacher who
writes reminders on every goal and hears little back, so the voice balance has a class
to talk about. Registered as a step of ``manage.py seed_demo`` (``ReportsConfig.ready``).
"""

import datetime

from django.utils import timezone

from learners.models import Goal, GoalComment
from partnerships.demo import STEPS
from partnerships.models import Classroom, School, Voice

REMINDERS = [
    "Reminder: reading logs need to be signed every night.",
    "Please make sure homework comes back by Friday.",
    "Spelling test on Thursday: practise the list at home.",
]


@STEPS.register("telling", order=90, description="reminders from a class that tells more")
def seed_telling_class(*, school: School, keep_free: frozenset[int] = frozenset()) -> int:
    """Reminders from the teacher of the school's oldest class on each of its goals, once."""
    classroom = Classroom.objects.filter(school=school).order_by("-year_level", "name").first()
    if (
        classroom is None
        or GoalComment.objects.filter(
            goal__student__classroom=classroom, body__in=REMINDERS
        ).exists()
    ):
        return 0
    teacher = classroom.teachers.first()
    now = timezone.now()
    comments = [
        GoalComment(
            goal=goal,
            author=teacher,
            voice=Voice.TEACHER,
            body=REMINDERS[(goal.pk + n) % len(REMINDERS)],
            created_at=now - datetime.timedelta(days=2 + 5 * n, hours=goal.pk % 7),
        )
        for goal in Goal.objects.filter(student__classroom=classroom)
        for n in range(3)
    ]
    GoalComment.objects.bulk_create(comments)
    return len(comments)
