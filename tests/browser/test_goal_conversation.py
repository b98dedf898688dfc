"""In a real browser: whānau agree to a goal and comment; the teacher answers from the inbox."""

import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})?)\s*$", re.M)


def _sign_in_with_code(page, base_url, email, *, fresh=True):
    """Ask for a code by email and type it in; ``fresh=False`` when already on the code page."""
    if fresh:
        page.goto(base_url + "/accounts/login/code/")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name=re.compile("code", re.I)).click()
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    page.get_by_label("Code").fill(CODE.search(mail.outbox[-1].body)[1])
    page.get_by_role("button", name=re.compile("sign in|confirm", re.I)).click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def _sign_out(page):
    page.get_by_role("button", name="Show or hide the menu").click()  # phone-sized menu
    page.get_by_role("button", name="Sign out").click()
    # Signed out for sure: the menu offers to sign in (the address alone may not have changed
    # yet, when we were on the home page already).
    page.get_by_role("link", name="Sign in", exact=True).wait_for(state="attached")


def test_whanau_and_teacher_talk_about_a_goal(page, live_server, world):
    """Whānau agree and comment; the teacher sees it in the inbox and answers; whānau see it."""
    _sign_in_with_code(page, live_server.url, world.whanau.email)
    page.get_by_role("link", name=world.student.full_name).click()
    page.get_by_role("link", name="Goals").click()
    page.get_by_role("link", name=world.goal.title).click()
    page.get_by_role("button", name="I agree to this goal").click()
    page.get_by_text("Whānau agreed").wait_for()
    page.get_by_label("What do you see at home?").fill("She reads to her little brother now.")
    page.get_by_role("button", name="Post").click()
    page.get_by_text("She reads to her little brother now.").wait_for()
    _sign_out(page)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").last.fill(world.teacher.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name=re.compile("^Sign in$")).last.click()
    page.get_by_role("button", name="Show or hide the menu").click()
    page.get_by_role("link", name="Whānau voice").click()
    page.get_by_text("She reads to her little brother now.").wait_for()
    page.get_by_label(re.compile("^Answer")).fill("Ka pai! Thank you for telling us.")
    page.get_by_role("button", name="Answer", exact=True).click()
    page.get_by_role("status").filter(has_text="Answered").wait_for()
    _sign_out(page)

    _sign_in_with_code(page, live_server.url, world.whanau.email)
    page.goto(f"{live_server.url}/goals/{world.goal.pk}/")
    page.get_by_text("Ka pai! Thank you for telling us.").wait_for()
