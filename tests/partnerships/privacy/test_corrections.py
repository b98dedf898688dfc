"""Correction requests answered: the record corrected as the officer writes it, or declined
with the person's statement of correction shown wherever the record is; a closed request is
not acted on again."""

import uuid

import pytest
from django.urls import reverse

from learners.models import Goal, GoalComment
from partnerships.models import AuditEvent, PrivacyRequest, Voice, WhanauMember
from tests import factories, mailbox

pytestmark = pytest.mark.django_db

STATEMENT = "Aroha reads chapter books with her nan every night; she is past this goal."


def _post(client, url, **data):
    return client.post(url, {"submission": str(uuid.uuid4()), **data})


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def _ask(client, user, record: str, details: str) -> PrivacyRequest:
    """``user`` asks for a correction of ``record`` from the link beside it."""
    client.force_login(user)
    url = reverse("privacy_request_new") + f"?kind=correction&record={record}"
    response = _post(client, url, details=details)
    assert response.status_code == 302, response.content.decode()
    return PrivacyRequest.objects.latest("pk")


def _detail(asked) -> str:
    return reverse("privacy_request_detail", args=[asked.pk])


def test_the_links_to_ask_are_beside_the_goal_and_comments_for_whanau_and_the_student(
    client, world
):
    comment = factories.GoalCommentFactory(goal=world.goal, voice=Voice.TEACHER)
    goal_url = reverse("goal_detail", args=[world.goal.pk])
    for user, shown in ((world.whanau, True), (world.student_user, True), (world.teacher, False)):
        client.force_login(user)
        page = client.get(goal_url).content.decode()
        assert (f"record=learners.goal:{world.goal.pk}" in page) == shown
        assert (f"record=learners.goalcomment:{comment.pk}" in page) == shown


