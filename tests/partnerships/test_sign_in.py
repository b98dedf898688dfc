"""Signing in: staff with a password, whānau with a code sent by email."""

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_staff_sign_in_with_password(client, world):
    """A teacher signs in with email and password and lands on their home page."""
    response = client.post(
        reverse("account_login"),
        {"login": world.teacher.email, "password": "correct horse battery staple"},
        follow=True,
    )
    assert response.context["user"] == world.teacher
    assert "My classes" in response.content.decode()


def test_wrong_password_is_a_clear_error(client, world):
    """A wrong password says so and signs nobody in."""
    response = client.post(
        reverse("account_login"), {"login": world.teacher.email, "password": "nope"}
    )
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert not response.context["user"].is_authenticated


def _request_code(client, email):
    client.post(reverse("account_request_login_code"), {"email": email})
    return re.search(
        r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})?)\s*$", mail.outbox[-1].body, re.MULTILINE
    ).group(1)


def test_whanau_sign_in_with_emailed_code(client, world):
    """Whānau ask for a code, type it in, and see their tamariki."""
    code = _request_code(client, world.whanau.email)
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert response.context["user"] == world.whanau
    assert world.student.last_name in response.content.decode()


def test_wrong_code_is_refused(client, world):
    """A wrong code is an error on the page and signs nobody in."""
    _request_code(client, world.whanau.email)
    response = client.post(reverse("account_confirm_login_code"), {"code": "XXXXXX"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_sign_up_is_closed(client, db):
    """There is no open sign-up: the page says accounts come from an invitation."""
    response = client.get(reverse("account_signup"))
    assert "invitation" in response.content.decode().lower()


def test_code_requests_are_rate_limited(client, world):
    """Asking for codes for one address again and again stops sending them."""
    for _ in range(6):
        client.post(reverse("account_request_login_code"), {"email": world.whanau.email})
    assert len(mail.outbox) <= 3
