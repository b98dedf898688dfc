"""Demo goals for the demo school: goals, next steps, activities, agreements, comments, evidence;
and the inquiry cycle for a few priority learners.

Written straight to the tables in bulk (it is fictional data), once per school:
a school that already has goals (or inquiry steps) is left as it is. Registered as
one step of ``manage.py seed_demo`` when the app loads (``LearnersConfig.ready``).
"""

import datetime
import random

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from learners.models import (
    Evidence,
    Goal,
    GoalAgreement,
    GoalComment,
    HomeActivity,
    InquiryStep,
    NextStep,
)
from partnerships.demo import STEPS, TEACHER_EMAIL, WHANAU_EMAIL, hard_to_reach
from partnerships.models import Classroom, School, Staff, Student, Voice, WhanauLink

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
# The same four, as a whānau member who prefers te reo Māori writes them (as many, so the demo
# draws the same comments whichever language its families prefer).
WHANAU_COMMENTS_MI = [
    "Ka whakaharatau mātou i roto i te waka i te ara ki te kura — he uaua tonu te 7!",
    "I pānuitia e ia te upoko tuatahi katoa ki tōna kuia i te Rātapu.",
    "I kōrero mai ia mō tana pihi rākau i te kai o te pō. Ka taea e ia te kawe mai tētahi?",
    "I kitea tahitia e mātou tō mātou maunga i te mahere. Ngā mihi mō tēnei.",
]
TEACHER_REPLIES = ["Ka pai! Thank you for telling us.", "Great to hear — let's keep going."]
# The demo's goals are this many days old or more: older than any comment on them, here or
# from a later step (``reports.demo``'s reminders go back twelve days).
GOAL_AGE_DAYS = 14


