"""Rows for the ground floor's URLs: home, staff and whānau lists, students, sign-in."""

from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.access.objects import INVITATION_KEY
from tests.access.outcomes import (
    ANY_LEADER,
    ANY_STAFF,
    FORM_ERRORS,
    GET_ONLY,
    PAGE,
    POST_ONLY,
    REDIRECT,
    SAVED,
    SEES_STUDENT,
    SIGNED_IN,
    STAFF_OF_STUDENT,
    WHANAU_WITH_ACCESS,
    Row,
    everyone,
    only,
)

NOT_A_CARD = "ABCD-2345"  # the right shape, matching no card


def _student_body(things) -> dict:
    """The student's details as they are, with a preferred name added."""
    student = things.world.student
    return {
        "first_name": student.first_name,
        "last_name": student.last_name,
        "preferred_name": "Ari",
        "year_level": student.year_level,
        "classroom": student.classroom_id,
        "start_date": student.start_date.isoformat(),
    }


def _link_body(things) -> dict:
    """The link and whānau member as they are (access kept), with a phone number added."""
    link = things.world.link
    member = link.whanau
    return {
        "link-relationship": link.relationship,
        "link-has_access": "on",
        "link-receives_weekly_update": "on",
        "member-name": member.name,
        "member-phone": "021 555 0101",
        "member-preferred_language": member.preferred_language,
        "member-preferred_contact": member.preferred_contact,
    }


def _leaders_use_an_app(things) -> dict:
    """Both leaders have an authenticator app, so either may require one of their leaders."""
    for leader in (things.world.leader, things.world.other_school_leader):
        Authenticator.objects.create(
            user=leader, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
        )
    return {"required": "on"}


def _invitation_url(things) -> str:
    """The link in the invitation email (made here: only its key's hash is stored)."""
    assert things.invitation.key_hash
    return reverse("invitation_accept", args=[INVITATION_KEY])


