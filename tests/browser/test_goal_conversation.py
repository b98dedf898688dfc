"""In a real browser: whānau agree to a goal and comment; the teacher answers from the inbox."""

import re

import pytest

from tests.browser.signing import open_menu, sign_in_with_code, sign_in_with_password, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_whanau_and_teacher_talk_about_a_goal(page, live_server, world):
    """Whānau agree and comment; the teacher sees it in the inbox and answers; whānau see it."""
    sign_in_with_code(page, live_server.url, world.whanau.email)
    page.get_by_role("link", name=world.student.full_name, exact=True).click()
    page.get_by_role("link", name="Goals").click()
    page.get_by_role("link", name=world.goal.title).click()
    page.get_by_role("button", name="I agree to this goal").click()
    page.get_by_text("Whānau agreed").wait_for()
    page.get_by_label("What do you see at home?").fill("She reads to her little brother now.")
    page.get_by_role("button", name="Post").click()
    page.get_by_text("She reads to her little brother now.", exact=True).wait_for()
    sign_out(page)

    sign_in_with_password(page, live_server.url, world.teacher.email)
    open_menu(page)
    page.get_by_role("link", name="Whānau voice").click()
    page.get_by_text("She reads to her little brother now.", exact=True).wait_for()
    page.get_by_label(re.compile("^Answer")).fill("Ka pai! Thank you for telling us.")
    page.get_by_role("button", name="Answer", exact=True).click()
    page.get_by_role("status").filter(has_text="Answered").wait_for()
    sign_out(page)

    sign_in_with_code(page, live_server.url, world.whanau.email)
    page.goto(f"{live_server.url}/goals/{world.goal.pk}/")
    page.get_by_text("Ka pai! Thank you for telling us.", exact=True).wait_for()