@STEPS.register("goals", order=10, description="goals with next steps and comments")
def seed_goals(*, school: School, keep_free: frozenset[int] = frozenset(), seed: int = 7) -> int:
    """Give the school's students goals to look at, if it has none yet. Returns goals made.

    Students in ``keep_free`` get goals too: signed in as them, a visitor has goals to see.
    The school's priority learners get their inquiries here as well (``seed_inquiries``).
    """
    seed_inquiries(school=school, keep_free=keep_free)
    if Goal.objects.filter(student__school=school).exists():
        return 0
    rng = random.Random(seed)
    quiet = hard_to_reach(school)
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
                # The families the demo leaves unreached propose, agree and say nothing.
                whanau = [
                    link.whanau.user
                    for link in student.linked
                    if link.whanau.user and student.pk not in quiet
                ]
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
        # Written two to three weeks ago (inside the dashboards' four weeks), so that what
        # follows a goal (its comments, agreements, steps and evidence) comes after it. A
        # goal's creation time is set on insert, so it is dated afterwards.
        for index, goal in enumerate(goals):
            goal.created_at = now - datetime.timedelta(
                days=GOAL_AGE_DAYS + index % 10, hours=rng.randint(0, 8)
            )
        Goal.objects.bulk_update(goals, ["created_at"])

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
                posted = max(posted, goal.created_at + datetime.timedelta(hours=2))
                comments.append(
                    GoalComment(
                        goal=goal,
                        author=whanau[0],
                        voice=Voice.WHANAU,
                        body=rng.choice(
                            WHANAU_COMMENTS_MI
                            if whanau[0].preferred_language == "mi"
                            else WHANAU_COMMENTS
                        ),
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
                            created_at=min(now, posted + datetime.timedelta(hours=5)),
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


# The inquiry cycle ----------------------------------------------------------------------------

S = InquiryStep.Stage
# Each priority learner's inquiry so far, one step a line: ((stage, days ago, author, shared
# with whānau, where), text). The author is their teacher, a leader or their whānau.
INQUIRIES = [
    [  # under way with whānau: it has a whānau entry, and is the demo whānau's to see
        ((S.IDENTIFY, 63, "teacher", False, ""), "Well behind in multiplication; avoids maths."),
        ((S.KNOW, 56, "teacher", True, ""), "A confident speaker who learns by talking it out."),
        ((S.RESPOND, 49, "teacher", True, "both"), "Times-table games each morning and at home."),
        ((S.RESPOND, 35, "whanau", True, "home"), "We play times-table snap after dinner."),
        ((S.IMPACT, 12, "teacher", True, ""), "Knows the 2s, 5s and 10s; answers in maths now."),
    ],
    [  # stalled: nothing written for over six weeks
        ((S.IDENTIFY, 70, "leader", False, ""), "Reading two levels below expected."),
        ((S.KNOW, 50, "teacher", False, ""), "Loves animals; tells long stories about the dog."),
    ],
    [
        ((S.IDENTIFY, 40, "teacher", False, ""), "Away a day most weeks; quiet when back."),
        ((S.KNOW, 33, "teacher", True, ""), "Speaks Samoan at home; loves teaching us words."),
        ((S.RESPOND, 20, "teacher", True, "school"), "Looks after the class garden each day."),
    ],
    [  # round the whole cycle, and refocused
        ((S.IDENTIFY, 68, "leader", False, ""), "Writes a few words a week: nothing to say."),
        ((S.KNOW, 60, "teacher", True, ""), "A keen gamer who explains every level in detail."),
        ((S.RESPOND, 45, "teacher", True, "both"), "Writes game walkthroughs for younger ones."),
        ((S.IMPACT, 20, "teacher", True, ""), "Three walkthroughs in three weeks, with headings."),
        ((S.REFOCUS, 6, "teacher", False, ""), "Next: paragraphs, on something beyond games."),
    ],
    [  # just identified
        ((S.IDENTIFY, 25, "teacher", False, ""), "Finds group work hard; often works alone."),
    ],
]


def seed_inquiries(*, school: School, keep_free: frozenset[int] = frozenset()) -> int:
    """Give a few students an inquiry at different stages, and leave at least one priority
    learner not started. Returns steps made; a school with any inquiry step is left as it is.

    The first inquiry goes to one of the demo whānau's tamariki, so their login has a shared
    step to see and add to; the next to the demo teacher's class. The children in
    ``keep_free`` are left out: a visitor signs in as one, and a child need not see that
    they are a priority learner.
    """
    if InquiryStep.objects.filter(student__school=school).exists():
        return 0
    students = list(
        Student.objects.filter(school=school)
        .exclude(pk__in=keep_free)
        .select_related("classroom")
        .prefetch_related("classroom__teachers")
        .order_by("pk")
    )
    demo_family = set(
        WhanauLink.objects.with_access()
        .filter(student__school=school, whanau__user__email=WHANAU_EMAIL)
        .values_list("student_id", flat=True)
    )
    demo_class = set(
        Classroom.teachers.through.objects.filter(
            classroom__school=school, user__email=TEACHER_EMAIL
        ).values_list("classroom_id", flat=True)
    )
    ranked = sorted(
        students,
        key=lambda s: (
            s.pk not in demo_family,
            s.classroom_id not in demo_class,
            not s.is_priority_learner,
        ),
    )
    chosen, rest = ranked[: len(INQUIRIES)], ranked[len(INQUIRIES) :]
    not_started = [s for s in rest if s.is_priority_learner] or rest[:1]
    leader = (
        Staff.objects.filter(school=school, role=Staff.Role.LEADER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    now = timezone.now()
    steps = []
    for student, inquiry in zip(chosen, INQUIRIES, strict=False):
        teacher = next(iter(student.classroom.teachers.all()), None) if student.classroom else None
        from_whanau = any(who == "whanau" for (_, _, who, _, _), _text in inquiry)
        authors = {
            "teacher": (teacher, Voice.TEACHER),
            "leader": (leader.user if leader else None, Voice.LEADER),
            "whanau": (_whanau_user(student) if from_whanau else None, Voice.WHANAU),
        }
        for (stage, days, who, shared, where), text in inquiry:
            author, voice = authors[who]
            if author is None and who == "whanau":
                continue  # no whānau who sign in: nobody to have written it
            steps.append(
                InquiryStep(
                    student=student,
                    stage=stage,
                    text=text,
                    where=where,
                    shared_with_whanau=shared,
                    author=author,
                    voice=voice,
                    created_at=now - datetime.timedelta(days=days, hours=days % 7),
                )
            )
    with transaction.atomic():
        Student.objects.filter(pk__in=[s.pk for s in chosen + not_started]).update(
            is_priority_learner=True
        )
        InquiryStep.objects.bulk_create(steps)
    return len(steps)


def _whanau_user(student: Student):
    """The demo whānau login if they are this child's whānau, or else their first whānau."""
    links = (
        WhanauLink.objects.with_access()
        .filter(student=student, whanau__user__isnull=False)
        .select_related("whanau__user")
    )
    link = links.filter(whanau__user__email=WHANAU_EMAIL).first() or links.order_by("pk").first()
    return link.whanau.user if link else None