ROWS = {
    # Signed out: the welcome page. Signed in: each role's own panels.
    "home": Row(
        url=lambda t: reverse("home"),
        get=everyone(PAGE),
        post=GET_ONLY,
    ),
    # Staff and whānau lists are a leader's, of their own school (never ours, for another).
    "school_staff": Row(
        url=lambda t: reverse("school_staff"),
        get=only(ANY_LEADER, PAGE),
        post=only(ANY_LEADER, SAVED),  # each leader invites to their own school
        data=lambda t: {"name": "New Kaiako", "email": "kaiako@example.org", "role": "teacher"},
    ),
    "school_whanau": Row(
        url=lambda t: reverse("school_whanau"),
        get=only(ANY_LEADER, PAGE),
        post=GET_ONLY,
    ),
    # Each leader, for their own school: that its leaders sign in with two-factor.
    "school_two_factor": Row(
        url=lambda t: reverse("school_two_factor"),
        get=POST_ONLY,
        post=only(ANY_LEADER, SAVED),
        data=_leaders_use_an_app,
    ),
    # Each leader, for their own school: each household books its own conversation, or one
    # joint one per child (the empty body unticks it).
    "school_households": Row(
        url=lambda t: reverse("school_households"),
        get=POST_ONLY,
        post=only(ANY_LEADER, SAVED),
    ),
    # Staff of any school get their own school's list.
    "school_students": Row(
        url=lambda t: reverse("school_students"),
        get=only(ANY_STAFF, PAGE),
        post=GET_ONLY,
    ),
    "student_detail": Row(
        url=lambda t: reverse("student_detail", args=[t.world.student.pk]),
        get=only(SEES_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    "student_edit": Row(
        url=lambda t: reverse("student_edit", args=[t.world.student.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=only(STAFF_OF_STUDENT, SAVED),
        data=_student_body,
    ),
    # An empty POST issues a new card (and ends the old one).
    "student_card": Row(
        url=lambda t: reverse("student_card", args=[t.world.student.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=only(STAFF_OF_STUDENT, SAVED),
    ),
    # Who viewed or changed the record: leaders only, not even the class teacher.
    "student_history": Row(
        url=lambda t: reverse("student_history", args=[t.world.student.pk]),
        get=only(["leader"], PAGE),
        post=GET_ONLY,
    ),
    "student_whanau": Row(
        url=lambda t: reverse("student_whanau", args=[t.world.student.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: {
            "name": "Aunty Mere",
            "email": "mere@example.org",
            "relationship": "aunt_uncle",
            "language": "en",
        },
    ),
    # Whom one of the student's whānau lives with: the student's staff say so; whānau never.
    "student_household": Row(
        url=lambda t: reverse("student_household", args=[t.world.student.pk]),
        get=POST_ONLY,
        post=only(STAFF_OF_STUDENT, SAVED),
        data=lambda t: {
            "member": t.world.link.whanau_id,
            "lives_with": t.world.student.whanau_links.get(has_access=False).whanau_id,
        },
    ),
    "whanau_link_edit": Row(
        url=lambda t: reverse("whanau_link_edit", args=[t.world.student.pk, t.world.link.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=only(STAFF_OF_STUDENT, SAVED),
        data=_link_body,
    ),
    # A class is its teachers' and the leaders': not another class's teacher.
    "class_detail": Row(
        url=lambda t: reverse("class_detail", args=[t.world.classroom.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=GET_ONLY,
    ),
    # Card sign-in is open to all; a code that matches no card is a form error.
    "card_sign_in": Row(
        url=lambda t: reverse("card_sign_in"),
        get=everyone(PAGE),
        post=everyone(FORM_ERRORS),
        data=lambda t: {"code": NOT_A_CARD},
    ),
    "card_sign_in_qr": Row(
        url=lambda t: reverse("card_sign_in_qr", args=[NOT_A_CARD]),
        get=everyone(PAGE),
        post=everyone(FORM_ERRORS),
        data=lambda t: {"code": NOT_A_CARD},
    ),
    "invitation_resend": Row(
        url=lambda t: reverse("invitation_resend", args=[t.invitation.pk]),
        get=POST_ONLY,
        post=only(STAFF_OF_STUDENT, SAVED),  # a whānau invitation: the student's staff
    ),
    # An invitation link is for whoever holds it; it reveals only the school and the
    # child's first name (the matrix checks no outsider reads the last name), and whoever
    # posts the form joins as the invited person.
    "invitation_accept": Row(
        url=_invitation_url,
        get=everyone(PAGE),
        post=everyone(SAVED),
        data=lambda t: {"name": "New Whānau", "language": "en"},
    ),
    # Each whānau member's own preferences; none for someone with no access to any child.
    "whanau_preferences": Row(
        url=lambda t: reverse("whanau_preferences"),
        get=only(WHANAU_WITH_ACCESS, PAGE),
        post=only(WHANAU_WITH_ACCESS, SAVED),
        data=lambda t: {
            "phone": "021 555 0102",
            "preferred_language": "en",
            "preferred_contact": "email",
            "preferred_meeting_times": "After 7pm",
        },
    ),
    # Everyone signed in sets how often they hear from us (with nothing to hear of, only
    # their quiet hours and digest times).
    "notice_settings": Row(
        url=lambda t: reverse("notice_settings"),
        get=only(SIGNED_IN, PAGE),
        post=only(SIGNED_IN, SAVED),
        data=lambda t: {
            "quiet": "on",
            "quiet_from": "21:30",
            "quiet_until": "06:30",
            "digest_time": "16:00",
            "digest_weekday": "4",
        },
    ),
    # Whoever holds the email's link opens it (counted as read) and is sent to the place,
    # where the page's own rules apply.
    "notice_open": Row(
        url=lambda t: reverse("notice_open", args=[t.notice_token]),
        get=everyone(REDIRECT),
        post=GET_ONLY,
    ),
    # What the student and their whānau were told, and opened: the student's staff.
    "student_notices": Row(
        url=lambda t: reverse("student_notices", args=[t.world.student.pk]),
        get=only(STAFF_OF_STUDENT, PAGE),
        post=GET_ONLY,
    ),
}
