"""Invitations at the edges: people already there, links sent again, used, run out or lost."""

import datetime
import re
from smtplib import SMTPRecipientsRefused, SMTPResponseException

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partnerships import invitations, outbox
from partnerships.models import (
    Invitation,
    OutboxEmail,
    Staff,
    WhanauLink,
    WhanauMember,
    hash_key,
)

pytestmark = pytest.mark.django_db


def _invite_whanau(world, student=None, email="mere@example.org"):
    return invitations.invitation_create_whanau(
        student=student or world.student,
        email=email,
        name="Mere Parata",
        relationship="grandparent",
        language="en",
        by=world.teacher,
    )


def _key_from_outbox() -> str:
    return re.search(r"/invitations/(\S+)/", mail.outbox[-1].body).group(1)


def test_inviting_someone_already_on_the_staff_says_so(client, world):
    """A leader inviting an existing teacher is told so, and no invitation is made."""
    client.force_login(world.leader)
    response = client.post(
        reverse("school_staff"),
        {"name": "Again", "email": world.teacher.email.upper(), "role": "teacher"},
    )
    assert response.status_code == 200
    assert "This person is already on the staff." in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_accepted_invitation_cannot_be_sent_again(
    client, world, django_capture_on_commit_callbacks
):
    """After someone has joined, their invitation can't be resent: a 404, and no email."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite_whanau(world)
    invitations.invitation_accept(key=_key_from_outbox(), name="Mere")
    client.force_login(world.teacher)
    response = client.post(reverse("invitation_resend", args=[invitation.pk]))
    assert response.status_code == 404
    invitation.refresh_from_db()
    with pytest.raises(ValidationError, match="already been accepted"):
        invitations.invitation_resend(invitation=invitation, by=world.teacher)
    assert len(mail.outbox) == 1


def test_sending_an_expired_invitation_again_restarts_the_clock(
    world, time_machine, django_capture_on_commit_callbacks
):
    """An invitation that ran out gets a fresh two weeks when sent again, and then works."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite_whanau(world)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=20), tick=False)
    with pytest.raises(invitations.InvitationError) as expired:
        invitations.invitation_for_key(_key_from_outbox())
    assert expired.value.reason == invitations.InvitationError.EXPIRED
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invitation_resend(invitation=invitation, by=world.teacher)
    invitation.refresh_from_db()
    assert invitation.expires_at == timezone.now() + datetime.timedelta(days=14)
    assert invitations.invitation_for_key(_key_from_outbox()) == invitation


def test_a_used_link_says_it_has_been_used(client, world, django_capture_on_commit_callbacks):
    """Opening a link after joining explains it was used, rather than joining twice."""
    with django_capture_on_commit_callbacks(execute=True):
        _invite_whanau(world)
    key = _key_from_outbox()
    invitations.invitation_accept(key=key, name="Mere")
    response = client.get(reverse("invitation_accept", args=[key]))
    assert response.status_code == 410
    assert response.context["reason"] == invitations.InvitationError.USED
    with pytest.raises(invitations.InvitationError):
        invitations.invitation_accept(key=key, name="Mere again")
    assert WhanauLink.objects.filter(whanau__email="mere@example.org").count() == 1


def test_a_parent_invited_for_a_second_child_keeps_one_account(
    client, world, django_capture_on_commit_callbacks
):
    """Whānau already at the school join for another child with the same account and details."""
    member = world.link.whanau
    member.needs_interpreter = True
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        _invite_whanau(world, student=world.classmate, email=member.email)
    user = invitations.invitation_accept(key=_key_from_outbox(), name="A new name")
    assert user == world.whanau
    assert WhanauMember.objects.filter(user=world.whanau, school=world.school).count() == 1
    member.refresh_from_db()
    assert member.needs_interpreter
    assert set(member.links.values_list("student", flat=True)) == {
        world.student.pk,
        world.classmate.pk,
    }


def test_whanau_joining_the_staff_chooses_a_password(
    client, world, django_capture_on_commit_callbacks
):
    """A parent who signs in by emailed code sets a password on joining the staff."""
    client.force_login(world.leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("school_staff"),
            {"name": "Parent Teacher", "email": world.whanau.email, "role": "teacher"},
        )
    url = reverse("invitation_accept", args=[_key_from_outbox()])
    client.logout()
    assert "password1" in client.get(url).context["form"].fields
    password = "harakeke-and-tui-song"
    response = client.post(
        url, {"name": "Parent Teacher", "password1": password, "password2": password}
    )
    assert response.url == reverse("home")
    assert Staff.objects.filter(school=world.school, user=world.whanau).exists()
    client.logout()
    assert client.login(email=world.whanau.email, password=password)


