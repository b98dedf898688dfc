"""Sign-in cards: a young student scans a QR code or types a short code."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from partnerships.models import AuditEvent, SignInCard

pytestmark = pytest.mark.django_db


def _issue(client, world):
    client.force_login(world.teacher)
    client.post(reverse("student_card", args=[world.student.pk]), {"action": "issue"})
    client.logout()
    return SignInCard.objects.active().get(student=world.student)


def test_teacher_issues_a_printable_card(client, world):
    """The card page shows the QR code and the short code, and the issue is audited."""
    card = _issue(client, world)
    client.force_login(world.teacher)
    content = client.get(reverse("student_card", args=[world.student.pk])).content.decode()
    assert card.display_code in content
    assert 'src="data:image/svg+xml' in content
    assert AuditEvent.objects.filter(
        student=world.student, object_type="partnerships.signincard"
    ).exists()


def test_student_signs_in_with_the_typed_code(client, world):
    """Typing the code, in any case and with or without the dash, signs the student in."""
    card = _issue(client, world)
    typed = card.display_code.lower()
    response = client.post(reverse("card_sign_in"), {"code": typed}, follow=True)
    assert response.context["user"] == world.student_user
    assert world.student.last_name in response.content.decode()


def test_qr_link_asks_before_signing_in(client, world):
    """Opening the QR link shows a button; nobody is signed in by a GET."""
    card = _issue(client, world)
    url = reverse("card_sign_in_qr", args=[card.code])
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    response = client.post(url, {"code": card.code}, follow=True)
    assert response.context["user"] == world.student_user


def test_wrong_code_is_a_clear_error(client, world):
    """A code that matches no card says so and signs nobody in."""
    response = client.post(reverse("card_sign_in"), {"code": "ZZZZ-ZZZZ"})
    assert "doesn’t match a card" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_too_short_code_is_a_field_error(client, db):
    """A code of the wrong length is explained, not looked up."""
    response = client.post(reverse("card_sign_in"), {"code": "ABC"})
    assert "8 letters and numbers" in response.content.decode()


def test_guessing_codes_is_rate_limited(client, world):
    """After ten wrong tries in a minute, even the right code must wait."""
    card = _issue(client, world)
    # The clock held still: on a loaded machine the minute could turn between the tries.
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        for _ in range(10):
            client.post(reverse("card_sign_in"), {"code": "ZZZZ-ZZZZ"})
        response = client.post(reverse("card_sign_in"), {"code": card.code})
    assert "Too many tries" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_reissued_card_replaces_the_old_one(client, world):
    """A new card works; the old code no longer does."""
    old = _issue(client, world)
    new = _issue(client, world)
    assert old.code != new.code
    response = client.post(reverse("card_sign_in"), {"code": old.code})
    assert not response.context["user"].is_authenticated
    response = client.post(reverse("card_sign_in"), {"code": new.code}, follow=True)
    assert response.context["user"] == world.student_user


def test_revoked_card_stops_working(client, world):
    """Revoking a lost card means its code signs nobody in."""
    card = _issue(client, world)
    client.force_login(world.teacher)
    client.post(reverse("student_card", args=[world.student.pk]), {"action": "revoke"})
    client.logout()
    response = client.post(reverse("card_sign_in"), {"code": card.code})
    assert not response.context["user"].is_authenticated


def test_card_for_student_without_account_creates_one(client, world):
    """Issuing a first card gives the student their own sign-in, with no email."""
    client.force_login(world.teacher)
    client.post(reverse("student_card", args=[world.classmate.pk]), {"action": "issue"})
    world.classmate.refresh_from_db()
    assert world.classmate.user is not None
    assert world.classmate.user.email is None


def test_other_teacher_cannot_issue_a_card(client, world):
    """A teacher of another class gets a 404 and no card is made."""
    client.force_login(world.other_teacher)
    response = client.post(reverse("student_card", args=[world.student.pk]), {"action": "issue"})
    assert response.status_code == 404
    assert not SignInCard.objects.exists()
