"""Rows for the conversations app's URLs: conversation records, rounds, times, bookings."""

import datetime

from django.urls import reverse
from django.utils import timezone

from conversations.booking_forms import seen_value
from conversations.models import LearningConversation, Place
from tests.access.outcomes import (
    ANY_LEADER,
    ANY_STAFF,
    FORM_ERRORS,
    GET_ONLY,
    PAGE,
    POST_ONLY,
    SAVED,
    SEES_STUDENT,
    STAFF_OF_STUDENT,
    WHANAU_WITH_ACCESS,
    Row,
    only,
)
from tests.access.rows_learners import GOAL, STEP

SCHOOL_STAFF = ("leader", "teacher", "other_teacher")  # any staff of the world's school


def _conversation_body(things) -> dict:
    held_at = timezone.localtime() - datetime.timedelta(days=1)
    return {
        "kind": LearningConversation.Kind.GOAL_SETTING,
        "held_at": held_at.strftime("%Y-%m-%dT%H:%M"),
        "place": Place.AT_SCHOOL,
        "led_by": "student",
        "student_attended": "on",
        "school_noticed": "We noticed she loves the water.",
    }


def _round_body(things) -> dict:
    closes_at = timezone.localtime() + datetime.timedelta(days=14)
    return {
        "title": "Term 2 three-way conversations",
        "kind": "three_way",
        "closes_at": closes_at.strftime("%Y-%m-%dT%H:%M"),
        "minutes": 15,
        "break_minutes": 10,
        "break_after": 6,
        "ways": [Place.AT_SCHOOL, Place.ONLINE],
    }


ROWS = {
    "conversation_list": Row(
        url=lambda t: reverse("conversation_list", args=[t.world.student.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    "conversation_create": Row(
        url=lambda t: reverse("conversation_create", args=[t.world.student.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=only(STAFF_OF_STUDENT, SAVED),
        data=_conversation_body,
    ),
    # The shared summary for the team; its staff-only notes are checked in test_matrix.
    "conversation_detail": Row(
        url=lambda t: reverse("conversation_detail", args=[t.conversation.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    "conversation_edit": Row(
        url=lambda t: reverse("conversation_edit", args=[t.conversation.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=only(STAFF_OF_STUDENT, SAVED),
        data=_conversation_body,
    ),
    # Goals and steps agreed in a conversation: only the student's teachers and leaders.
    "conversation_goal_create": Row(
        url=lambda t: reverse("conversation_goal_create", args=[t.conversation.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: GOAL,
    ),
    "conversation_step_create": Row(
        url=lambda t: reverse(
            "conversation_step_create", args=[t.conversation.pk, t.world.goal.pk]
        ),
        get=POST_ONLY,
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: STEP,
    ),
    # Everyone on the team may reflect on a conversation.
    "reflection_add": Row(
        url=lambda t: reverse("reflection_add", args=[t.conversation.pk]),
        get=POST_ONLY,
        post=only(SEES_STUDENT, SAVED),
        data=lambda t: {"body": "It helped to hear what she says at home."},
    ),
    "transitions": Row(
        url=lambda t: reverse("transitions"),
        get=only(ANY_STAFF, PAGE),
        post=GET_ONLY,
    ),
    # Any staff member sees their school's rounds; its leaders open them.
    "round_list": Row(
        url=lambda t: reverse("round_list"),
        get=only(ANY_STAFF, PAGE),
        post=only(ANY_LEADER, SAVED),
        data=_round_body,
    ),
    # Any of the school's staff may offer times in its rounds; its leaders open or close them.
    "round_detail": Row(
        url=lambda t: reverse("round_detail", args=[t.round.pk]),
        get=only(SCHOOL_STAFF, PAGE),
        post=only(["leader"], SAVED),
        data=lambda t: {"action": "close"},
    ),
    # The round is for every family of the school: each sees their own tamariki (the other
    # family's teacher has no times yet), and books only their own.
    "round_book": Row(
        url=lambda t: reverse("round_book", args=[t.slot.round_id]),
        get=only(WHANAU_WITH_ACCESS, PAGE),
        post=only(["whanau"], SAVED) | {"other_whanau": FORM_ERRORS},
        data=lambda t: {
            "action": "book",
            f"time-{t.world.student.pk}": seen_value(t.slot),
            "how": "in_person",
            "needs_interpreter": "on",
            "interpreter_language": "Tongan",
        },
    ),
    "time_request_answer": Row(
        url=lambda t: reverse("time_request_answer", args=[t.time_request.pk]),
        get=POST_ONLY,
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: {"answer": "Thursday at 6pm works for me."},
    ),
    "slot_book": Row(
        url=lambda t: reverse("slot_book", args=[t.slot.pk, t.world.student.pk]),
        get=only(["whanau"], PAGE),
        post=only(["whanau"], SAVED),
        data=lambda t: {"how": "in_person", "note": "We'll come straight from work."},
    ),
    "my_bookings": Row(
        url=lambda t: reverse("my_bookings"),
        get=only(WHANAU_WITH_ACCESS, PAGE),
        post=GET_ONLY,
    ),
    # The student's staff, and the whānau member who booked (not other households).
    "booking_detail": Row(
        url=lambda t: reverse("booking_detail", args=[t.booking.pk]),
        get=only([*STAFF_OF_STUDENT, "whanau"], PAGE),
        post=GET_ONLY,
    ),
    # The calendar file: for whoever may see the booking.
    "booking_calendar": Row(
        url=lambda t: reverse("booking_calendar", args=[t.booking.pk]),
        get=only([*STAFF_OF_STUDENT, "whanau"], PAGE),
        post=GET_ONLY,
    ),
    "booking_cancel": Row(
        url=lambda t: reverse("booking_cancel", args=[t.booking.pk]),
        get=POST_ONLY,
        post=only(["whanau"], SAVED),
    ),
}
