"""Rows for the weekly update's URLs (conversations/weekly/)."""

from django.urls import reverse

from tests.access.outcomes import (
    ANY_STAFF,
    GET_ONLY,
    PAGE,
    POST_ONLY,
    REDIRECT,
    REFUSED,
    SAVED,
    SAVED_HERE,
    SEES_STUDENT,
    STAFF_OF_STUDENT,
    Row,
    everyone,
    only,
)

UPDATE = {"learned": "How volcanoes erupt, and why Rangitoto is one."}

# The emailed link to an update: signed in, on to the update (which checks access);
# signed out, to sign in by code first.
READ_LINK = only((), REDIRECT, others=REDIRECT)

ROWS = {
    "weekly_update_write": Row(
        url=lambda t: reverse("weekly_update_write"),
        get=only(["student_user"], PAGE),
        post=only(["student_user"], SAVED),
        data=lambda t: UPDATE,
    ),
    # A teacher writes it with a younger student.
    "weekly_update_write_with": Row(
        url=lambda t: reverse("weekly_update_write_with", args=[t.world.student.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: UPDATE,
    ),
    "weekly_update_list": Row(
        url=lambda t: reverse("weekly_update_list", args=[t.world.student.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    "weekly_update_week": Row(
        url=lambda t: reverse("weekly_update_week"),
        get=only(ANY_STAFF, PAGE),
        post=GET_ONLY,
    ),
    # Approving filters to the person's own students' updates: anyone else approves none,
    # and is sent back to their week with "0 approved".
    "weekly_update_approve": Row(
        url=lambda t: reverse("weekly_update_approve"),
        get=POST_ONLY,
        post=only(STAFF_OF_STUDENT, SAVED, others=REFUSED),
        data=lambda t: {
            "update": t.submitted_update.pk,
            "week": t.submitted_update.week.isoformat(),
        },
    ),
    # Whānau see an update once it has gone home, and reply to it.
    "weekly_update_detail": Row(
        url=lambda t: reverse("weekly_update_detail", args=[t.sent_update.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=only(SEES_STUDENT, SAVED),
        data=lambda t: {"body": "Ka pai! Let's visit Rangitoto in the holidays."},
    ),
    # The school answers whānau replies from the inbox: the student's staff only.
    "weekly_update_answer": Row(
        url=lambda t: reverse("weekly_update_answer", args=[t.sent_update.pk]),
        get=POST_ONLY,
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: {"body": "Tino pai! We'll climb Rangitoto as a class next term."},
    ),
    "weekly_update_photo": Row(
        url=lambda t: reverse("weekly_update_photo", args=[t.sent_update.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    "weekly_update_read": Row(
        url=lambda t: reverse("weekly_update_read", args=[t.read_token]),
        get=READ_LINK,
        post=READ_LINK,
    ),
    # One-click unsubscribe (RFC 8058): whoever holds the link, signed in or not.
    "weekly_update_unsubscribe": Row(
        url=lambda t: reverse("weekly_update_unsubscribe", args=[t.unsubscribe_token]),
        get=everyone(PAGE),
        post=everyone(SAVED_HERE),
    ),
}
