"""The ground floor's pages: home for each role, students, classes, whānau, staff, sign-in."""

from django.urls import reverse

from tests.query_counts.pages import AUDIT_LISTED, AUDIT_VIEWED, RELATION, SIGNED_IN, Page
from tests.query_counts.rows_reports import DASHBOARD
from tests.query_counts.scene import INVITATION_KEY


def _student(scene) -> str:
    return reverse("student_detail", args=[scene.world.student.pk])


# What waits for whānau and the student (``WAITING``), first on their home page: each app's
# entries in order, then the panel's own queries. The family is asked once, by whichever panel
# needs it first (``pages.own_links``, ``pages.own_student``).
FAMILY_LINKS = ("family: my links with access, with each child's school and class",)
OWN_STUDENT = ("family: my student record, with school and class",)
# Learners: goals to agree to, and the school's word to answer, in one query for both.
GOALS_WAITING = ("waiting: active goals not agreed to by me, or with the school's word to answer",)
# The weekly update: updates sent to me in the last weeks that I have not opened.
UPDATES_WAITING = ("waiting: weekly updates sent to me, not yet opened",)
# A time to book: the free times in open rounds (none here, so nothing more is asked; with
# some, the children's teachers (two) and their bookings).
TIMES_WAITING = (
    "waiting: conversation times: free times in open rounds with my tamariki's teachers",
)
# The family's part of a report gone home; for the student, first their reflection to write.
REPORTS_WAITING = ("waiting: reports gone home without the family's part, with round and student",)
REFLECTION_WAITING = ("waiting: my reports waiting for my reflection, with round",)
# The waiting panel: this visit remembered, what is new since the last (each child named is one
# of the family already asked for: no query).
WAITING_PANEL = (
    "waiting panel: UPDATE when I was last here",
    "waiting panel: notices since my last visit",
)
# The start of this visit, kept in the session so a reload shows the same news.
SESSION_SAVED = (
    "session: SAVEPOINT",
    "session: UPDATE, with this visit's start",
    "session: RELEASE SAVEPOINT",
)

