"""Rows for the learners app's URLs: goals, next steps, evidence, comments, the inbox, and the
inquiry of a priority learner."""

from django.urls import reverse

from tests.access.outcomes import (
    ANY_STAFF,
    GET_ONLY,
    PAGE,
    POST_ONLY,
    SAVED,
    SEES_STUDENT,
    STAFF_OF_STUDENT,
    Row,
    only,
)

GOAL = {
    "title": "Swim 25 metres",
    "success_criteria": "I can swim a length of the pool without stopping.",
}
STEP = {"text": "Practise kicking at the pool on Saturdays", "where": "home", "taken_by": "whanau"}
# Staff and whānau with access, once a stage is shared with them; never the student.
INQUIRY_TEAM = ("leader", "teacher", "whanau")


ROWS = {
    "goal_list": Row(
        url=lambda t: reverse("goal_list", args=[t.world.student.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    # Anyone on the student's team may propose a goal: the student, whānau or staff.
    "goal_create": Row(
        url=lambda t: reverse("goal_create", args=[t.world.student.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=only(SEES_STUDENT, SAVED),
        data=lambda t: GOAL,
    ),
    "goal_detail": Row(
        url=lambda t: reverse("goal_detail", args=[t.world.goal.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    # Proposed by the teacher: staff may edit it; the student and whānau agree or comment.
    "goal_edit": Row(
        url=lambda t: reverse("goal_edit", args=[t.world.goal.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: GOAL | {"status": "active"},
    ),
    "goal_agree": Row(
        url=lambda t: reverse("goal_agree", args=[t.world.goal.pk]),
        get=POST_ONLY,
        post=only(SEES_STUDENT, SAVED),
    ),
    "goal_history": Row(
        url=lambda t: reverse("goal_history", args=[t.world.goal.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    "next_step_create": Row(
        url=lambda t: reverse("next_step_create", args=[t.world.goal.pk]),
        get=POST_ONLY,
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: STEP,
    ),
    # Evidence: the student, their whānau and staff may each add a note, photo or PDF.
    "evidence_add": Row(
        url=lambda t: reverse("evidence_add", args=[t.world.goal.pk]),
        get=POST_ONLY,
        post=only(SEES_STUDENT, SAVED),
        data=lambda t: {"note": "Swam to the rope and back with Nana watching."},
    ),
    "comment_post": Row(
        url=lambda t: reverse("comment_post", args=[t.world.goal.pk]),
        get=POST_ONLY,
        post=only(SEES_STUDENT, SAVED),
        data=lambda t: {"body": "At home she practises her kicking in the bath."},
    ),
    "next_step_edit": Row(
        url=lambda t: reverse("next_step_edit", args=[t.step.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: STEP,
    ),
    # Ticking a step done is everyone's on the team: it is their step as well.
    "next_step_done": Row(
        url=lambda t: reverse("next_step_done", args=[t.step.pk]),
        get=POST_ONLY,
        post=only(SEES_STUDENT, SAVED),
        data=lambda t: {"done": "1"},
    ),
    "next_step_move": Row(
        url=lambda t: reverse("next_step_move", args=[t.second_step.pk]),
        get=POST_ONLY,
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: {"direction": "up"},
    ),
    "evidence_file": Row(
        url=lambda t: reverse("evidence_file", args=[t.photo.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    # A comment is its author's to change or delete (the whānau member here).
    "comment_edit": Row(
        url=lambda t: reverse("comment_edit", args=[t.whanau_comment.pk]),
        get=only(["whanau"], PAGE),
        post=only(["whanau"], SAVED),
        data=lambda t: {"body": "At home she practises every night now."},
    ),
    "comment_delete": Row(
        url=lambda t: reverse("comment_delete", args=[t.whanau_comment.pk]),
        get=POST_ONLY,
        post=only(["whanau"], SAVED),
    ),
    # Hiding a comment from whānau and the student: the student's staff.
    "comment_hide": Row(
        url=lambda t: reverse("comment_hide", args=[t.whanau_comment.pk]),
        get=POST_ONLY,
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: {"reason": "It names another child."},
    ),
    # Each staff member's own inbox, of their own students.
    "inbox": Row(
        url=lambda t: reverse("inbox"),
        get=only(ANY_STAFF, PAGE),
        post=GET_ONLY,
    ),
    # The inquiry, with a step shared with whānau: they see it and add to that stage.
    "inquiry_detail": Row(
        url=lambda t: reverse("inquiry_detail", args=[t.inquiry_step.student_id]),
        get=only(INQUIRY_TEAM, PAGE),
        post=only(INQUIRY_TEAM, SAVED),
        data=lambda t: {"stage": "know", "text": "He talks about the marae all the way home."},
    ),
}
