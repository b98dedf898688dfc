"""Demo conversations for the demo school: past conversations and a round open for booking.

The round is the school's, for every class, open for booking since a few days ago and for
about two weeks more: 15-minute conversations with a 10-minute break after every six, at
school, by phone or online. Each class's teacher offers times on the next two school days
(never a weekend or a New Zealand public holiday) at hours that suit families: after school
at school, and in the evening online with their own meeting link. Some families have booked
already, each for their household, some saying what they need; the demo whānau login's
tamariki are left for a visitor to book, and the first evening stays free with both their
teachers so they can be booked back to back.

Made once per school: a school that already has a round is left as it is. Registered as a
step of ``manage.py seed_demo`` when the app loads (``ConversationsConfig.ready``); the
weekly updates are ``conversations.weekly.demo``'s own step.
"""

import datetime
import random

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify

from conversations.models import (
    Booking,
    ConversationRound,
    LearningConversation,
    Place,
    Reflection,
    Slot,
)
from conversations.rounds import run_slots, times_in_run
from partnerships.demo import STEPS, WHANAU_EMAIL, hard_to_reach
from partnerships.households import household_of
from partnerships.models import Classroom, School, Student, Term, Voice, WhanauLink

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
# (from, until, way): after school in the classroom, and after dinner online.
RUNS = (
    (datetime.time(15, 15), datetime.time(17, 0), Place.AT_SCHOOL),
    (datetime.time(18, 30), datetime.time(20, 0), Place.ONLINE),
)
SCHOOL_DAYS = 2  # of conversations, from a few days after the demo is made
BOOKED_PER_CLASS = 5
# Matariki moves with the stars: its public holiday is set in law year by year.
MATARIKI = {
    2025: datetime.date(2025, 6, 20),
    2026: datetime.date(2026, 7, 10),
    2027: datetime.date(2027, 6, 25),
    2028: datetime.date(2028, 7, 14),
    2029: datetime.date(2029, 7, 6),
    2030: datetime.date(2030, 6, 21),
}


def _easter(year: int) -> datetime.date:
    """Easter Sunday (the Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * weekday) // 433
    month = (h + weekday - 7 * m + 90) // 25
    return datetime.date(year, month, (h + weekday - 7 * m + 33 * month + 19) % 32)


def _nth_monday(year: int, month: int, n: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))


def _weekdays_from(day: datetime.date, count: int) -> list[datetime.date]:
    days = []
    while len(days) < count:
        if day.weekday() < 5:  # Monday to Friday
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def public_holidays(year: int) -> set[datetime.date]:
    """New Zealand's national public holidays in ``year``, on the days they are observed (a
    holiday on a weekend moves to the Monday, or Tuesday); regional anniversaries aside."""
    easter = _easter(year)
    holidays = {
        easter - datetime.timedelta(days=2),  # Good Friday
        easter + datetime.timedelta(days=1),  # Easter Monday
        _nth_monday(year, 6, 1),  # King's Birthday
        _nth_monday(year, 10, 4),  # Labour Day
    }
    for month, day in ((2, 6), (4, 25)):  # Waitangi Day, Anzac Day
        holidays.update(_weekdays_from(datetime.date(year, month, day), 1))
    for month, day in ((1, 1), (12, 25)):  # New Year and the day after; Christmas, Boxing Day
        holidays.update(_weekdays_from(datetime.date(year, month, day), 2))
    if year in MATARIKI:
        holidays.add(MATARIKI[year])
    return holidays


def school_days(start: datetime.date, count: int) -> list[datetime.date]:
    """The first ``count`` weekdays from ``start`` on that are not public holidays."""
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5 and day not in public_holidays(day.year):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _round(school: School, today: datetime.date) -> ConversationRound:
    """Booking opened at 8am three days ago, and closes at 9pm in two weeks (school time)."""
    term = Term.objects.filter(school=school, ends_on__gte=today).order_by("starts_on").first()
    title = f"{term.name}: goal-setting conversations" if term else "Goal-setting conversations"
    opens_on, closes_on = today - datetime.timedelta(days=3), today + datetime.timedelta(days=14)
    return ConversationRound.objects.create(
        school=school,
        title=title,
        opens_at=datetime.datetime.combine(opens_on, datetime.time(8, 0), tzinfo=school.zone),
        closes_at=datetime.datetime.combine(closes_on, datetime.time(21, 0), tzinfo=school.zone),
        minutes=15,
        break_minutes=10,
        break_after=6,
        ways=[Place.AT_SCHOOL, Place.PHONE, Place.ONLINE],
        per_household=school.bookings_per_household,
    )


def _times(conversation_round, teacher, classroom, days) -> list[Slot]:
    """The teacher's times: after school in their classroom, the evening online."""
    tz = conversation_round.school.zone
    link = f"https://meet.kowhai.example/{slugify(teacher.name) or teacher.pk}"
    room = classroom.name.split(" (")[0]  # “Rūma Tūī”, without its year levels
    slots = []
    for day in days:
        for first, last, place in RUNS:
            start = datetime.datetime.combine(day, first, tzinfo=tz)
            end = datetime.datetime.combine(day, last, tzinfo=tz)
            slots += run_slots(
                conversation_round,
                teacher,
                times_in_run(conversation_round, start, end),
                place=place,
                location=room,
                meeting_link=link,
            )
    return slots


