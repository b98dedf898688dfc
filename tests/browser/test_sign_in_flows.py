"""In a real browser on a phone-sized screen: whānau and students sign in and find their way."""

import re

import pytest
from django.core import mail

from partnerships.models import SignInCard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_whanau_signs_in_with_a_code_and_sees_their_child(page, live_server, world):
    """A whānau member asks for a code, types it from the email, and sees their tamariki."""
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in", exact=True).first.click()
    page.get_by_role("link", name=re.compile("email me a code|sign-in code", re.I)).first.click()
    page.get_by_label("Email").fill(world.whanau.email)
    page.get_by_role("button", name=re.compile("code", re.I)).click()
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    code = re.search(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})?)\s*$", mail.outbox[-1].body, re.M)[1]
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name=re.compile("sign in|confirm", re.I)).click()
    page.get_by_role("heading", name="My tamariki").wait_for()
    page.get_by_role("link", name=world.student.full_name, exact=True).click()
    assert world.student.last_name in page.get_by_role("heading", level=1).inner_text()


def test_student_signs_in_with_a_card(page, live_server, world):
    """A young student types the code from their card and sees their own page."""
    card = SignInCard.objects.create(student=world.student)
    page.goto(live_server.url + "/card/")
    page.get_by_label("The code on your card").fill(card.display_code.lower())
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Me").wait_for()
    page.get_by_role("link", name="About me").click()
    page.get_by_role("heading", name="About me").wait_for()


def test_language_switch_to_te_reo(page, live_server, world):
    """The footer switch changes the interface to te reo Māori and back."""
    page.goto(live_server.url + "/")
    page.get_by_label("Language").select_option("mi")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "mi"
    page.get_by_role("link", name="Takiuru").first.wait_for()
