"""Conversation pages: records and reflections, transitions due, rounds, times and bookings."""

from django.urls import reverse

from tests.query_counts.pages import AUDIT_LISTED, AUDIT_VIEWED, RELATION, SIGNED_IN, Page

CONVERSATION_LIST = (
    *SIGNED_IN,
    "the student, if visible to me",
    RELATION,
    "their conversations, newest first",
    "the conversations' reflections (prefetch)",
)
CONVERSATION_DETAIL = (
    *SIGNED_IN,
    "the conversation, with student and recorder, if visible to me",
    RELATION,
    *AUDIT_VIEWED,
    "the goals discussed",
    "whānau who took part",
    "staff who took part",
    "next steps agreed",
    "reflections, with their authors",
)
CONVERSATION_FORM_CHOICES = (
    "whānau choices: the student's whānau with access",
    "staff choices: the school's staff",
    "goal choices: the student's goals",
)
BOOKING = (*SIGNED_IN, "the booking, with time, host, round, student and whānau, if visible")


def _conversation_list(scene) -> str:
    return reverse("conversation_list", args=[scene.conversation.student_id])


def _conversation(scene) -> str:
    return reverse("conversation_detail", args=[scene.conversation.pk])


PAGES = [
    Page(
        "conversation_list",
        "whanau",
        _conversation_list,
        CONVERSATION_LIST,
        more=lambda s: s.more_conversations(),
    ),
    Page(
        "conversation_list",
        "teacher",
        _conversation_list,
        CONVERSATION_LIST,
        more=lambda s: s.more_conversations(),
    ),
    Page(
        "conversation_create",
        "teacher",
        lambda s: reverse("conversation_create", args=[s.world.student.pk]),
        (*SIGNED_IN, "the student, if I manage them", *CONVERSATION_FORM_CHOICES),
        more=lambda s: s.more_conversation_choices(),
    ),
    Page(
        "conversation_detail",
        "whanau",
        _conversation,
        CONVERSATION_DETAIL,
        more=lambda s: s.more_on_conversation(),
    ),
    Page(
        "conversation_detail",
        "teacher",
        _conversation,
        CONVERSATION_DETAIL,
        more=lambda s: s.more_on_conversation(),
    ),
    Page(
        "conversation_edit",
        "teacher",
        lambda s: reverse("conversation_edit", args=[s.conversation.pk]),
        (
            *SIGNED_IN,
            "the conversation, with student, if I manage the student",
            "the form's initial: whānau who took part",
            "the form's initial: staff who took part",
            "the form's initial: goals discussed",
            *CONVERSATION_FORM_CHOICES,
        ),
        more=lambda s: s.more_conversation_choices(),
    ),
    Page(
        "conversation_goal_create",
        "teacher",
        lambda s: reverse("conversation_goal_create", args=[s.conversation.pk]),
        (
            *SIGNED_IN,
            "the conversation, with student, if I manage the student",
            "learning area choices",
            "disposition choices",
        ),
        more=lambda s: s.more_school_lists(),
    ),
    Page(
        "transitions",
        "teacher",
        lambda s: reverse("transitions"),
        (
            *SIGNED_IN,
            "my schools' transition days",
            "students I manage with no transition conversation, due in the window, with "
            "school and class",
        ),
        more=lambda s: s.more_transitions(),
    ),
    Page(
        "round_list",
        "teacher",
        lambda s: reverse("round_list"),
        (*SIGNED_IN, "rounds at my schools, with their schools"),
        given=lambda s: s.round,
        more=lambda s: s.more_rounds(),
    ),
    Page(
        "round_detail",
        "teacher",
        lambda s: reverse("round_detail", args=[s.round.pk]),
        (
            *SIGNED_IN,
            "the round, with school, if at my school",
            # Each student whose booking or request the page shows.
            *AUDIT_LISTED,
            "my times in it",
            "their active bookings, with student and whānau (prefetch)",
            "requests for other times, with student and whānau",
            "my students not booked, with class",
        ),
        given=lambda s: (s.booking, s.time_request),
        more=lambda s: s.more_on_round(),
    ),
    Page(
        "round_book",
        "whanau",
        lambda s: reverse("round_book", args=[s.slot.round_id]),
        (
            *SIGNED_IN,
            "the round, if it has times I may book",
            "my links with access, with student and whānau member",
            "their children's class teachers",
            "their children's assigned teachers",
            "times I may book in the round, taken or not, with host",
        ),
        given=lambda s: s.booking,
        more=lambda s: s.more_to_book(),
    ),
    Page(
        "slot_book",
        "whanau",
        lambda s: reverse("slot_book", args=[s.slot.pk, s.world.student.pk]),
        (
            *SIGNED_IN,
            "the time, with host and round, if I may book it",
            "my link to the child, with student and whānau member",
        ),
    ),
    Page(
        "my_bookings",
        "whanau",
        lambda s: reverse("my_bookings"),
        (
            *SIGNED_IN,
            "my active bookings, with time, host and student",
            "rounds with times I may book",
            "my requests for other times, with student and round",
        ),
        given=lambda s: (s.booking, s.time_request, s.slot),
        more=lambda s: s.more_bookings(),
    ),
    Page(
        "booking_detail",
        "whanau",
        lambda s: reverse("booking_detail", args=[s.booking.pk]),
        BOOKING,
    ),
    Page(
        "booking_detail",
        "teacher",
        lambda s: reverse("booking_detail", args=[s.booking.pk]),
        BOOKING,
    ),
]
