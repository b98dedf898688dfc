"""Weekly update pages: writing it, the teacher's week, reading, replying, email links."""

from django.urls import reverse

from conversations.weekly import sending
from tests.query_counts.pages import AUDIT_VIEWED, SIGNED_IN, Page

WRITE = (
    "this week's update, if started",
    "goal choices: the student's active goals",
)
UPDATE_LIST = (
    *SIGNED_IN,
    "the student, if visible to me",
    *AUDIT_VIEWED,
    "their updates I may see",
    "the updates' replies (prefetch)",
)
UPDATE_DETAIL = (
    *SIGNED_IN,
    "the update, with student, school, goal and author, if visible to me; do I manage it?",
    *AUDIT_VIEWED,
    "its replies, with authors",
)
# Staff of the student also see whom it went to, and who opened it, above the replies.
STAFF_UPDATE_DETAIL = (
    *UPDATE_DETAIL[:-1],
    "its deliveries, with whānau members",
    UPDATE_DETAIL[-1],
)
# Whānau opening an update they were sent: it counts as read (an UPDATE, matching no row
# after the first time).
WHANAU_UPDATE_DETAIL = (
    *UPDATE_DETAIL[:-2],
    "mark my delivery of it read",
    *UPDATE_DETAIL[-2:],
)


def _read_link(scene) -> str:
    token = sending.read_token(scene.update.deliveries.get())
    return reverse("weekly_update_read", args=[token])


PAGES = [
    Page(
        "weekly_update_write",
        "student_user",
        lambda s: reverse("weekly_update_write"),
        (*SIGNED_IN, "me, with my school", *WRITE),
        more=lambda s: s.more_update_goal_choices(),
    ),
    Page(
        "weekly_update_write_with",
        "teacher",
        lambda s: reverse("weekly_update_write_with", args=[s.world.student.pk]),
        (*SIGNED_IN, "the student, with school, if I manage them", *WRITE),
        more=lambda s: s.more_update_goal_choices(),
    ),
    Page(
        "weekly_update_week",
        "teacher",
        lambda s: reverse("weekly_update_week"),
        (
            *SIGNED_IN,
            "how many students I manage at my school (the pages)",
            "a page of them, with class",
            "their updates this week (prefetch)",
            "the updates' deliveries, with whānau members (prefetch)",
            "the deliveries' emails in the outbox, by key",
            "when this week's send finished",
            "how many of the week's updates wait for approval, on every page",
        ),
        given=lambda s: s.update,
        more=lambda s: s.more_week_rows(),
    ),
    Page(
        "weekly_update_list",
        "whanau",
        lambda s: reverse("weekly_update_list", args=[s.update.student_id]),
        UPDATE_LIST,
        more=lambda s: s.more_updates(),
    ),
    Page(
        "weekly_update_list",
        "student_user",
        lambda s: reverse("weekly_update_list", args=[s.update.student_id]),
        UPDATE_LIST,
        more=lambda s: s.more_updates(),
    ),
    Page(
        "weekly_update_detail",
        "whanau",
        lambda s: reverse("weekly_update_detail", args=[s.update.pk]),
        WHANAU_UPDATE_DETAIL,
        more=lambda s: s.more_replies(),
    ),
    Page(
        "weekly_update_detail",
        "teacher",
        lambda s: reverse("weekly_update_detail", args=[s.update.pk]),
        STAFF_UPDATE_DETAIL,
        more=lambda s: s.more_replies_and_deliveries(),
    ),
    Page(
        "weekly_update_photo",
        "whanau",
        lambda s: reverse("weekly_update_photo", args=[s.update.pk]),
        (*SIGNED_IN, "the update with a photo, if visible to me"),
    ),
    # The link in the email: on to the update, through sign-in by code when signed out.
    Page(
        "weekly_update_read",
        "whanau",
        _read_link,
        (*SIGNED_IN, "the delivery, with update and whānau member"),
        status=302,
    ),
    Page(
        "weekly_update_read",
        "anonymous",
        _read_link,
        ("the delivery, with update and whānau member",),
        status=302,
    ),
    Page(
        "weekly_update_unsubscribe",
        "anonymous",
        lambda s: reverse(
            "weekly_update_unsubscribe", args=[sending.unsubscribe_token(s.world.link.pk)]
        ),
        ("the link, with whānau member and student",),
    ),
]