PAGES = [
    Page("home", "anonymous", lambda s: reverse("home"), ()),  # the welcome page
    Page(
        "home",
        "leader",
        lambda s: reverse("home"),
        (
            *SIGNED_IN,
            *DASHBOARD,
            "school panel: the school, with its counts of students, staff, classes, whānau",
            "school panel: its classes, with their student counts",
            "school panel: the classes' teachers' names",
            # my-classes panel: the classes the leader teaches are among those, already read
            # (none: the panel is left out)
        ),
        more=lambda s: s.more_classes(),
    ),
    Page(
        "home",
        "teacher",
        lambda s: reverse("home"),
        (
            *SIGNED_IN,
            "my-classes panel: my classes, with their student counts",
            "my-classes panel: students I also support, with their classes",
            *DASHBOARD,
        ),
        given=lambda s: s.assigned_student,
        more=lambda s: s.more_classes(show_teachers=False) + s.more_assigned_students(),
    ),
    Page(
        "home",
        "whanau",
        lambda s: reverse("home"),
        (
            *SIGNED_IN,
            *GOALS_WAITING,
            *UPDATES_WAITING,
            *FAMILY_LINKS,  # for the conversation times, first
            *TIMES_WAITING,
            *REPORTS_WAITING,
            *WAITING_PANEL,
            # the tamariki panel: the family's links, already asked for
            *SESSION_SAVED,
        ),
        more=lambda s: s.more_tamariki() + s.more_waiting() + s.later_in_the_visit(s.world.whanau),
    ),
    Page(
        "home",
        "student_user",
        lambda s: reverse("home"),
        (
            *SIGNED_IN,
            *GOALS_WAITING,
            *REFLECTION_WAITING,
            *REPORTS_WAITING,
            *WAITING_PANEL,
            *OWN_STUDENT,  # the children named; the me panel then asks nothing
            *SESSION_SAVED,
        ),
    ),
    # Linked, but with no access: no panel has anything for them.
    Page("home", "no_access_whanau", lambda s: reverse("home"), SIGNED_IN),
    Page(
        "student_detail",
        "teacher",
        _student,
        (
            *SIGNED_IN,
            "the student, with class and school, if visible to me",
            RELATION,
            "whānau links, with the whānau members (staff only)",
            *AUDIT_VIEWED,
        ),
        more=lambda s: s.more_whanau_of_student(),
    ),
    Page(
        "student_detail",
        "leader",
        _student,
        (
            *SIGNED_IN,
            "the student, with class and school, if visible to me",
            RELATION,
            "whānau links, with the whānau members (staff only)",
            *AUDIT_VIEWED,
        ),
        more=lambda s: s.more_whanau_of_student(),
    ),
    Page(
        "student_detail",
        "whanau",
        _student,
        (
            *SIGNED_IN,
            "the student, with class and school, if visible to me",
            RELATION,
            *AUDIT_VIEWED,
        ),
        more=lambda s: s.more_whanau_of_student(),
        more_hidden=True,
    ),
    Page(
        "student_detail",
        "student_user",
        _student,
        (
            *SIGNED_IN,
            "the student, with class and school, if visible to me",
            RELATION,
            *AUDIT_VIEWED,
        ),
        more=lambda s: s.more_whanau_of_student(),
        more_hidden=True,
    ),
    Page(
        "student_edit",
        "teacher",
        lambda s: reverse("student_edit", args=[s.world.student.pk]),
        (
            *SIGNED_IN,
            "the student, if I manage them",
            "the form's initial: the student's assigned teachers",
            "class choices: the school's classes",
            "'also supported by' choices: the school's staff",
        ),
        more=lambda s: s.more_staff_choices(),
    ),
    Page(
        "student_card",
        "teacher",
        lambda s: reverse("student_card", args=[s.card.student_id]),
        (
            *SIGNED_IN,
            "the student, with school, if I manage them",
            *AUDIT_VIEWED,
            "their active card",
        ),
    ),
    Page(
        "student_whanau",
        "teacher",
        lambda s: reverse("student_whanau", args=[s.invitation.student_id]),
        (
            *SIGNED_IN,
            "the student, if I manage them",
            *AUDIT_VIEWED,
            "whānau links, with the whānau members",
            "who lives in their households, and may I see them",
            "invitations not yet accepted",
        ),
        more=lambda s: s.more_invitations_for_student() + s.more_households_of_whanau(),
    ),
    Page(
        "whanau_link_edit",
        "teacher",
        lambda s: reverse("whanau_link_edit", args=[s.world.student.pk, s.world.link.pk]),
        (*SIGNED_IN, "the link, with student and whānau member, if I manage the student"),
    ),
    Page(
        "student_history",
        "leader",
        lambda s: reverse("student_history", args=[s.world.student.pk]),
        (
            *SIGNED_IN,
            "the student, in a school I lead",
            "the audit events: count, for the pages",
            "this page of audit events, with their actors",
        ),
        given=lambda s: s.audit_event,
        more=lambda s: s.more_audit_events(s.world.student),
    ),
    Page(
        "student_history",
        "leader",
        lambda s: reverse("student_history", args=[s.world.student.pk]) + "?show=changes",
        (
            *SIGNED_IN,
            "the student, in a school I lead",
            "its changes (not views): count, for the pages",
            "this page of its changes, with their actors",
        ),
        given=lambda s: s.audit_event,
        more=lambda s: s.more_audit_events(s.world.student),
    ),
    Page(
        "class_detail",
        "teacher",
        lambda s: reverse("class_detail", args=[s.world.classroom.pk]),
        (
            *SIGNED_IN,
            "the class, with school, if visible to me",
            "its teachers (prefetch)",
            "its students I may see, with their counts of whānau with access",
            *AUDIT_LISTED,  # by their ids
        ),
        more=lambda s: s.more_students_in_class(),
    ),
    Page(
        "school_students",
        "leader",
        lambda s: reverse("school_students"),
        (*SIGNED_IN, "students I manage: count, for the pages", "this page of them, with class"),
        more=lambda s: s.more_students_in_school(),
    ),
    Page(
        "school_students",
        "leader",
        lambda s: reverse("school_students") + "?left=1",
        (*SIGNED_IN, "leavers of my school: count, for the pages", "this page of them"),
        given=lambda s: s.more_leavers(),
        more=lambda s: s.more_leavers(),
    ),
    Page(
        "school_students",
        "teacher",
        lambda s: reverse("school_students"),
        (*SIGNED_IN, "students I manage: count, for the pages", "this page of them, with class"),
        more=lambda s: s.more_students_in_class() + s.more_assigned_students(),
    ),
    Page(
        "school_staff",
        "leader",
        lambda s: reverse("school_staff"),
        (*SIGNED_IN, "the school's staff, with their users", "pending staff invitations"),
        given=lambda s: s.staff_invitation,
        more=lambda s: s.more_staff(),
    ),
    Page(
        "school_whanau",
        "leader",
        lambda s: reverse("school_whanau"),
        (
            *SIGNED_IN,
            "whānau members I may contact: count, for the pages",
            "this page of them",
            "their links (prefetch)",
            "the linked students (prefetch)",
        ),
        more=lambda s: s.more_school_whanau(),
    ),
    Page(
        "whanau_preferences",
        "whanau",
        lambda s: reverse("whanau_preferences"),
        (*SIGNED_IN, "my whānau member record, through a link with access"),
    ),
    Page(
        "notice_settings",
        "whanau",
        lambda s: reverse("notice_settings"),
        (*SIGNED_IN, "my first whānau member record, whose rhythm the form starts from"),
    ),
    Page(
        "notice_settings",
        "teacher",
        lambda s: reverse("notice_settings"),
        (*SIGNED_IN, "my first whānau member record (none: the account's rhythm)"),
    ),
    # The link in a notice email: counted as opened, and on to the place it is about.
    Page(
        "notice_open",
        "anonymous",
        lambda s: reverse("notice_open", args=[s.notice_token]),
        ("the notice, by the signed id", "UPDATE: opened, if not before"),
        status=302,
    ),
    Page(
        "student_notices",
        "teacher",
        lambda s: reverse("student_notices", args=[s.world.student.pk]),
        (
            *SIGNED_IN,
            "the student, if I manage them",
            "notices to the student and their whānau: count, for the pages",
            "this page of them, with reader and student",
        ),
        given=lambda s: s.more_notices(),
        more=lambda s: s.more_notices(),
    ),
    Page("card_sign_in", "anonymous", lambda s: reverse("card_sign_in"), ()),
    Page(
        "card_sign_in_qr", "anonymous", lambda s: reverse("card_sign_in_qr", args=[s.card.code]), ()
    ),
    Page(
        "invitation_accept",
        "anonymous",
        lambda s: reverse("invitation_accept", args=[INVITATION_KEY]),
        (
            "the invitation by its key's hash, with school and student",
            "an existing user with the invited email",
        ),
        given=lambda s: s.invitation,
    ),
]
