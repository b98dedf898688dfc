"""Invitations: staff and whānau join by a single-use, expiring link sent by email."""

import datetime
import re
from urllib.parse import quote

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partnerships import invitations, outbox
from partnerships.models import AuditEvent, Invitation, OutboxEmail, Staff, User, WhanauLink
from partnerships.tasks import send_outbox

pytestmark = pytest.mark.django_db


def _invite_whanau(client, world, **overrides):
    client.force_login(world.teacher)
    data = {
        "name": "Mere Parata",
        "email": "Mere@Example.org",
        "relationship": "grandparent",
        "language": "mi",
    } | overrides
    return client.post(reverse("student_whanau", args=[world.student.pk]), data)


def _link_from_outbox() -> str:
    return re.search(r"http://\S+/invitations/(\S+)/", mail.outbox[-1].body).group(0)


def _invite_staff(client, world, on_commit, *, email="hemi@example.org") -> str:
    """The leader invites a teacher; the link from the email, for someone signed out."""
    client.force_login(world.leader)
    with on_commit(execute=True):
        client.post(
            reverse("school_staff"), {"name": "Hemi Walker", "email": email, "role": "teacher"}
        )
    client.logout()
    return _link_from_outbox()


def test_teacher_invites_whanau_by_email(client, world, django_capture_on_commit_callbacks):
    """The invitation email names the child, links to join, and has text and HTML bodies."""
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite_whanau(client, world)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mere@example.org"]
    assert world.student.display_name in message.subject
    assert "/invitations/" in message.body
    html = message.alternatives[0].content
    assert "/invitations/" in html
    assert world.school.name in html
    event = AuditEvent.objects.get(student=world.student, action=AuditEvent.Action.INVITED)
    assert event.actor == world.teacher


def test_whanau_accepts_and_sees_their_child(client, world, django_capture_on_commit_callbacks):
    """Accepting makes the account and the link, signs them in, and shows their child."""
    with django_capture_on_commit_callbacks(execute=True):
        _invite_whanau(client, world)
    url = _link_from_outbox()
    client.logout()
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Mere Parata", "language": "mi"}, follow=True)
    assert response.status_code == 200
    user = User.objects.get(email="mere@example.org")
    assert not user.has_usable_password()  # whānau sign in by emailed code
    link = WhanauLink.objects.get(whanau__user=user, student=world.student)
    assert link.relationship == "grandparent"
    assert link.whanau.preferred_language == "mi"
    assert response.context["user"] == user
    # Their school's privacy notice comes first, then their child.
    child = reverse("student_detail", args=[world.student.pk])
    assert (
        response.redirect_chain[-1][0]
        == f"{reverse('privacy_notice')}?next={quote(child, safe='')}"
    )
    response = client.post(reverse("privacy_notice_read"), {"next": child}, follow=True)
    assert response.redirect_chain[-1][0] == child


