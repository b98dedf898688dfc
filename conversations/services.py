"""Writes for learning conversations: each runs in one transaction.

Every write to a student's record is audited: recording and changing a conversation and a
reflection on it (a goal or next step set in a conversation is audited by
``learners.services``). Whānau and the student of a conversation with next steps for home are
told in the same transaction (``conversations.notices``). Rounds and times are
``conversations.rounds``; families' bookings ``conversations.booking``.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations import notices
from conversations.models import LearningConversation, Reflection
from learners import services as learner_services
from learners.models import Goal, NextStep
from partnerships import audit
from partnerships.access import refuse_if_left, students_managed_by
from partnerships.models import AuditEvent, School, Student, User

# What a conversation's record holds (``conversation_record``, ``conversation_update``).
CONVERSATION_FIELDS = (
    "kind",
    "held_at",
    "place",
    "led_by",
    "student_attended",
    "others",
    "school_noticed",
    "whanau_see",
    "student_said",
    "agreed_next_steps",
    "follow_up_on",
    "staff_notes",
)
CONVERSATION_PEOPLE = ("whanau_attendees", "staff_attendees", "goals")


def _check_conversation_data(data: dict) -> None:
    audit.refuse_unknown(data, {*CONVERSATION_FIELDS, *CONVERSATION_PEOPLE}, what="a conversation")


def _set_people(conversation: LearningConversation, data: dict) -> list[str]:
    """Set who took part and the goals discussed; the names of those that changed."""
    return audit.apply_links(
        conversation, {name: data[name] for name in CONVERSATION_PEOPLE if name in data}
    )


def conversation_record(*, student: Student, by: User, data: dict) -> LearningConversation:
    """Record a conversation already held. ``data`` holds ``CONVERSATION_FIELDS`` and the
    attendees (whānau members, staff users) and goals discussed (``CONVERSATION_PEOPLE``)."""
    _check_conversation_data(data)
    refuse_if_left(student)
    with transaction.atomic():
        conversation = LearningConversation.objects.create(
            student=student,
            recorded_by=by,
            **{name: value for name, value in data.items() if name in CONVERSATION_FIELDS},
        )
        _set_people(conversation, data)
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=conversation,
            student=student,
            summary=_("%(kind)s conversation recorded") % {"kind": conversation.get_kind_display()},
        )
        notices.conversation_recorded_notify(conversation=conversation, by=by)
    return conversation


def conversation_update(
    *, conversation: LearningConversation, by: User, data: dict
) -> LearningConversation:
    """Change a conversation's record, auditing which parts changed."""
    _check_conversation_data(data)
    with transaction.atomic():
        # Compared with the row as stored: a bound model form has already changed the object.
        conversation = (
            LearningConversation.objects.select_for_update()
            .select_related("student")
            .get(pk=conversation.pk)
        )
        changed = audit.apply_changes(
            conversation,
            {name: value for name, value in data.items() if name in CONVERSATION_FIELDS},
        )
        if changed:
            conversation.save(update_fields=[*changed, "updated_at"])
        changed += _set_people(conversation, data)
        if changed:
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=conversation,
                student=conversation.student,
                summary=audit.fields_summary(LearningConversation, changed),
            )
        if "agreed_next_steps" in changed:
            # Next steps for home agreed in words only now: the family hears of it now.
            notices.conversation_recorded_notify(conversation=conversation, by=by)
    return conversation


def conversation_goal_create(
    *, conversation: LearningConversation, by: User, voice: str, **goal
) -> Goal:
    """Set a new goal in a learning conversation; it stays linked to the conversation.

    ``goal`` holds ``learners.services.goal_create``'s goal fields.
    """
    with transaction.atomic():
        new_goal = learner_services.goal_create(
            student=conversation.student, by=by, voice=voice, **goal
        )
        conversation.goals.add(new_goal)
    return new_goal


def conversation_step_create(
    *,
    conversation: LearningConversation,
    goal: Goal,
    by: User,
    text: str,
    where: str,
    taken_by: str,
) -> NextStep:
    """Add a next step agreed in a conversation: linked to it, and the goal with it. A step
    for home tells the family of the conversation, if nothing has yet."""
    with transaction.atomic():
        step = learner_services.next_step_create(
            goal=goal, by=by, text=text, where=where, taken_by=taken_by
        )
        conversation.goals.add(goal)
        conversation.next_steps.add(step)
        if step.where in (NextStep.Where.HOME, NextStep.Where.BOTH):
            notices.conversation_recorded_notify(
                conversation=conversation, by=by, step_text=step.text
            )
    return step


def reflection_add(*, conversation: LearningConversation, by: User, voice: str, body: str):
    refuse_if_left(conversation.student)
    with transaction.atomic():
        reflection = Reflection.objects.create(
            conversation=conversation, author=by, voice=voice, body=body
        )
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=conversation,
            student=conversation.student,
            summary=_("Added a reflection"),
        )
    return reflection


# The transition conversation --------------------------------------------------


@dataclass(frozen=True)
class TransitionDue:
    student: Student
    due_on: datetime.date
    days_late: int

    @property
    def is_overdue(self) -> bool:
        return self.days_late > 0


@dataclass(frozen=True)
class TransitionsDue:
    """Students whose transition conversation is overdue, and those due within the horizon,
    oldest first: querysets, so a page reads only the rows it shows. ``rows`` says when each
    is due (their school's days after they started, read with the school)."""

    overdue: QuerySet[Student]
    upcoming: QuerySet[Student]
    today: datetime.date

    def rows(self, students) -> list[TransitionDue]:
        due = []
        for student in students:
            due_on = student.start_date + datetime.timedelta(days=student.school.transition_days)
            due.append(TransitionDue(student, due_on, (self.today - due_on).days))
        return due


def transitions_due(
    user, *, today: datetime.date | None = None, horizon_days: int = 14
) -> TransitionsDue:
    """Students whose transition conversation is overdue or due within the horizon.

    Recording a transition conversation clears a student from the list. One query for the
    schools' days, then one for each list read.
    """
    today = today or timezone.localdate()
    held = LearningConversation.objects.transitions().filter(student=OuterRef("pk"))
    students = (
        students_managed_by(user)
        .exclude(Exists(held))
        .select_related("school", "classroom")
        .order_by("start_date", "last_name", "pk")
    )
    # Each school sets its own number of days; a person works in very few schools. Due on
    # (start + days) before today is overdue; a year late, the student has moved on.
    days_by_school = dict(
        School.objects.filter(staff__user=user, staff__left_at__isnull=True).values_list(
            "pk", "transition_days"
        )
    )
    overdue, upcoming = Q(pk__in=[]), Q(pk__in=[])
    for school_id, days in days_by_school.items():
        started_due_today = today - datetime.timedelta(days=days)
        overdue |= Q(
            school_id=school_id,
            start_date__gt=started_due_today - datetime.timedelta(days=365),
            start_date__lt=started_due_today,
        )
        upcoming |= Q(
            school_id=school_id,
            start_date__gte=started_due_today,
            start_date__lte=started_due_today + datetime.timedelta(days=horizon_days),
        )
    return TransitionsDue(students.filter(overdue), students.filter(upcoming), today)
