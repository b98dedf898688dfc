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
ROUND_DETAIL = (
    *SIGNED_IN,
    "the round, with school, if at my school",
    "the round's classes (prefetch)",
    "my times in it",
    "their active bookings, with student and whānau (prefetch)",
    # Each student whose booking or request the page shows.
    *AUDIT_LISTED,
    "requests for other times, with student and whānau",
)
BOOKING = (
    *SIGNED_IN,
    "the booking, with time, host, round, school, student and whānau, if visible, and "
    "whether it is my household's",
)


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
            "how many students I manage with no transition conversation are overdue",
            "a page of them, with school and class",
            "those due in the next two weeks, with school and class",
        ),
        more=lambda s: s.more_transitions(),
    ),
    Page(
        "round_list",
        "teacher",
        lambda s: reverse("round_list"),
        (*SIGNED_IN, "rounds at my schools, with their schools", "the rounds' classes (prefetch)"),
        given=lambda s: s.round,
        more=lambda s: s.more_rounds(),
    ),
    # A leader also has the form to open a round, its classes to tick.
    Page(
        "round_list",
        "leader",
        lambda s: reverse("round_list"),
        (
            *SIGNED_IN,
            "rounds at my schools, with their schools",
            "the rounds' classes (prefetch)",
            "class choices: the school's classes",
        ),
        given=lambda s: s.round,
        more=lambda s: s.more_rounds(),
    ),
    Page(
        "round_detail",
        "teacher",
        lambda s: reverse("round_detail", args=[s.round.pk]),
        ROUND_DETAIL,
        given=lambda s: (s.booking, s.time_request),
        more=lambda s: s.more_on_round(),
    ),
    # A leader may offer times for the teachers of the round, ticked from a list.
    Page(
        "round_detail",
        "leader",
        lambda s: reverse("round_detail", args=[s.round.pk]),
        (
            *ROUND_DETAIL[:7],  # my times: none, so no bookings of them to fetch
            *ROUND_DETAIL[8:],
            "teacher choices: the staff teaching the round's classes",
        ),
        given=lambda s: (s.booking, s.time_request),
        more=lambda s: s.more_teachers_of_round(),
    ),
    Page(
        "round_book",
        "whanau",
        lambda s: reverse("round_book", args=[s.slot.round_id]),
        (
            *SIGNED_IN,
            "my links to my tamariki, with student and whānau member",
            "the round, if it is for one of them, with which of their classes it is for",
            "their children's class teachers",
            "their children's assigned teachers",
            "upcoming times in the round with my tamariki's teachers (on its school's staff), "
            "taken or not, with host",
            "my household's bookings in the round, with time, host and who booked",
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
            "my links to my tamariki (the child's among them), with student and whānau member",
            "the time, with host and round, if offered to my tamariki",
            "my household's bookings in the round, with time and who booked",
        ),
    ),
    Page(
        "my_bookings",
        "whanau",
        lambda s: reverse("my_bookings"),
        (
            *SIGNED_IN,
            "my tamariki: their ids, schools and classes",
            "my household's bookings to come, with time, host, round, student and who booked",
            "rounds for my tamariki opening soon, or with times I may book",
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
    Page(
        "booking_calendar",
        "whanau",
        lambda s: reverse("booking_calendar", args=[s.booking.pk]),
        (*SIGNED_IN, "the booking, with time, host, round, school and student, if visible"),
    ),
]
