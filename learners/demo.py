"""Demo goals for the demo school: goals, next steps, activities, agreements, comments, evidence.

Written straight to the tables in bulk (it is fictional data), once per school:
a school that already has goals is left as it is. Registered as a step of
``manage.py seed_demo`` when the app loads (``LearnersConfig.ready``).
"""

import datetime
import random

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from learners.models import Evidence, Goal, GoalAgreement, GoalComment, HomeActivity, NextStep
from partnerships.demo import STEPS
from partnerships.models import School, Student, Voice, WhanauLink

# (learning area, title, what success looks like, next steps as (text, where, taken by))
GOALS = [
    (
        "Mathematics and statistics",
        "Know my times tables to 10",
        "I can answer a times-table question at dinner without counting on my fingers.",
        [
            ("Practise the 7s and 8s", "home", "whanau"),
            ("Play times-table bingo", "school", "student"),
        ],
    ),
    (
        "English",
        "Read chapter books on my own",
        "I can read a chapter a night and tell my whānau what happened.",
        [
            ("Choose a book from the library each Monday", "school", "student"),
            ("Read to someone at home for 10 minutes", "home", "whanau"),
        ],
    ),
    (
        "English",
        "Write a story with a beginning, middle and end",
        "My story has a problem that gets solved, and a reader can follow it.",
        [("Plan the story on a story map first", "school", "teacher")],
    ),
    (
        "Science",
        "Find out how plants grow",
        "I can explain what a seed needs, and show it with my own seedling.",
        [
            ("Plant beans in a jar at home", "home", "whanau"),
            ("Measure them each Friday", "both", "student"),
        ],
    ),
    (
        "Te reo Māori",
        "Introduce myself with my pepeha",
        "I can share my pepeha with the class and with my whānau.",
        [("Ask my grandparents about our maunga and awa", "home", "whanau")],
    ),
    (
        "Health and physical education",
        "Keep trying when something is hard",
        "When I get stuck I try a new way before asking for help.",
        [("Use the 'three before me' poster", "school", "student")],
    ),
]
ACTIVITY = (
    "Times-table snap",
    "Deal a pack of cards face down. Each turn two cards: the first to say their product wins "
    "the pair. Play for ten minutes after dinner.",
)
WHANAU_COMMENTS = [
    "We practise in the car on the way to school — the 7s are still tricky!",
    "She read the whole first chapter to her nana on Sunday.",
    "He told us all about his seedling at dinner. Could he bring one home?",
    "We found our maunga on the map together. Thank you for this.",
]
TEACHER_REPLIES = ["Ka pai! Thank you for telling us.", "Great to hear — let's keep going."]


@STEPS.register("goals", order=10, description="goals with next steps and comments")
def seed_goals(*, school: School, keep_free: frozenset[int] = frozenset(), seed: int = 7) -> int:
    """Give the school's students goals to look at, if it has none yet. Returns goals made.

    Students in ``keep_free`` get goals too: signed in as them, a visitor has goals to see.
    """
    if Goal.objects.filter(student__school=school).exists():
        return 0
    rng = random.Random(seed)
    areas = {area.name: area for area in school.learning_areas.all()}
    dispositions = list(school.dispositions.all())
    students = list(
        Student.objects.filter(school=school)
        .select_related("classroom", "user")
        .prefetch_related(
            "classroom__teachers",
            Prefetch(
                "whanau_links",
                queryset=WhanauLink.objects.with_access().select_related("whanau__user"),
                to_attr="linked",
            ),
        )
        .order_by("pk")
    )
    now = timezone.now()
    with transaction.atomic():
        goals, plans = [], []
        for index, student in enumerate(students):
            teacher = (
                next(iter(student.classroom.teachers.all()), None) if student.classroom else None
            )
            for offset in range(1 + index % 2):
                area, title, success, steps = GOALS[(index + offset * 3) % len(GOALS)]
                whanau = [link.whanau.user for link in student.linked if link.whanau.user]
                proposer_voice, proposer = rng.choice(
                    [
                        (Voice.TEACHER, teacher),
                        (Voice.STUDENT, student.user),
                        (Voice.WHANAU, whanau[0] if whanau else None),
                    ]
                )
                if proposer is None:
                    proposer_voice, proposer = Voice.TEACHER, teacher
                status = Goal.Status.ACHIEVED if offset and index % 5 == 0 else Goal.Status.ACTIVE
                goals.append(
                    Goal(
                        student=student,
                        title=title,
                        success_criteria=success,
                        learning_area=areas.get(area),
                        status=status,
                        target_date=(now + datetime.timedelta(days=30 + index % 40)).date(),
                        proposed_by=proposer,
                        proposed_by_voice=proposer_voice,
                    )
                )
                plans.append((student, teacher, whanau, proposer, proposer_voice, steps))
        Goal.objects.bulk_create(goals)

        agreements, next_steps, comments, evidence, links = [], [], [], [], []
        for goal, (_student, teacher, whanau, proposer, voice, steps) in zip(
            goals, plans, strict=True
        ):
            links.append(goal.dispositions.through(goal=goal, disposition=rng.choice(dispositions)))
            if proposer:
                agreements.append(GoalAgreement(goal=goal, user=proposer, voice=voice))
            if teacher and teacher != proposer and rng.random() < 0.8:
                agreements.append(GoalAgreement(goal=goal, user=teacher, voice=Voice.TEACHER))
            if whanau and whanau[0] != proposer and rng.random() < 0.6:
                agreements.append(GoalAgreement(goal=goal, user=whanau[0], voice=Voice.WHANAU))
            for position, (text, where, taken_by) in enumerate(steps):
                next_steps.append(
                    NextStep(
                        goal=goal,
                        position=position,
                        text=text,
                        where=where,
                        taken_by=taken_by,
                        done_at=now if rng.random() < 0.3 else None,
                    )
                )
            if whanau and rng.random() < 0.5:
                posted = now - datetime.timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8))
                comments.append(
                    GoalComment(
                        goal=goal,
                        author=whanau[0],
                        voice=Voice.WHANAU,
                        body=rng.choice(WHANAU_COMMENTS),
                        created_at=posted,
                    )
                )
                if teacher and rng.random() < 0.5:  # the rest wait in the teacher's inbox
                    comments.append(
                        GoalComment(
                            goal=goal,
                            author=teacher,
                            voice=Voice.TEACHER,
                            body=rng.choice(TEACHER_REPLIES),
                            created_at=posted + datetime.timedelta(hours=5),
                        )
                    )
            if rng.random() < 0.3:
                evidence.append(
                    Evidence(
                        goal=goal,
                        kind=Evidence.Kind.NOTE,
                        voice=Voice.TEACHER,
                        added_by=teacher,
                        note="Worked on this with a buddy today.",
                    )
                )
        Goal.dispositions.through.objects.bulk_create(links)
        GoalAgreement.objects.bulk_create(agreements, ignore_conflicts=True)
        NextStep.objects.bulk_create(next_steps)
        GoalComment.objects.bulk_create(comments)
        Evidence.objects.bulk_create(evidence)
        home_steps = NextStep.objects.filter(goal__student__school=school, where="home")[:10]
        HomeActivity.objects.bulk_create(
            [
                HomeActivity(next_step=step, title=ACTIVITY[0], instructions=ACTIVITY[1])
                for step in home_steps
            ]
        )
    return len(goals)