def test_a_goal_corrected_as_the_officer_writes_it(client, world):
    """The parent sees what the goal says now and asks; the officer corrects it; the parent
    is emailed, the goal's history says it was corrected without saying what it said."""
    client.force_login(world.whanau)
    record = f"learners.goal:{world.goal.pk}"
    page = client.get(
        reverse("privacy_request_new") + f"?kind=correction&record={record}"
    ).content.decode()
    assert world.goal.title in page
    asked = _ask(client, world.whanau, record, "It should say picture books, not chapter books.")
    assert (asked.student, asked.record_type, asked.record_id) == (
        world.student,
        "learners.goal",
        world.goal.pk,
    )
    mailbox.send()

    client.force_login(world.leader)
    detail = client.get(_detail(asked)).content.decode()
    assert world.goal.title in detail
    assert "picture books, not chapter books" in detail
    response = _post(
        client,
        _detail(asked),
        action="correct",
        **{
            "correct-title": "Read picture books on my own",
            "correct-success_criteria": "Reads a picture book aloud to whānau.",
            "correct-response": "Thank you: corrected.",
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(pk=world.goal.pk)
    assert goal.title == "Read picture books on my own"
    assert goal.success_criteria == "Reads a picture book aloud to whānau."
    asked.refresh_from_db()
    assert asked.status == PrivacyRequest.Status.CORRECTED
    assert asked.closed_by == world.leader
    assert asked.closed_at is not None
    event = AuditEvent.objects.filter(object_type="learners.goal", object_id=goal.pk).latest("pk")
    assert event.summary == "Corrected at a request for correction"
    [email] = mailbox.send()
    assert email.to == [world.whanau.email]
    assert email.subject == "We have corrected your information"
    assert "Thank you: corrected." in email.body

    # Closed: nothing more can be done with it.
    again = _post(
        client,
        _detail(asked),
        action="decline",
        **{"decline-response": "No.", "decline-statement": "Mine."},
    )
    assert "already closed" in _messages(again)[-1]
    assert Goal.objects.get(pk=goal.pk).correction_statement == ""
    page = client.get(_detail(asked)).content.decode()
    assert "Correct it" not in page
    assert "This request is closed" in page


def test_a_goal_declined_shows_the_statement_to_the_teacher_and_whanau(client, world):
    """Declined with a reason: the goal stays as it was, and the parent's statement of
    correction is shown with it, to the teacher and to the whānau, in the parent's name."""
    title = world.goal.title
    asked = _ask(client, world.whanau, f"learners.goal:{world.goal.pk}", STATEMENT)
    client.force_login(world.leader)
    form = client.get(_detail(asked)).content.decode()
    assert STATEMENT in form  # the statement is pre-filled from what they asked
    response = _post(
        client,
        _detail(asked),
        action="decline",
        **{
            "decline-response": "Her class reading records show chapter books are still new.",
            "decline-statement": STATEMENT,
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(pk=world.goal.pk)
    assert goal.title == title
    asked.refresh_from_db()
    assert asked.status == PrivacyRequest.Status.DECLINED
    assert asked.statement == STATEMENT
    name = world.whanau.name
    for user in (world.teacher, world.whanau, world.student_user):
        client.force_login(user)
        page = client.get(reverse("goal_detail", args=[goal.pk])).content.decode()
        assert f"Statement of correction from {name}:" in page
        assert STATEMENT in page
    [email] = [m for m in mailbox.send() if m.subject.startswith("Our answer")]
    assert email.subject == "Our answer to your request for a correction"


def test_a_comment_declined_shows_the_statement_in_the_thread(client, world):
    comment = factories.GoalCommentFactory(
        goal=world.goal, author=world.teacher, voice=Voice.TEACHER, body="Aroha rushes her work."
    )
    asked = _ask(client, world.student_user, f"learners.goalcomment:{comment.pk}", "I check it.")
    client.force_login(world.leader)
    _post(
        client,
        _detail(asked),
        action="decline",
        **{"decline-response": "The comment stands.", "decline-statement": "I check my work."},
    )
    assert GoalComment.objects.get(pk=comment.pk).body == "Aroha rushes her work."
    client.force_login(world.teacher)
    page = client.get(reverse("goal_detail", args=[world.goal.pk])).content.decode()
    after_comment = page[page.index("Aroha rushes her work.") :]
    assert "Statement of correction from" in after_comment
    assert "I check my work." in after_comment


def test_a_comment_corrected(client, world):
    comment = factories.GoalCommentFactory(
        goal=world.goal, author=world.teacher, voice=Voice.TEACHER, body="Aroha missed a week."
    )
    asked = _ask(client, world.whanau, f"learners.goalcomment:{comment.pk}", "She was there.")
    client.force_login(world.leader)
    _post(client, _detail(asked), action="correct", **{"correct-body": "Aroha was here."})
    comment.refresh_from_db()
    assert comment.body == "Aroha was here."
    assert comment.edited_at is not None


def test_own_contact_details_corrected_and_declined(client, world):
    """A parent's own contact details: the link is on their preferences page; corrected by
    the officer, and a statement attached is shown to staff where the details are."""
    member = WhanauMember.objects.get(pk=world.link.whanau_id)
    client.force_login(world.whanau)
    page = client.get(reverse("whanau_preferences")).content.decode()
    record = f"partnerships.whanaumember:{member.pk}"
    assert record in page
    asked = _ask(client, world.whanau, record, "My email is mere@example.org now.")
    assert asked.student is None
    assert asked.school == world.school
    client.force_login(world.leader)
    bad = _post(
        client,
        _detail(asked),
        action="correct",
        **{"correct-name": member.name, "correct-email": "not an email", "correct-phone": ""},
    )
    assert bad.status_code == 200  # what to fix, on the page
    member.refresh_from_db()
    assert member.email != "not an email"
    _post(
        client,
        _detail(asked),
        action="correct",
        **{"correct-name": member.name, "correct-email": "Mere@Example.org", "correct-phone": ""},
    )
    member.refresh_from_db()
    assert member.email == "mere@example.org"
    event = AuditEvent.objects.filter(object_type="partnerships.whanaumember").latest("pk")
    assert "mere@example.org" not in event.summary

    second = _ask(client, world.whanau, record, "My name is spelt Mere, not Meri.")
    client.force_login(world.leader)
    _post(
        client,
        _detail(second),
        action="decline",
        **{"decline-response": "Enrolment form.", "decline-statement": "My name is Mere."},
    )
    shown = "My name is Mere."
    for user, url in (
        (world.teacher, reverse("student_whanau", args=[world.student.pk])),
        (world.leader, reverse("school_whanau")),
        (world.whanau, reverse("whanau_preferences")),
    ):
        client.force_login(user)
        assert shown in client.get(url).content.decode(), url


def test_a_correction_without_a_record_explains_where_to_ask(client, world):
    client.force_login(world.whanau)
    page = client.get(reverse("privacy_request_new") + "?kind=correction").content.decode()
    assert "Ask for a correction" in page
    assert "We could not find" not in page
