"""Staff who left come back only when a leader asks them back, and in the role asked."""

import re

import pytest
from django.core import mail

from partnerships import access, invitations, outbox
from partnerships.models import Invitation, Staff, User
from partnerships.roles import roles_of
from partnerships.setup import services as setup

pytestmark = pytest.mark.django_db


def _invite(world, role: str, email: str | None = None) -> str:
    """A staff invitation (for the world's teacher unless ``email``), and its email's key."""
    invitations.invitation_create_staff(
        school=world.school,
        email=email or world.teacher.email,
        name="Again",
        role=role,
        by=world.leader,
    )
    outbox.send_due()
    return re.search(r"/invitations/(\S+)/", mail.outbox[-1].body).group(1)


def _leave(world, user):
    setup.staff_leave(staff=Staff.objects.get(school=world.school, user=user), by=world.leader)


def test_an_invitation_left_waiting_no_longer_brings_a_leaver_back(world):
    """Someone invited twice who joined by one link, then left: the spare link leads nowhere,
    and they stay unable to sign in."""
    used, spare = (
        _invite(world, "teacher", "rua@example.org"),
        _invite(world, "teacher", "rua@example.org"),
    )
    user = invitations.invitation_accept(key=used, name="Rua", password="a long new password 1")
    _leave(world, user)
    assert not Invitation.objects.filter(email=user.email, accepted_at__isnull=True).exists()
    with pytest.raises(invitations.InvitationError):
        invitations.invitation_accept(key=spare, name="Back")
    assert not User.objects.get(pk=user.pk).is_active
    assert not roles_of(User.objects.get(pk=user.pk)).is_staff


def test_a_former_leader_invited_back_as_a_teacher_is_a_teacher(world):
    """The role is the one they are invited to now, not the one they had."""
    Staff.objects.filter(school=world.school, user=world.teacher).update(role="leader")
    _leave(world, world.teacher)
    key = _invite(world, "teacher")
    user = invitations.invitation_accept(key=key, name="Back", password="a long new password 1")
    assert user.is_active
    staff = Staff.objects.get(school=world.school, user=user)
    assert staff.role == Staff.Role.TEACHER
    assert not access.leads(user, world.school.pk)


def test_a_second_invitation_keeps_a_current_staff_members_role(world):
    """Someone on the staff who accepts a spare invitation keeps the role they have."""
    leader, spare = (
        _invite(world, "leader", "toru@example.org"),
        _invite(world, "teacher", "toru@example.org"),
    )
    user = invitations.invitation_accept(key=leader, name="Toru", password="a long new password 1")
    invitations.invitation_accept(key=spare, name="Toru")
    assert Staff.objects.get(school=world.school, user=user).role == Staff.Role.LEADER