def test_too_many_tries_at_joining_are_slowed_down(
    client, world, django_capture_on_commit_callbacks, settings
):
    """After the limit of tries, joining waits a minute and nobody joins meanwhile."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "accept_invitation": "1/m/ip"}
    with django_capture_on_commit_callbacks(execute=True):
        _invite_whanau(world)
    url = reverse("invitation_accept", args=[_key_from_outbox()])
    with django_capture_on_commit_callbacks(execute=True):
        second = _invite_whanau(world, email="rawiri@example.org")
    other_url = reverse("invitation_accept", args=[_key_from_outbox()])
    assert client.post(url, {"name": "Mere", "language": "en"}).status_code == 302
    client.logout()
    response = client.post(other_url, {"name": "Rāwiri", "language": "en"})
    assert "Too many tries. Wait a minute, then try again." in response.content.decode()
    second.refresh_from_db()
    assert second.accepted_at is None


def test_an_old_link_waiting_to_send_is_not_sent(world):
    """Sent again before the first email went: only the new link is emailed, and neither
    link is kept in the outbox afterwards."""
    invitation = _invite_whanau(world)
    invitations.invitation_resend(invitation=invitation, by=world.teacher)
    result = outbox.send_due()
    assert (result.sent, result.skipped) == (1, 1)
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.key_hash == hash_key(_key_from_outbox())
    skipped = OutboxEmail.objects.get(status=OutboxEmail.Status.SKIPPED)
    assert skipped.reason == invitations.REPLACED
    params = OutboxEmail.objects.values_list("params", flat=True)
    assert list(params) == [{"invitation": invitation.pk}] * 2


def test_an_invitation_accepted_before_its_email_goes_is_not_sent(world):
    """Someone who joined by the newer link is not sent the older email afterwards."""
    invitation = _invite_whanau(world)
    OutboxEmail.objects.update(send_after=timezone.now() + datetime.timedelta(hours=1))
    invitations.invitation_resend(invitation=invitation, by=world.teacher)
    outbox.send_due()
    invitations.invitation_accept(key=_key_from_outbox(), name="Mere")
    OutboxEmail.objects.update(send_after=timezone.now())
    assert outbox.send_due().skipped == 1
    assert len(mail.outbox) == 1
    skipped = OutboxEmail.objects.get(status=OutboxEmail.Status.SKIPPED)
    assert skipped.reason == invitations.ACCEPTED


def test_a_failed_invitation_email_is_left_for_later(world, monkeypatch, time_machine):
    """If the mail server asks us to wait, the invitation is not marked sent, keeps its link
    meanwhile, and goes later with a link that works."""
    invitation = _invite_whanau(world)

    def busy(*args, **kwargs):
        raise SMTPResponseException(421, b"try again later")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", busy)
    assert outbox.send_due().retrying == 1
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    assert "key" in OutboxEmail.objects.get().params
    monkeypatch.undo()
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=5))
    assert outbox.send_due().sent == 1
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert invitations.invitation_for_key(_key_from_outbox()) == invitation


def test_an_address_refused_for_good_keeps_no_link(world, monkeypatch):
    """An address the mail server refuses fails with its reason, and the link is dropped."""
    invitation = _invite_whanau(world)

    def refused(*args, **kwargs):
        raise SMTPRecipientsRefused({"mere@example.org": (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    assert outbox.send_due().failed == 1
    row = OutboxEmail.objects.get()
    assert (row.status, row.reason) == (OutboxEmail.Status.FAILED, outbox.REFUSED)
    assert row.params == {"invitation": invitation.pk}
    invitation.refresh_from_db()
    assert invitation.sent_at is None


def test_an_invitation_that_ran_out_before_it_went_is_not_sent(world, time_machine):
    """A link still waiting to be emailed after it expired is not sent."""
    _invite_whanau(world)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=15))
    assert outbox.send_due().skipped == 1
    assert mail.outbox == []
    assert OutboxEmail.objects.get().reason == invitations.EXPIRED


def test_an_invitation_withdrawn_before_it_went_is_not_sent(world):
    """An invitation deleted before its email went sends nothing."""
    _invite_whanau(world).delete()
    assert outbox.send_due().skipped == 1
    assert mail.outbox == []
    assert OutboxEmail.objects.get().params.keys() == {"invitation"}
