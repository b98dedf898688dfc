"""Goal pages: a student's goals, a goal with its steps, evidence and talk, the inbox, and the
inquiry of a priority learner."""

from django.urls import reverse

from tests.query_counts.pages import AUDIT_VIEWED, RELATION, SIGNED_IN, Page

GOAL_LIST = (
    *SIGNED_IN,
    "the student, with class, if visible to me",
    *AUDIT_VIEWED,
    "their goals, with agreement flags and learning area, in list order",
    "the goals' dispositions (prefetch)",
)
GOAL_DETAIL = (
    *SIGNED_IN,
    "the goal, with agreement flags, mine, student, school, class, area, proposer",
    RELATION + ": may I see the goal at all",
    *AUDIT_VIEWED,
    "its dispositions",
    "its next steps",
    "their home activities (prefetch)",
    "its evidence, with who added each",
    "its comments I may see, with authors and who hid them",
)
GOAL_FORM_CHOICES = ("learning area choices", "disposition choices")
INQUIRY = (
    *SIGNED_IN,
    "the student, with class and school, if visible to me",
    RELATION,
    "the inquiry steps I may see (whānau: shared ones), with their authors",
    *AUDIT_VIEWED,
)


def _goal_list(scene) -> str:
    return reverse("goal_list", args=[scene.goal.student_id])


def _goal(scene) -> str:
    return reverse("goal_detail", args=[scene.goal.pk])


PAGES = [
    Page("goal_list", "whanau", _goal_list, GOAL_LIST, more=lambda s: s.more_goals()),
    Page("goal_list", "teacher", _goal_list, GOAL_LIST, more=lambda s: s.more_goals()),
    Page("goal_list", "student_user", _goal_list, GOAL_LIST, more=lambda s: s.more_goals()),
    Page(
        "goal_create",
        "teacher",
        lambda s: reverse("goal_create", args=[s.world.student.pk]),
        (*SIGNED_IN, "the student, if visible to me", RELATION, *GOAL_FORM_CHOICES),
        more=lambda s: s.more_school_lists(),
    ),
    Page(
        "goal_create",
        "whanau",
        lambda s: reverse("goal_create", args=[s.world.student.pk]),
        (*SIGNED_IN, "the student, if visible to me", RELATION, *GOAL_FORM_CHOICES),
        more=lambda s: s.more_school_lists(),
    ),
    Page("goal_detail", "whanau", _goal, GOAL_DETAIL, more=lambda s: s.more_on_goal()),
    Page("goal_detail", "teacher", _goal, GOAL_DETAIL, more=lambda s: s.more_on_goal()),
    Page("goal_detail", "student_user", _goal, GOAL_DETAIL, more=lambda s: s.more_on_goal()),
    Page(
        "goal_edit",
        "teacher",
        lambda s: reverse("goal_edit", args=[s.goal.pk]),
        (
            *SIGNED_IN,
            "the goal, with student, if I may edit it",
            RELATION,
            "the form's initial: the goal's dispositions",
            *GOAL_FORM_CHOICES,
        ),
        more=lambda s: s.more_school_lists(),
    ),
    Page(
        "goal_history",
        "whanau",
        lambda s: reverse("goal_history", args=[s.world.goal.pk]),
        (
            *SIGNED_IN,
            "the goal, with student, if visible to me",
            *AUDIT_VIEWED,
            "its changes (not views): count, for the pages",
            RELATION,  # only its teachers and leaders read the notes for staff
            "this page of its changes, with who made them",
        ),
        given=lambda s: s.audit_event,
        more=lambda s: s.more_audit_events(s.world.goal),
    ),
    Page(
        "next_step_edit",
        "teacher",
        lambda s: reverse("next_step_edit", args=[s.step.pk]),
        (*SIGNED_IN, "the step, with goal and student, if I manage the goal"),
    ),
    Page(
        "comment_edit",
        "whanau",
        lambda s: reverse("comment_edit", args=[s.comment.pk]),
        (*SIGNED_IN, "my comment, with goal and student, if I may still see it"),
    ),
    Page(
        "evidence_file",
        "whanau",
        lambda s: reverse("evidence_file", args=[s.photo.pk]),
        (*SIGNED_IN, "the evidence with a file, if I may see its goal", *AUDIT_VIEWED),
    ),
    Page(
        "inbox",
        "teacher",
        lambda s: reverse("inbox"),
        (
            *SIGNED_IN,
            "the ids of unanswered whānau comments on my students' goals, oldest first",
            "this page of them by id, with author, goal and student",
            # The section conversations adds (learners.inbox): the oldest 51 by id, then the
            # 50 shown, grouped by update.
            "the ids of unanswered whānau replies to my students' weekly updates, oldest first",
            "the replies shown, by id, with author, update and student",
        ),
        given=lambda s: (s.inbox_comment, s.update),
        more=lambda s: s.more_inbox() + s.more_inbox_replies(),
    ),
    Page(
        "inquiry_detail",
        "teacher",
        lambda s: reverse("inquiry_detail", args=[s.world.student.pk]),
        INQUIRY,
        given=lambda s: s.inquiry_step,
        more=lambda s: s.more_inquiry_steps(),
    ),
    Page(
        "inquiry_detail",
        "whanau",
        lambda s: reverse("inquiry_detail", args=[s.world.student.pk]),
        INQUIRY,
        given=lambda s: s.inquiry_step,
        more=lambda s: s.more_inquiry_steps(),
    ),
]
