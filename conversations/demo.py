"""Demo conversations for the demo school: past conversations and a round of times to book.

Made once per school: a school that already has a round is left as it is. Registered as a
step of ``manage.py seed_demo`` when the app loads (``ConversationsConfig.ready``); the
weekly updates are ``conversations.weekly.demo``'s own step.
"""

import datetime
import random
import zoneinfo

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from conversations.models import (
    Booking,
    ConversationRound,
    LearningConversation,
    Place,
    Reflection,
    Slot,
)
from partnerships.demo import STEPS, hard_to_reach
from partnerships.models import Classroom, School, Student, Voice, WhanauLink

NOTICED = [
    "We noticed she is quick to help others in the class garden.",
    "We noticed he has settled well and is making friends at kai time.",
    "We noticed a real love of picture books, especially ones about the sea.",
]
AT_HOME = [
    "At home he builds huge Lego towns and tells stories about them.",
    "She reads to her younger cousins every weekend.",
    "He is shy with new people but chatty once he knows them.",
]


@STEPS.register("conversations", order=20, description="conversation times in a round")
def seed_conversations(
    *, school: School, keep_free: frozenset[int] = frozenset(), seed: int = 11
) -> int:
    """Give the school a term's round of times and some recorded conversations, once.

    Returns the times made. Students in ``keep_free`` are treated like any other: the
    conversations are the teacher's and the whānau's to book and record, not the student's.
    """
    if ConversationRound.objects.filter(school=school).exists():
        return 0
    rng = random.Random(seed)
    quiet = hard_to_reach(school)
    tz = zoneinfo.ZoneInfo(school.timezone)
    now = timezone.now()
    classes = list(
        Classroom.objects.filter(school=school).prefetch_related(
            "teachers",
            Prefetch(
                "students",
                queryset=Student.objects.prefetch_related(
                    Prefetch(
                        "whanau_links",
                        queryset=WhanauLink.objects.with_access().select_related("whanau__user"),
                        to_attr="linked",
                    )
                ),
            ),
        )
    )
    with transaction.atomic():
        conversation_round = ConversationRound.objects.create(
            school=school, title="Term 4 goal-setting conversations"
        )
        slots, bookings, conversations, reflections = [], [], [], []
        linked = {}
        first_day = timezone.localdate() + datetime.timedelta(days=5)
        for classroom in classes:
            teacher = next(iter(classroom.teachers.all()), None)
            if teacher is None:
                continue
            times = []
            for day_offset, (hour, place) in ((0, (14, Place.AT_SCHOOL)), (1, (19, Place.ONLINE))):
                day = first_day + datetime.timedelta(days=day_offset)
                for i in range(6):
                    starts = datetime.datetime.combine(
                        day, datetime.time(hour, 0), tzinfo=tz
                    ) + datetime.timedelta(minutes=15 * i)
                    times.append(
                        Slot(round=conversation_round, host=teacher, starts_at=starts, place=place)
                    )
            slots.extend(times)
            students = list(classroom.students.all())
            linked.update({student.pk: student.linked for student in students})
            # Some families have booked; the rest show on the teacher's "not booked yet" list.
            for slot, student in zip(times[::2], students[:5], strict=False):
                if student.linked and student.pk not in quiet:
                    link = student.linked[0]
                    bookings.append(
                        Booking(
                            round=conversation_round,
                            slot=slot,
                            student=student,
                            whanau=link.whanau,
                            needs_childcare=rng.random() < 0.3,
                            needs_interpreter=link.whanau.needs_interpreter
                            and bool(link.whanau.interpreter_language),
                            interpreter_language=link.whanau.interpreter_language,
                            confirmation_sent_at=now,
                        )
                    )
            # Past conversations, including transitions for some who started this term.
            for student in students[:4]:
                kind = (
                    LearningConversation.Kind.TRANSITION
                    if student.start_date >= timezone.localdate() - datetime.timedelta(days=120)
                    else LearningConversation.Kind.GOAL_SETTING
                )
                conversations.append(
                    LearningConversation(
                        student=student,
                        kind=kind,
                        recorded_by=teacher,
                        held_at=now - datetime.timedelta(days=rng.randint(3, 40)),
                        place=rng.choice([Place.AT_SCHOOL, Place.AT_HOME, Place.PHONE]),
                        school_noticed=rng.choice(NOTICED),
                        whanau_see=rng.choice(AT_HOME),
                        student_said="I want to get better at reading out loud.",
                        agreed_next_steps="Read together for ten minutes after dinner.",
                        staff_notes="Check in with learning support next week.",
                    )
                )
        Slot.objects.bulk_create(slots)
        Booking.objects.bulk_create(bookings)
        LearningConversation.objects.bulk_create(conversations)
        for conversation in conversations:
            link = next(iter(linked[conversation.student_id]), None)
            if conversation.student_id in quiet:
                continue
            if link and link.whanau.user_id and rng.random() < 0.5:
                reflections.append(
                    Reflection(
                        conversation=conversation,
                        author_id=link.whanau.user_id,
                        voice=Voice.WHANAU,
                        body="It was great to hear what school sees.",
                    )
                )
        Reflection.objects.bulk_create(reflections)
    return len(slots)
