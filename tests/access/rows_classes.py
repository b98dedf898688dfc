"""Rows for the classes pages: a class's sign-in cards (the page and its PDF), its list and
contacts as CSV, and a leader's whole school as CSV."""

from django.urls import reverse

from partnerships import pdf
from partnerships.models import SignInCard
from tests.access.outcomes import (
    ANY_LEADER,
    GET_ONLY,
    PAGE,
    REDIRECT,
    SAVED,
    STAFF_OF_STUDENT,
    Row,
    only,
)


def _cards_pdf_url(things) -> str:
    """The class's PDF, with the student's card in it (a class with none is sent to issue
    them)."""
    SignInCard.objects.create(student=things.world.student)
    return reverse("class_cards_pdf", args=[things.world.classroom.pk])


ROWS = {
    # The class's teachers and the school's leaders; a teacher of another class, whānau, the
    # student and another school's leader do not learn the class exists.
    "class_cards": Row(
        url=lambda t: reverse("class_cards", args=[t.world.classroom.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=only(STAFF_OF_STUDENT, SAVED),  # nobody in the class has a card yet
        data=lambda t: {"action": "issue_missing"},
    ),
    # Where Pango is missing, staff are sent back to the cards page to print each card.
    "class_cards_pdf": Row(
        url=_cards_pdf_url,
        get=only(STAFF_OF_STUDENT, PAGE if pdf.pdf_available() else REDIRECT),
        post=GET_ONLY,
    ),
    "class_export": Row(
        url=lambda t: reverse("class_export", args=[t.world.classroom.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    # Each leader, their own school's list (the test world's other school has one student).
    "school_export": Row(
        url=lambda t: reverse("school_export"),
        get=only(ANY_LEADER, PAGE),
        post=GET_ONLY,
    ),
}
