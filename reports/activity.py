"""A term of activity for the demo district: the last ten school weeks of partnership, in bulk.

For each school, ``seed_term`` writes sign-in cards for most classes (so students have a
voice), goals with who proposed and agreed, comments in each voice over the weeks, conversations
of each kind (transitions for newcomers, most with whānau there), a booking round held and one
to come, each week's updates home with deliveries, reads and replies, and priority learners'
inquiries. About a third of classes "tell more than they listen", and the families the demo
leaves unreached (``partnerships.demo.hard_to_reach``) have no contact at all. One transaction
per school, from a ``random.Random`` seeded by its name, in bulk statements whose number does
not grow with the students; a school that has its term (its round) is left as it is.

Demo data only, for benchmarks: never run it against a database real people use.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from conversations.demo import AT_HOME, NOTICED
from conversations.models import Booking, ConversationRound, LearningConversation, Reflection, Slot
from conversations.weekly.demo import LEARNED
from conversations.weekly.models import UpdateDelivery, UpdateReply, WeeklyUpdate, WeekSend
from learners.demo import GOALS, INQUIRIES, TEACHER_REPLIES, WHANAU_COMMENTS
from learners.models import Goal, GoalAgreement, GoalComment, InquiryStep
from partnerships.demo import hard_to_reach
from partnerships.models import School, SignInCard, Student, User, Voice, WhanauLink, new_card_code
from partnerships.outbox import REFUSED

TERM_WEEKS = 10
ROUND_TITLE = "Start-of-term goal-setting conversations"
Kind = LearningConversation.Kind
# One round held in week two, one for next week: (title, kind, open for booking).
ROUNDS = [(ROUND_TITLE, Kind.GOAL_SETTING, False), ("Three-way chats", Kind.THREE_WAY, True)]
# Times families can book: (day of the week, first time, place, how many 15-minute times).
ROUND_TIMES = [(1, datetime.time(15, 30), "school", 6), (2, datetime.time(18), "online", 4)]
BATCH = 2000
LATER_KINDS = [Kind.THREE_WAY, Kind.STUDENT_LED, Kind.DROP_IN, Kind.OTHER]
PLACES = ["school", "school", "home", "phone"]
SAID = {
    Voice.TEACHER: ["Great focus this week!", "Practise the 7s at home, please.", "Ask me why."],
    Voice.STUDENT: ["I did it at home with my nan!", "This one is still hard for me.", "Ka pai!"],
    Voice.WHANAU: WHANAU_COMMENTS,
}
REPLIES = ["Ka pai! We talked about it at dinner.", "Could we talk about the reading?"]


@dataclass
class Learner:
    """A student as the seeding sees them: their teacher, whānau and how their class works."""

    student: Student
    teacher_id: int | None
    links: list[WhanauLink]  # with access, each with its whānau member
    telling: bool  # in a class that tells more than it listens
    reached: bool  # the school has been in touch with their whānau this term

    @property
    def whanau_user(self) -> int | None:  # the one who speaks up, if the school reached them
        users = [link.whanau.user_id for link in self.links if link.whanau.user_id]
        return users[0] if users and self.reached else None


class Seeding:
    """One school's term: its weeks, clock and chances (in its time zone, never after now)."""

    def __init__(self, school: School, rng: random.Random):
        self.rng, self.zone, self.now = rng, school.zone, timezone.now()
        this_week = school.week_of(self.now)
        latest = [this_week - datetime.timedelta(weeks=n) for n in range(TERM_WEEKS)][::-1]
        # School weeks only, where the school has its terms: no activity in the holidays.
        terms = school.terms.values_list("starts_on", "ends_on")
        terms = [(start - datetime.timedelta(start.weekday()), end) for start, end in terms]
        weeks = [this_week - datetime.timedelta(weeks=n) for n in range(52)]
        weeks = [week for week in weeks if any(start <= week <= end for start, end in terms)]
        self.weeks = weeks[:TERM_WEEKS][::-1] if len(weeks) >= TERM_WEEKS else latest

    def during(self, first: int, last: int) -> datetime.datetime:
        """A moment of a school day (or evening) in one of weeks ``first``…``last``."""
        day = self.weeks[self.rng.randint(first, last)] + datetime.timedelta(self.rng.randint(0, 4))
        hour = datetime.time(self.rng.choice((8, 9, 12, 15, 15, 19, 20)), self.rng.randint(0, 59))
        return self.before_now(datetime.datetime.combine(day, hour, self.zone))

    def between(self, start: datetime.datetime, days: float) -> datetime.datetime:
        """A moment up to ``days`` after ``start``, and before now."""
        if start >= self.now:
            return self.before_now(start)
        return start + (min(start + datetime.timedelta(days), self.now) - start) * self.rng.random()

    def before_now(self, moment: datetime.datetime) -> datetime.datetime:
        if moment < self.now:
            return moment
        return self.now - datetime.timedelta(minutes=self.rng.randint(1, 300))

    def odds(self, learner: Learner, listening: float, telling: float) -> bool:
        """A chance that depends on how the learner's class works with families."""
        return self.rng.random() < (telling if learner.telling else listening)


