"""Every page against every role: allowed (200), hidden (404) or sent to sign in.

This matrix grows with every page. A row lists, for one page, what each role
gets; another school's or another family's object is always a 404.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from conversations.models import Booking, WeeklyUpdate
from conversations.weekly import sending
from learners.models import Evidence
from partnerships.models import Invitation, Voice, hash_key
from tests import factories
from tests.factories import PNG

ROLES = [
    "anonymous",
    "leader",
    "teacher",
    "other_teacher",
    "whanau",
    "no_access_whanau",
    "other_whanau",
    "student_user",
    "other_school_leader",
]

OK, HIDDEN, SIGN_IN = 200, 404, "sign in"


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def only(*allowed, default=HIDDEN):
    return {role: (OK if role in allowed else default) for role in ROLES} | {"anonymous": SIGN_IN}


STAFF_OF_STUDENT = only("leader", "teacher")
SEES_STUDENT = only("leader", "teacher", "whanau", "student_user")
STAFF_ANYWHERE = only("leader", "teacher", "other_teacher", "other_school_leader")

# page name -> (url builder from the world, expected outcome per role)
PAGES = {
    "home": (lambda w: reverse("home"), everyone(OK)),
    "student_detail": (lambda w: reverse("student_detail", args=[w.student.pk]), SEES_STUDENT),
    "student_edit": (lambda w: reverse("student_edit", args=[w.student.pk]), STAFF_OF_STUDENT),
    "student_card": (lambda w: reverse("student_card", args=[w.student.pk]), STAFF_OF_STUDENT),
    "student_whanau": (lambda w: reverse("student_whanau", args=[w.student.pk]), STAFF_OF_STUDENT),
    "whanau_link_edit": (
        lambda w: reverse("whanau_link_edit", args=[w.student.pk, w.link.pk]),
        STAFF_OF_STUDENT,
    ),
    "student_history": (
        lambda w: reverse("student_history", args=[w.student.pk]),
        only("leader"),
    ),
    "class_detail": (
        lambda w: reverse("class_detail", args=[w.classroom.pk]),
        STAFF_OF_STUDENT,
    ),
    # Lists: staff of any school get their own school's list, never ours (checked below).
    "school_students": (
        lambda w: reverse("school_students"),
        only("leader", "teacher", "other_teacher", "other_school_leader"),
    ),
    "school_staff": (lambda w: reverse("school_staff"), only("leader", "other_school_leader")),
    "school_whanau": (lambda w: reverse("school_whanau"), only("leader", "other_school_leader")),
    "whanau_preferences": (
        lambda w: reverse("whanau_preferences"),
        only("whanau", "other_whanau"),
    ),
    "goal_list": (lambda w: reverse("goal_list", args=[w.student.pk]), SEES_STUDENT),
    "goal_create": (lambda w: reverse("goal_create", args=[w.student.pk]), SEES_STUDENT),
    "goal_detail": (lambda w: reverse("goal_detail", args=[w.goal.pk]), SEES_STUDENT),
    "goal_history": (lambda w: reverse("goal_history", args=[w.goal.pk]), SEES_STUDENT),
    # Proposed by the teacher: staff may edit it; the student and whānau agree or comment.
    "goal_edit": (lambda w: reverse("goal_edit", args=[w.goal.pk]), STAFF_OF_STUDENT),
    "next_step_edit": (
        lambda w: reverse("next_step_edit", args=[factories.NextStepFactory(goal=w.goal).pk]),
        STAFF_OF_STUDENT,
    ),
    "evidence_file": (lambda w: reverse("evidence_file", args=[_photo(w).pk]), SEES_STUDENT),
    "comment_edit": (
        lambda w: reverse(
            "comment_edit", args=[factories.GoalCommentFactory(goal=w.goal, author=w.whanau).pk]
        ),
        only("whanau"),
    ),
    "inbox": (lambda w: reverse("inbox"), STAFF_ANYWHERE),
    "conversation_list": (
        lambda w: reverse("conversation_list", args=[w.student.pk]),
        SEES_STUDENT,
    ),
    "conversation_create": (
        lambda w: reverse("conversation_create", args=[w.student.pk]),
        STAFF_OF_STUDENT,
    ),
    "conversation_detail": (
        lambda w: reverse("conversation_detail", args=[_conversation(w).pk]),
        SEES_STUDENT,
    ),
    "conversation_edit": (
        lambda w: reverse("conversation_edit", args=[_conversation(w).pk]),
        STAFF_OF_STUDENT,
    ),
    "transitions": (lambda w: reverse("transitions"), STAFF_ANYWHERE),
    "round_list": (lambda w: reverse("round_list"), STAFF_ANYWHERE),
    # Any of the school's staff may offer times in its rounds.
    "round_detail": (
        lambda w: reverse("round_detail", args=[_slot(w).round_id]),
        only("leader", "teacher", "other_teacher"),
    ),
    # Whānau book with their own child's teachers; the other family's teacher has no times here.
    "round_book": (lambda w: reverse("round_book", args=[_slot(w).round_id]), only("whanau")),
    "slot_book": (
        lambda w: reverse("slot_book", args=[_slot(w).pk, w.student.pk]),
        only("whanau"),
    ),
    "my_bookings": (lambda w: reverse("my_bookings"), only("whanau", "other_whanau")),
    "booking_detail": (
        lambda w: reverse("booking_detail", args=[_booking(w).pk]),
        only("leader", "teacher", "whanau"),
    ),
    "weekly_update_write": (lambda w: reverse("weekly_update_write"), only("student_user")),
    "weekly_update_write_with": (
        lambda w: reverse("weekly_update_write_with", args=[w.student.pk]),
        STAFF_OF_STUDENT,
    ),
    "weekly_update_list": (
        lambda w: reverse("weekly_update_list", args=[w.student.pk]),
        SEES_STUDENT,
    ),
    "weekly_update_detail": (
        lambda w: reverse("weekly_update_detail", args=[_sent_update(w).pk]),
        SEES_STUDENT,
    ),
    "weekly_update_photo": (
        lambda w: reverse("weekly_update_photo", args=[_sent_update(w, photo=True).pk]),
        SEES_STUDENT,
    ),
    "weekly_update_week": (lambda w: reverse("weekly_update_week"), STAFF_ANYWHERE),
    # Links from emails: anyone holding one gets a page, never the update itself.
    "weekly_update_unsubscribe": (
        lambda w: reverse("weekly_update_unsubscribe", args=[sending.unsubscribe_token(w.link.pk)]),
        everyone(OK),
    ),
    "card_sign_in": (lambda w: reverse("card_sign_in"), everyone(OK)),
    "card_sign_in_qr": (lambda w: reverse("card_sign_in_qr", args=["ABCD2345"]), everyone(OK)),
    # An invitation link is for whoever holds it; it reveals only the school and child's first name.
    "invitation_accept": (lambda w: _invitation_url(w), everyone(OK)),
    # Signed-in people are sent on from the sign-in page.
    "account_login": (lambda w: reverse("account_login"), everyone(302) | {"anonymous": OK}),
}


def _invitation_url(world) -> str:
    key = "matrix-test-key"
    Invitation.objects.create(
        school=world.school,
        kind=Invitation.Kind.WHANAU,
        email="new@example.org",
        name="New",
        student=world.student,
        key_hash=hash_key(key),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    return reverse("invitation_accept", args=[key])


def _photo(world) -> Evidence:
    return Evidence.objects.create(
        goal=world.goal,
        kind=Evidence.Kind.PHOTO,
        voice=Voice.TEACHER,
        content_type="image/png",
        original_name="work.png",
        file=ContentFile(PNG, name="work.png"),
    )


def _conversation(world):
    return factories.ConversationFactory(student=world.student)


def _slot(world):
    conversation_round = factories.RoundFactory(school=world.school)
    return factories.SlotFactory(round=conversation_round, host=world.teacher)


def _booking(world):
    return Booking.objects.create(
        slot=_slot(world), student=world.student, whanau=world.link.whanau
    )


def _sent_update(world, photo=False) -> WeeklyUpdate:
    week = world.school.week_of(timezone.now())
    return WeeklyUpdate.objects.create(
        student=world.student,
        week=week,
        learned="Volcanoes",
        status="approved",
        queued_at=timezone.now(),
        photo=ContentFile(PNG, name="p.png") if photo else "",
        photo_type="image/png",
    )


def _sign_in(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_access(client, world, page, role):
    """Each role gets exactly what the access rules allow on each page."""
    url_for, outcomes = PAGES[page]
    expected = outcomes[role]
    _sign_in(client, world, role)
    response = client.get(url_for(world))
    response.close()  # file downloads hold their file open until closed
    if expected == SIGN_IN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("page", ["school_students", "school_whanau", "school_staff", "home"])
def test_another_school_sees_none_of_ours(client, world, page):
    """A leader of another school sees no name from ours on their own lists."""
    client.force_login(world.other_school_leader)
    content = client.get(reverse(page)).content.decode()
    assert world.student.last_name not in content
    assert world.link.whanau.name not in content
    assert world.school.name not in content


@pytest.mark.parametrize(
    "name", ["student_detail", "student_edit", "student_card", "student_whanau", "student_history"]
)
def test_unknown_student_is_not_found(client, world, name):
    """An id that matches no student is a 404, like one the leader may not see."""
    client.force_login(world.leader)
    assert client.get(reverse(name, args=[999_999])).status_code == 404


def test_link_of_another_student_is_not_found(client, world):
    """A whānau link id paired with the wrong student's id is a 404."""
    client.force_login(world.leader)
    url = reverse("whanau_link_edit", args=[world.classmate.pk, world.link.pk])
    assert client.get(url).status_code == 404
