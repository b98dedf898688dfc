"""Accounts, schools and the record's history at their edges: switched-off students, revoking
nothing, a made-up time zone, the service's own administrator, and old audit rows."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnerships import services
from partnerships.models import AuditEvent, School, SignInCard, User

pytestmark = pytest.mark.django_db


def test_revoking_when_there_is_no_card_is_not_audited(client, world):
    """Revoking a card the student doesn't have changes nothing and adds nothing to the trail."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("student_card", args=[world.student.pk]), {"action": "revoke"}, follow=True
    )
    assert "The card no longer works." in response.content.decode()
    assert services.sign_in_card_revoke(student=world.student, by=world.teacher) == 0
    assert not AuditEvent.objects.filter(summary="Sign-in card revoked").exists()


def test_the_card_of_a_switched_off_account_signs_nobody_in(client, world):
    """When a student's account is switched off (they left), their card no longer works."""
    card = services.sign_in_card_issue(student=world.student, by=world.teacher)
    world.student_user.is_active = False
    world.student_user.save()
    response = client.post(reverse("card_sign_in"), {"code": card.display_code})
    assert not response.context["user"].is_authenticated
    assert "doesn’t match a card" in response.content.decode()


def test_a_card_shows_the_code_in_two_halves_to_copy(client, world):
    """The printed card shows the code as ABCD-2345, easier for a child to copy."""
    card = services.sign_in_card_issue(student=world.student, by=world.teacher)
    card = SignInCard.objects.get(pk=card.pk)
    assert card.display_code == f"{card.code[:4]}-{card.code[4:]}"
    client.force_login(world.teacher)
    page = client.get(reverse("student_card", args=[world.student.pk])).content.decode()
    assert card.display_code in page


def test_a_school_needs_a_real_time_zone(world):
    """A made-up time zone is refused with a message naming it."""
    school = School(name="Moon School", timezone="Pacific/Atlantis")
    with pytest.raises(ValidationError) as refused:
        school.full_clean()
    assert refused.value.message_dict["timezone"] == [
        "“Pacific/Atlantis” is not a time zone we know."
    ]


def test_the_services_administrator_can_use_the_admin(client, db):
    """An administrator made with createsuperuser signs in with a password and opens the admin."""
    admin = User.objects.create_superuser("Ops@Example.org", "kowhai-ops-password", name="Ops")
    assert admin.email == "ops@example.org"
    assert client.login(email="ops@example.org", password="kowhai-ops-password")
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_account_without_a_password_cannot_sign_in_with_one(client, world):
    """Whānau sign in by emailed code: their account has no password to guess."""
    assert not world.whanau.has_usable_password()
    assert not client.login(email=world.whanau.email, password="")


def test_history_of_a_kind_of_record_since_removed_still_reads(client, world):
    """An audit row about a record type that no longer exists shows its stored name."""
    AuditEvent.objects.create(
        school=world.school,
        actor=None,
        student=world.student,
        action=AuditEvent.Action.VIEWED,
        object_type="reports.oldreport",
    )
    client.force_login(world.leader)
    page = client.get(reverse("student_history", args=[world.student.pk])).content.decode()
    assert "reports.oldreport" in page
    assert "Someone no longer here" in page