def seed_term(*, school: School) -> dict[str, int]:
    """Give ``school`` a term of activity, once. Returns how many rows of each kind it made."""
    with transaction.atomic():
        if ConversationRound.objects.filter(school=school, title=ROUND_TITLE).exists():
            return {}
        # Made-up data, the same run after run: not for secrets.
        seeding = Seeding(school, random.Random(f"mahi-tahi-term-{school.name}"))  # noqa: S311
        learners = _learners(school, seeding.rng)
        leaders = school.staff.filter(role="leader").order_by("pk")
        leader_id = leaders.values_list("user_id", flat=True).first()
        made = {"cards": _issue_cards(learners)}
        goals = _goals(school, learners, seeding, made)
        _comments(goals, seeding, made)
        _conversations(school, learners, seeding, made)
        _rounds(school, learners, leader_id, seeding, made)
        _weekly_updates(school, learners, seeding, made)
        _inquiries(learners, leader_id, seeding, made)
    return made


def _learners(school: School, rng: random.Random) -> list[Learner]:
    teacher_of: dict[int, int] = {}
    teachers = User.objects.filter(classes_taught__school=school).order_by("classes_taught__pk")
    for class_id, user_id in teachers.values_list("classes_taught", "pk"):
        teacher_of.setdefault(class_id, user_id)
    telling = {pk for pk in sorted(teacher_of) if rng.random() < 1 / 3}
    linked = WhanauLink.objects.with_access().filter(student__school=school).order_by("pk")
    links: dict[int, list[WhanauLink]] = {}
    for link in linked.select_related("whanau"):
        links.setdefault(link.student_id, []).append(link)
    quiet = hard_to_reach(school)
    return [
        Learner(
            student=student,
            teacher_id=teacher_of.get(student.classroom_id),
            links=links.get(student.pk, []),
            telling=student.classroom_id in telling,
            reached=student.pk in links and student.pk not in quiet,
        )
        for student in Student.objects.filter(school=school).order_by("pk")
    ]


def _issue_cards(learners: list[Learner]) -> int:
    """Accounts and cards for students without one, in all but every sixth class."""
    classes = sorted({lr.student.classroom_id for lr in learners if lr.student.classroom_id})
    no_cards = set(classes[5::6])
    new = [lr for lr in learners if lr.student.user_id is None]
    new = [lr for lr in new if lr.student.classroom_id not in no_cards]
    users = [User(name=lr.student.full_name, password=make_password(None)) for lr in new]
    for learner, user in zip(new, User.objects.bulk_create(users, batch_size=BATCH), strict=True):
        learner.student.user = user
    Student.objects.bulk_update([lr.student for lr in new], ["user"], batch_size=BATCH)
    codes = {new_card_code() for _ in range(2 * len(new))}  # random, as the app makes them
    codes -= set(SignInCard.objects.filter(code__in=codes).values_list("code", flat=True))
    cards = [
        SignInCard(student=lr.student, code=code, issued_by_id=lr.teacher_id)
        for lr, code in zip(new, sorted(codes), strict=False)
    ]
    return len(SignInCard.objects.bulk_create(cards, batch_size=BATCH))


def _create(model, rows: list, times: list | None = None, fields=("created_at",)) -> int:
    """Insert in batches; then give ``auto_now_add`` fields the times the rows were written."""
    model.objects.bulk_create(rows, batch_size=BATCH)
    if times is not None:
        for row, moment in zip(rows, times, strict=True):
            for name in fields:
                setattr(row, name, moment)
        model.objects.bulk_update(rows, fields, batch_size=BATCH)
    return len(rows)