def _booking(conversation_round, slot, student, link, rng, now) -> Booking:
    """A family's booking, for their household (none in a round with one joint booking)."""
    whanau = link.whanau
    how = Booking.How.ONLINE if slot.place == Place.ONLINE else Booking.How.IN_PERSON
    if how == Booking.How.IN_PERSON and rng.random() < 0.15:
        how = Booking.How.PHONE  # a time at school, taken by phone
    interpreter = whanau.needs_interpreter and bool(whanau.interpreter_language)
    return Booking(
        round=conversation_round,
        slot=slot,
        student=student,
        whanau=whanau,
        household=household_of(whanau) if conversation_round.per_household else None,
        how=how,
        needs_childcare=rng.random() < 0.3,
        needs_interpreter=interpreter,
        interpreter_language=whanau.interpreter_language if interpreter else "",
        confirmation_sent_at=now,
    )


def _bookings(conversation_round, classes, slots_of, quiet, rng, now) -> list[Booking]:
    """Some families of each class have booked (one child per household, so no family is
    in two places at once); families who asked for an interpreter are among the first.

    Never the demo whānau login's tamariki (a visitor books them), nor in the first evening:
    it stays free with every teacher for booking siblings back to back."""
    first_day = min((s.starts_at for slots in slots_of.values() for s in slots), default=None)
    first_evening = (
        timezone.localtime(first_day, conversation_round.school.zone).date() if first_day else None
    )
    bookings, households = [], set()
    for classroom in classes:
        teacher = next(iter(classroom.teachers.all()), None)
        if teacher is None:
            continue
        free = [
            slot
            for slot in slots_of[teacher.pk]
            if not (
                slot.place == Place.ONLINE
                and timezone.localtime(slot.starts_at, conversation_round.school.zone).date()
                == first_evening
            )
            and not getattr(slot, "taken", False)
        ]
        families = [
            (student, student.linked[0])
            for student in classroom.students.all()
            if student.linked
            and student.pk not in quiet
            and not any(link.whanau.email == WHANAU_EMAIL for link in student.linked)
        ]
        families.sort(key=lambda family: not family[1].whanau.needs_interpreter)
        booked = 0
        for student, link in families:
            if booked == BOOKED_PER_CLASS or not free:
                break
            home = link.whanau.household_id or f"member-{link.whanau_id}"
            if home in households:
                continue
            slot = free.pop(rng.randrange(len(free)))
            slot.taken = True
            households.add(home)
            bookings.append(_booking(conversation_round, slot, student, link, rng, now))
            booked += 1
    return bookings


def _conversations(classes, quiet, rng, now) -> tuple[list, list]:
    """Past conversations, including transitions for some who started this term, and some
    families' reflections on them."""
    conversations, reflections = [], []
    for classroom in classes:
        teacher = next(iter(classroom.teachers.all()), None)
        if teacher is None:
            continue
        for student in list(classroom.students.all())[:4]:
            kind = (
                LearningConversation.Kind.TRANSITION
                if student.start_date >= timezone.localdate() - datetime.timedelta(days=120)
                else LearningConversation.Kind.GOAL_SETTING
            )
            conversation = LearningConversation(
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
            conversations.append(conversation)
            link = next(iter(student.linked), None)
            if student.pk in quiet or not (link and link.whanau.user_id):
                continue
            if rng.random() < 0.5:
                reflections.append(
                    Reflection(
                        conversation=conversation,
                        author_id=link.whanau.user_id,
                        voice=Voice.WHANAU,
                        body="It was great to hear what school sees.",
                    )
                )
    return conversations, reflections


@STEPS.register("conversations", order=20, description="conversation times in a round")
def seed_conversations(
    *, school: School, keep_free: frozenset[int] = frozenset(), seed: int = 11
) -> int:
    """Give the school a round open for booking and some recorded conversations, once.

    Returns the times made. Students in ``keep_free`` are treated like any other: the
    conversations are the teacher's and the whānau's to book and record, not the student's.
    """
    if ConversationRound.objects.filter(school=school).exists():
        return 0
    rng = random.Random(seed)
    quiet = hard_to_reach(school)
    now = timezone.now()
    links = WhanauLink.objects.with_access().select_related("whanau__household")
    classes = list(
        Classroom.objects.filter(school=school)
        .order_by("pk")
        .prefetch_related(
            "teachers",
            Prefetch(
                "students",
                queryset=Student.objects.order_by("pk").prefetch_related(
                    Prefetch("whanau_links", queryset=links.order_by("pk"), to_attr="linked")
                ),
            ),
        )
    )
    today = timezone.localdate(now, school.zone)
    days = school_days(today + datetime.timedelta(days=3), SCHOOL_DAYS)
    with transaction.atomic():
        conversation_round = _round(school, today)
        slots_of = {}
        for classroom in classes:
            teacher = next(iter(classroom.teachers.all()), None)
            if teacher is not None and teacher.pk not in slots_of:
                slots_of[teacher.pk] = _times(conversation_round, teacher, classroom, days)
        slots = [slot for times in slots_of.values() for slot in times]
        Slot.objects.bulk_create(slots)
        Booking.objects.bulk_create(
            _bookings(conversation_round, classes, slots_of, quiet, rng, now)
        )
        conversations, reflections = _conversations(classes, quiet, rng, now)
        LearningConversation.objects.bulk_create(conversations)
        Reflection.objects.bulk_create(reflections)  # each now knows its conversation's id
    return len(slots)