def test_invitation_link_works_once(client, world, django_capture_on_commit_callbacks):
    """A used link shows a clear page saying so, and changes nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        _invite_whanau(client, world)
    url = _link_from_outbox()
    client.logout()
    client.post(url, {"name": "Mere", "language": "en"})
    client.logout()
    response = client.get(url)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    response = client.post(url, {"name": "Someone else", "language": "en"})
    assert response.status_code == 410
    assert WhanauLink.objects.filter(whanau__user__email="mere@example.org").count() == 1


def test_expired_invitation_explains_how_to_get_a_new_one(
    client, world, django_capture_on_commit_callbacks, time_machine
):
    """After two weeks the link says it has expired and who to ask."""
    with django_capture_on_commit_callbacks(execute=True):
        _invite_whanau(client, world)
    url = _link_from_outbox()
    client.logout()
    time_machine.move_to(timezone.now() + datetime.timedelta(days=15))
    response = client.post(url, {"name": "Mere", "language": "en"})
    assert response.status_code == 410
    content = response.content.decode()
    assert "expired" in content
    assert world.school.name in content
    assert not User.objects.filter(email="mere@example.org").exists()


def test_unknown_invitation_key_is_not_found(client, db):
    """A made-up link gets a clear page, not an error."""
    response = client.get(reverse("invitation_accept", args=["not-a-real-key"]))
    assert response.status_code == 404
    assert "recognise" in response.content.decode()


def test_resend_replaces_the_old_link(client, world, django_capture_on_commit_callbacks):
    """Sending again mails a new link; the old one stops working."""
    with django_capture_on_commit_callbacks(execute=True):
        _invite_whanau(client, world)
    old_url = _link_from_outbox()
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invitation_resend", args=[invitation.pk]))
    new_url = _link_from_outbox()
    assert new_url != old_url
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200


def test_already_linked_whanau_is_a_form_error(client, world):
    """Inviting someone already linked to the child says so and sends nothing."""
    response = _invite_whanau(client, world, email=world.link.whanau.email)
    assert response.status_code == 200
    assert "already linked" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_invalid_invite_form_shows_field_errors(client, world):
    """A missing name and a bad email are shown against their fields; nothing is sent."""
    response = _invite_whanau(client, world, name="", email="not-an-email")
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "email"}
    assert not Invitation.objects.exists()


def test_other_teacher_cannot_invite_to_a_student_they_do_not_teach(client, world):
    """Posting to another class's student is a 404 and creates nothing."""
    client.force_login(world.other_teacher)
    response = client.post(
        reverse("student_whanau", args=[world.student.pk]),
        {"name": "X", "email": "x@example.org", "relationship": "parent", "language": "en"},
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_leader_invites_staff_who_sets_a_password(
    client, world, django_capture_on_commit_callbacks
):
    """A staff invitation asks for a password, then the new teacher can sign in with it."""
    url = _invite_staff(client, world, django_capture_on_commit_callbacks)
    response = client.post(url, {"name": "Hemi Walker", "password1": "short", "password2": "short"})
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(email="hemi@example.org").exists()
    password = "kowhai-tree-in-spring"
    client.post(url, {"name": "Hemi Walker", "password1": password, "password2": password})
    staff = Staff.objects.get(user__email="hemi@example.org")
    assert staff.school == world.school
    assert staff.role == Staff.Role.TEACHER
    client.logout()
    assert client.login(email="hemi@example.org", password=password)


def test_staff_passwords_must_match(client, world, django_capture_on_commit_callbacks):
    """Two different passwords are a clear error on the second, and no account is made."""
    url = _invite_staff(client, world, django_capture_on_commit_callbacks)
    response = client.post(
        url,
        {"name": "Hemi", "password1": "kowhai-tree-in-spring", "password2": "kowhai-tree"},
    )
    assert response.context["form"].errors["password2"] == ["The two passwords are not the same."]
    assert not User.objects.filter(email="hemi@example.org").exists()


def test_existing_account_joins_staff_without_a_new_password(
    client, world, django_capture_on_commit_callbacks
):
    """Someone who already signs in with a password is not asked for another one."""
    url = _invite_staff(
        client, world, django_capture_on_commit_callbacks, email=world.other_school_leader.email
    )
    assert "password1" not in client.get(url).context["form"].fields
    client.post(url, {"name": "Other"})
    assert Staff.objects.filter(school=world.school, user=world.other_school_leader).exists()


def test_only_a_leader_sends_a_staff_invitation_again(
    client, world, django_capture_on_commit_callbacks
):
    """A teacher's resend of a staff invitation is a 404; the school's leader may resend it."""
    _invite_staff(client, world, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(kind=Invitation.Kind.STAFF)
    url = reverse("invitation_resend", args=[invitation.pk])
    for person in (world.teacher, world.other_school_leader):
        client.force_login(person)
        assert client.post(url).status_code == 404
    client.force_login(world.leader)
    assert client.post(url).status_code == 302


def test_teacher_cannot_invite_staff(client, world):
    """The staff page is for leaders: a teacher's post is a 404."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("school_staff"), {"name": "X", "email": "x@example.org", "role": "leader"}
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_an_invitation_is_sent_once_and_its_link_not_kept(
    world, django_capture_on_commit_callbacks
):
    """The sender running again sends nothing more, and the outbox keeps no working link."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.invitation_create_whanau(
            student=world.student,
            email="a@example.org",
            name="A",
            relationship="parent",
            language="en",
            by=world.teacher,
        )
    send_outbox.delay()
    assert outbox.send_due().sent == 0
    assert len(mail.outbox) == 1
    key = re.search(r"/invitations/(\S+)/", mail.outbox[0].body).group(1)
    row = OutboxEmail.objects.get()
    assert row.status == OutboxEmail.Status.SENT
    assert row.params == {"invitation": invitation.pk}
    assert key not in str(row.params)
    invitation.refresh_from_db()
    assert invitation.sent_at == row.sent_at