def _goals(school: School, learners: list[Learner], seeding: Seeding, made: dict) -> list:
    """Goals with who proposed and who agreed; returns (goal, learner, set at) for each."""
    rng, areas = seeding.rng, dict(school.learning_areas.values_list("name", "pk"))
    goals, plans = [], []
    for index, learner in enumerate(learners):
        for n in range(rng.choice((1, 2, 2, 3))):  # one at the start of term, more later
            area, title, success, _steps = GOALS[(index + n * 3) % len(GOALS)]
            weights = (85, 10, 5) if learner.telling else (35, 40, 25)
            voice = rng.choices((Voice.TEACHER, Voice.STUDENT, Voice.WHANAU), weights)[0]
            by = {Voice.STUDENT: learner.student.user_id, Voice.WHANAU: learner.whanau_user}
            if by.get(voice) is None:
                voice = Voice.TEACHER
            by = by.get(voice, learner.teacher_id)
            set_at = seeding.during(0, 2) if n == 0 else seeding.during(2, TERM_WEEKS - 1)
            status = Goal.Status.ACHIEVED if n == 0 and rng.random() < 0.2 else Goal.Status.ACTIVE
            goals.append(
                Goal(
                    student=learner.student,
                    title=title,
                    success_criteria=success,
                    learning_area_id=areas.get(area),
                    status=Goal.Status.SET_ASIDE if rng.random() < 0.03 else status,
                    target_date=set_at.date() + datetime.timedelta(weeks=rng.randint(4, 10)),
                    proposed_by_id=by,
                    proposed_by_voice=voice,
                )
            )
            plans.append((learner, set_at, (by, voice)))
    made["goals"] = _create(Goal, goals, [p[1] for p in plans], ("created_at", "updated_at"))

    agreements, agreed = [], []
    for goal, (learner, set_at, proposer) in zip(goals, plans, strict=True):
        partners = [proposer, (learner.teacher_id, Voice.TEACHER)]  # the proposer agrees
        if seeding.odds(learner, 0.75, 0.25):
            partners.append((learner.student.user_id, Voice.STUDENT))
        if seeding.odds(learner, 0.7, 0.2):
            partners.append((learner.whanau_user, Voice.WHANAU))
        for user_id, voice in {u: v for u, v in reversed(partners) if u}.items():
            agreements.append(GoalAgreement(goal=goal, user_id=user_id, voice=voice))
            agreed.append(seeding.between(set_at, 10))
    made["agreements"] = _create(GoalAgreement, agreements, agreed, ("agreed_at",))
    return [(goal, plan[0], plan[1]) for goal, plan in zip(goals, plans, strict=True)]


def _comments(goals: list[tuple], seeding: Seeding, made: dict) -> None:
    """Comments in each voice over the weeks since a goal was set; the school answers some."""
    rng, comments = seeding.rng, []
    for goal, learner, set_at in goals:
        days = (seeding.now - set_at).days + 1
        teacher = rng.randint(1, 4) if learner.telling else rng.randint(0, 2)
        said = [(Voice.TEACHER, learner.teacher_id)] * teacher
        if learner.whanau_user:
            times = rng.choice((0, 0, 0, 1)) if learner.telling else rng.randint(0, 3)
            said += [(Voice.WHANAU, learner.whanau_user)] * times
        if learner.student.user_id and not learner.telling:
            said += [(Voice.STUDENT, learner.student.user_id)] * rng.randint(0, 2)
        for voice, author_id in said:
            at = seeding.between(set_at, days)
            comments.append(_comment(goal, voice, author_id, rng.choice(SAID[voice]), at))
            if voice == Voice.WHANAU and learner.teacher_id and seeding.odds(learner, 0.8, 0.4):
                body, later = rng.choice(TEACHER_REPLIES), seeding.between(at, 2)
                comments.append(_comment(goal, Voice.TEACHER, learner.teacher_id, body, later))
    made["comments"] = _create(GoalComment, comments)


def _comment(goal: Goal, voice: str, author_id: int | None, body: str, at) -> GoalComment:
    return GoalComment(goal=goal, voice=voice, author_id=author_id, body=body, created_at=at)


