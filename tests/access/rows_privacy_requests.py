"""Rows for the privacy pages: requests. Anyone of a school asks (about their own or their
child's record: another's is "not found" on the page, nothing written); only the school's
privacy officer (its leader, none chosen) reads and answers them."""

import datetime

from django.urls import reverse
from django.utils import timezone

from partnerships.models import PrivacyRequest
from tests.access.outcomes import (
    ANY_LEADER,
    FORM_ERRORS,
    HIDDEN,
    NOT_ALLOWED,
    PAGE,
    SAVED,
    Row,
    only,
)

# Everyone of a school; not whānau whose only link is "no access / no contact".
OF_A_SCHOOL = (
    "leader",
    "teacher",
    "other_teacher",
    "whanau",
    "other_whanau",
    "student_user",
    "other_school_leader",
)
# Whose record the world's goal is: the student, and their whānau with access.
FAMILY = ("whanau", "student_user")


def _asks_about(family_outcome, others_outcome) -> dict:
    """The family get ``family_outcome``; others of a school are told it is not among theirs."""
    cells = only(OF_A_SCHOOL, others_outcome)
    return cells | dict.fromkeys(FAMILY, family_outcome)


def _request_url(things) -> str:
    world = things.world
    asked = PrivacyRequest.objects.create(
        school=world.school,
        kind=PrivacyRequest.Kind.ACCESS,
        requester=world.whanau,
        student=world.student,
        due_on=timezone.localdate() + datetime.timedelta(days=28),
    )
    return reverse("privacy_request_detail", args=[asked.pk])


ROWS = {
    "privacy_requests": Row(
        url=lambda t: reverse("privacy_requests"),
        get=only(OF_A_SCHOOL, PAGE),
        post=only((), NOT_ALLOWED, others=NOT_ALLOWED),
    ),
    # A correction of the world's goal, asked from the link beside it.
    "privacy_request_new": Row(
        url=lambda t: (
            reverse("privacy_request_new")
            + f"?kind=correction&record=learners.goal:{t.world.goal.pk}"
        ),
        get=only(OF_A_SCHOOL, PAGE),
        post=_asks_about(SAVED, FORM_ERRORS),
        data=lambda t: {"details": "It should say picture books."},
    ),
    # Each leader is their own school's privacy officer (none chosen).
    "privacy_requests_school": Row(
        url=lambda t: reverse("privacy_requests_school"),
        get=only(ANY_LEADER, PAGE),
        post=only(ANY_LEADER, NOT_ALLOWED, others=HIDDEN),
    ),
    "privacy_request_detail": Row(
        url=_request_url,
        get=only(["leader"], PAGE),
        post=only(["leader"], SAVED),
        data=lambda t: {"action": "export", "include_student": "on"},
    ),
}
