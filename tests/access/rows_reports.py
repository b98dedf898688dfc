"""Rows for reports/: the partnership dashboard and written reports.

Staff see their own school's or classes' figures; nobody else has a dashboard. Each staff
member's figures are only of students they manage, which ``test_matrix`` checks by the
world's student's name on every page shown. A report is its student's teachers' and leaders'
to write and send; the family and the student read it once it has gone home, and only they
write "how you can help at home"."""

import datetime

from django.urls import reverse
from django.utils import timezone

from tests.access.outcomes import (
    ANY_STAFF,
    FORM_ERRORS,
    GET_ONLY,
    HIDDEN,
    PAGE,
    POST_ONLY,
    SAVED,
    SEES_STUDENT,
    STAFF_OF_STUDENT,
    Row,
    only,
)

STAFF_OF_SCHOOL = ("leader", "teacher", "other_teacher")  # the world's school only
FAMILY = ("whanau", "student_user")  # write "how you can help at home", and respond


def _round_data(t) -> dict:
    today = timezone.localdate()
    return {
        "form": "round",
        "name": "End of year",
        "period_starts_on": (today - datetime.timedelta(days=60)).isoformat(),
        "due_on": (today + datetime.timedelta(days=14)).isoformat(),
        "classes": [t.world.classroom.pk],
    }


ROWS = {
    "dashboard": Row(
        url=lambda t: reverse("dashboard") + f"?classroom={t.world.classroom.pk}",
        get=only(ANY_STAFF, PAGE),
        post=GET_ONLY,
    ),
    "dashboard_students": Row(
        url=lambda t: reverse("dashboard_students") + "?figure=not_reached",
        get=only(ANY_STAFF, PAGE),
        post=GET_ONLY,
    ),
    # A leader opens rounds for classes of their own school; another school's leader is
    # told the class is not theirs to choose.
    "report_round_list": Row(
        url=lambda t: reverse("report_round_list"),
        get=only(ANY_STAFF, PAGE),
        post=only(("leader",), SAVED)
        | {"other_school_leader": FORM_ERRORS, "teacher": HIDDEN, "other_teacher": HIDDEN},
        data=_round_data,
    ),
    "report_round_detail": Row(
        url=lambda t: reverse("report_round_detail", args=[t.report_round.pk]),
        get=only(STAFF_OF_SCHOOL, PAGE),
        post=GET_ONLY,
    ),
    "report_class_publish": Row(
        url=lambda t: reverse(
            "report_class_publish", args=[t.ready_report.round_id, t.world.classroom.pk]
        ),
        get=POST_ONLY,
        post=only(STAFF_OF_STUDENT, SAVED),
    ),
    "publish_run_detail": Row(
        url=lambda t: reverse("publish_run_detail", args=[t.publish_run.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    "report_detail": Row(
        url=lambda t: reverse("report_detail", args=[t.published_report.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    "report_edit": Row(
        url=lambda t: reverse("report_edit", args=[t.report.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: {"teacher_comment": "Steady growth in writing this term."},
    ),
    "report_status": Row(
        url=lambda t: reverse("report_status", args=[t.report.pk]),
        get=POST_ONLY,
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: {"action": "ready"},
    ),
    "report_publish": Row(
        url=lambda t: reverse("report_publish", args=[t.ready_report.pk]),
        get=POST_ONLY,
        post=only(STAFF_OF_STUDENT, SAVED),
    ),
    # Only the student writes their reflection, and only while their teacher asks for it.
    "report_reflection": Row(
        url=lambda t: reverse("report_reflection", args=[t.reflecting_report.pk]),
        get=only(("student_user",), PAGE),
        post=only(("student_user",), SAVED),
        data=lambda t: {"text": "I am proud of my swimming."},
    ),
    "report_home_help": Row(
        url=lambda t: reverse("report_home_help", args=[t.published_report.pk]),
        get=POST_ONLY,
        post=only(FAMILY, SAVED),
        data=lambda t: {"home-text": "We will read together after dinner."},
    ),
    "report_respond": Row(
        url=lambda t: reverse("report_respond", args=[t.published_report.pk]),
        get=POST_ONLY,
        post=only(FAMILY, SAVED),
        data=lambda t: {"response-text": "Thank you for this report."},
    ),
    "student_reports": Row(
        url=lambda t: reverse("student_reports", args=[t.world.student.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
}