def _conversations(school: School, learners: list[Learner], seeding: Seeding, made: dict) -> None:
    """Conversations this term (a transition one for most newcomers), most with whānau there."""
    rng, settling = seeding.rng, datetime.timedelta(days=school.transition_days)
    conversations, present = [], []
    for learner in (learner for learner in learners if learner.reached):
        held = []
        due = learner.student.start_date + settling
        if due >= seeding.weeks[0] and rng.random() < 0.7:  # the rest overdue, or not yet due
            day = due + datetime.timedelta(days=rng.randint(-3, 10))
            moment = datetime.datetime.combine(day, datetime.time(15, 30), seeding.zone)
            if moment < seeding.now:
                held.append((Kind.TRANSITION, moment))
        if seeding.odds(learner, 0.8, 0.5):
            held.append((Kind.GOAL_SETTING, seeding.during(0, 2)))
        if rng.random() < 0.3:
            held.append((rng.choice(LATER_KINDS), seeding.during(3, TERM_WEEKS - 1)))
        for kind, moment in held:
            present.append(
                (learner, learner.links[: rng.randint(1, 2)] if rng.random() < 0.85 else [])
            )
            conversations.append(
                LearningConversation(
                    student=learner.student,
                    kind=kind,
                    held_at=moment,
                    place=rng.choice(PLACES),
                    led_by=Voice.STUDENT if kind == Kind.STUDENT_LED else Voice.TEACHER,
                    student_attended=kind == Kind.STUDENT_LED or rng.random() < 0.8,
                    school_noticed=rng.choice(NOTICED),
                    whanau_see=rng.choice(AT_HOME) if present[-1][1] else "",
                    agreed_next_steps="Read together for ten minutes after dinner.",
                    recorded_by_id=learner.teacher_id,
                )
            )
    made["conversations"] = _create(LearningConversation, conversations)
    attended = LearningConversation.whanau_attendees.through
    attendees, reflections, reflected = [], [], []
    for conversation, (learner, links) in zip(conversations, present, strict=True):
        for link in links:
            attendees.append(attended(learningconversation=conversation, whanaumember=link.whanau))
        if links and learner.whanau_user and seeding.odds(learner, 0.35, 0.1):
            body = "It was great to hear what school sees."
            reflection = Reflection(conversation=conversation, voice=Voice.WHANAU, body=body)
            reflection.author_id = learner.whanau_user
            reflections.append(reflection)
            reflected.append(seeding.between(conversation.held_at, 3))
    made["whanau_attendees"] = _create(attended, attendees)
    made["reflections"] = _create(Reflection, reflections, reflected)


def _rounds(school: School, learners: list, leader_id, seeding: Seeding, made: dict) -> None:
    """A round held in the term's second week, most families booked, and next week's, filling."""
    rng, zone, classes = seeding.rng, seeding.zone, {}
    for learner in learners:
        if learner.teacher_id and learner.reached:
            classes.setdefault(learner.teacher_id, []).append(learner)
    held, coming = ConversationRound.objects.bulk_create(
        ConversationRound(
            school=school, title=title, kind=kind, is_open=bookable, created_by_id=leader_id
        )
        for title, kind, bookable in ROUNDS
    )
    next_week = seeding.weeks[-1] + datetime.timedelta(weeks=1)
    slots, bookings, booked = [], [], []
    for this_round, week, share in ((held, seeding.weeks[1], 0.8), (coming, next_week, 0.35)):
        for teacher_id, families in classes.items():
            waiting = rng.sample(families, len(families))
            for day, first, place, count in ROUND_TIMES:
                start = datetime.datetime.combine(week + datetime.timedelta(day), first, zone)
                for n in range(count):
                    starts_at = start + datetime.timedelta(minutes=15 * n)
                    slot = Slot(round=this_round, host_id=teacher_id, starts_at=starts_at)
                    slot.place = place
                    slots.append(slot)
                    if not waiting or rng.random() > share:
                        continue
                    link = waiting.pop().links[0]
                    booked.append(seeding.between(starts_at - datetime.timedelta(days=12), 10))
                    bookings.append(
                        Booking(
                            round=this_round,
                            slot=slot,
                            student_id=link.student_id,
                            whanau=link.whanau,
                            how="online" if place == "online" else "in_person",
                            needs_childcare=rng.random() < 0.1,
                            needs_interpreter=link.whanau.needs_interpreter
                            and bool(link.whanau.interpreter_language),
                            interpreter_language=link.whanau.interpreter_language,
                            confirmation_sent_at=booked[-1],
                        )
                    )
    made["slots"] = _create(Slot, slots)
    made["bookings"] = _create(Booking, bookings, booked)


