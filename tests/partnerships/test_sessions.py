"""How long a sign-in lasts: a card's until the browser closes and a school day at most,
staff's a working day, whānau's Django's two weeks (partnerships/sessions.py)."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from partnerships.models import SignInCard

pytestmark = pytest.mark.django_db

NINE_AM = datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC)
PASSWORD = "correct horse battery staple"  # the factories' staff password


def _card_sign_in(client, world):
    card = SignInCard.objects.create(student=world.student)
    response = client.post(reverse("card_sign_in"), {"code": card.code})
    assert response.status_code == 302


def _signed_in_as(client):
    return client.get(reverse("home")).context["user"]


def test_card_session_ends_when_the_browser_closes(client, world):
    """A card sign-in's cookie is a session cookie: closing the browser signs the child out."""
    _card_sign_in(client, world)
    assert client.session.get_expire_at_browser_close()
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""


def test_card_session_ends_after_a_school_day(client, world):
    """Eight hours after a card sign-in, the next request is signed out and sent back to
    the card page, saying why; just before, the child is still signed in."""
    with time_machine.travel(NINE_AM, tick=False):
        _card_sign_in(client, world)
    with time_machine.travel(NINE_AM + datetime.timedelta(hours=7, minutes=59), tick=False):
        assert _signed_in_as(client) == world.student_user
    with time_machine.travel(NINE_AM + datetime.timedelta(hours=8), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response.url == reverse("card_sign_in")
        response = client.get(response.url)
        assert not response.context["user"].is_authenticated
        assert "sign in again with your card" in response.content.decode()


def test_an_htmx_request_after_the_school_day_goes_to_the_card_page(client, world):
    """An in-page update after the end sends the whole page to the card page."""
    with time_machine.travel(NINE_AM, tick=False):
        _card_sign_in(client, world)
    with time_machine.travel(NINE_AM + datetime.timedelta(hours=9), tick=False):
        response = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("card_sign_in")


@pytest.mark.parametrize("remember", [False, True])
def test_staff_session_lasts_a_working_day(client, world, remember):
    """Staff signing in with a password stay signed in 12 hours at most, not two weeks,
    whether or not they tick "Remember me" (which keeps the cookie past closing the browser)."""
    form = {"login": world.teacher.email, "password": PASSWORD}
    if remember:
        form["remember"] = "on"
    with time_machine.travel(NINE_AM, tick=False):
        client.post(reverse("account_login"), form)
        assert client.session.get_expire_at_browser_close() is not remember
    with time_machine.travel(NINE_AM + datetime.timedelta(hours=11), tick=False):
        assert _signed_in_as(client) == world.teacher
    with time_machine.travel(NINE_AM + datetime.timedelta(hours=12, seconds=1), tick=False):
        response = client.get(reverse("home"))
        assert not response.context["user"].is_authenticated
        assert "signed out" in response.content.decode()


def test_whanau_keep_the_longer_session(client, world):
    """Whānau signing in by emailed code on their own phone keep Django's two weeks."""
    with time_machine.travel(NINE_AM, tick=False):
        client.post(reverse("account_request_login_code"), {"email": world.whanau.email})
        code = re.search(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})?)\s*$", mail.outbox[-1].body, re.M)
        client.post(reverse("account_confirm_login_code"), {"code": code[1]})
        assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    with time_machine.travel(NINE_AM + datetime.timedelta(days=10), tick=False):
        assert _signed_in_as(client) == world.whanau


def test_a_student_signing_in_by_email_has_a_school_day(client, world):
    """A student with a school email, signing in by code, is signed out after a school day
    (but their cookie outlives closing the browser: not a card's shared device)."""
    student_user = world.student.user
    student_user.email = "akonga@school.example"
    student_user.save(update_fields=["email"])
    with time_machine.travel(NINE_AM, tick=False):
        client.force_login(student_user)
        assert client.session.get_expiry_age() == 8 * 60 * 60
        assert not client.session.get_expire_at_browser_close()
    with time_machine.travel(NINE_AM + datetime.timedelta(hours=8), tick=False):
        response = client.get(reverse("home"))
        assert not response.context["user"].is_authenticated


def test_an_htmx_request_after_the_working_day_goes_to_sign_in(client, world):
    """Staff whose day is over, clicking something that updates part of a page, are sent
    (the whole page) to sign in."""
    with time_machine.travel(NINE_AM, tick=False):
        client.post(reverse("account_login"), {"login": world.teacher.email, "password": PASSWORD})
    with time_machine.travel(NINE_AM + datetime.timedelta(hours=13), tick=False):
        response = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("account_login")