def _weekly_updates(school: School, learners: list, seeding: Seeding, made: dict) -> None:
    """Each week's updates, most sent home, read and answered; any already there are kept."""
    rng, weeks = seeding.rng, seeding.weeks
    there = WeeklyUpdate.objects.filter(student__school=school, week__in=weeks)
    there = set(there.values_list("student_id", "week"))
    sent = set(school.week_sends.filter(week__in=weeks).values_list("week", flat=True))
    sends, updates, plans = [], [], []
    for week in weeks:
        send_at = school.send_time(week)
        gone = send_at <= seeding.now
        if gone and week not in sent:
            sends.append(WeekSend(school=school, week=week, finished_at=send_at))
        for learner in learners:
            unwritten = 0.5 if not learner.reached else (0.15 if learner.telling else 0.07)
            chance, status = rng.random(), WeeklyUpdate.Status.APPROVED
            if (learner.student.pk, week) in there or chance < unwritten:
                continue
            written = send_at - datetime.timedelta(days=2 - 1.5 * rng.random())
            if not learner.reached or chance < unwritten + 0.05 or written >= seeding.now:
                status = WeeklyUpdate.Status.DRAFT
            elif chance < unwritten + 0.09 or (not gone and chance < 0.6):
                status = WeeklyUpdate.Status.SUBMITTED  # waiting for (or missed) approval
            # Approved before the send, so it went in that week's.
            approved = seeding.between(written, 0.4) if status == "approved" else None
            with_teacher = learner.student.year_level <= 2
            updates.append(
                WeeklyUpdate(
                    student=learner.student,
                    week=week,
                    learned=rng.choice(LEARNED),
                    written_with_teacher=with_teacher,
                    author_id=learner.teacher_id if with_teacher else learner.student.user_id,
                    status=status,
                    submitted_at=None if status == "draft" else written,
                    approved_at=approved,
                    approved_by_id=learner.teacher_id if approved else None,
                    queued_at=send_at if approved and gone else None,
                )
            )
            plans.append((learner, send_at))
    _create(WeekSend, sends)
    made["updates"] = _create(WeeklyUpdate, updates)

    deliveries, replies, replied = [], [], []
    for update, (learner, send_at) in zip(updates, plans, strict=True):
        if update.queued_at is None:
            continue
        for link in learner.links:
            if link.receives_weekly_update and link.whanau.email:
                delivery = UpdateDelivery(update=update, whanau=link.whanau, link=link)
                delivery.status = "sent"
                delivery.sent_at = send_at + datetime.timedelta(minutes=2)
                if rng.random() < 0.03:
                    delivery.status, delivery.reason, delivery.sent_at = "failed", REFUSED, None
                elif seeding.odds(learner, 0.6, 0.3):  # opened in the browser
                    delivery.read_at = seeding.between(delivery.sent_at, 3)
                deliveries.append(delivery)
        if learner.whanau_user and seeding.odds(learner, 0.3, 0.08):
            body = rng.choice(REPLIES)
            replies.append(UpdateReply(update=update, author_id=learner.whanau_user, body=body))
            replies[-1].voice = Voice.WHANAU
            replied.append(seeding.between(send_at, 4))
    made["deliveries"] = _create(UpdateDelivery, deliveries)
    made["replies"] = _create(UpdateReply, replies, replied)


def _inquiries(learners: list[Learner], leader_id, seeding: Seeding, made: dict) -> None:
    """Most priority learners' inquiries so far, at every stage; a few not started yet."""
    steps = []
    priority = [lr for lr in learners if lr.student.is_priority_learner and lr.teacher_id]
    for index, learner in enumerate(priority):
        if seeding.rng.random() < 0.2:
            continue
        for (stage, days, who, shared, where), text in INQUIRIES[index % len(INQUIRIES)]:
            authors = {"teacher": learner.teacher_id, "leader": leader_id}
            if (user_id := authors.get(who, learner.whanau_user)) is None:
                continue  # whānau the school has not reached write nothing
            at = seeding.before_now(seeding.now - datetime.timedelta(days=days, hours=index % 9))
            voice = Voice.WHANAU if who == "whanau" else who
            steps.append(
                InquiryStep(
                    student=learner.student,
                    stage=stage,
                    text=text,
                    where=where,
                    shared_with_whanau=shared,
                    author_id=user_id,
                    voice=voice,
                    created_at=at,
                )
            )
    made["inquiry_steps"] = _create(InquiryStep, steps)
