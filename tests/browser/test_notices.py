"""In a real browser: a teacher's answer reaches the parent by email and on their home page,
and the teacher sees that they opened it."""

import re

import pytest
from django.core import mail

from learners import services as learner_services
from partnerships.models import Voice
from tests.browser.signing import open_menu, sign_in_with_code, sign_in_with_password, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_teachers_answer_reaches_the_parent(page, live_server, world):
    """The parent's comment is answered from the inbox; the email and home page say so, and
    opening it shows on the teacher's record of what whānau were told."""
    member = world.link.whanau
    member.quiet_from = member.quiet_until = None  # whatever the hour the test runs at
    member.save()
    learner_services.comment_post(
        goal=world.goal, by=world.whanau, voice=Voice.WHANAU, body="He counts everything now."
    )
    sign_in_with_password(page, live_server.url, world.teacher.email)
    open_menu(page)
    page.get_by_role("link", name="Whānau voice").click()
    page.get_by_label(re.compile("^Answer")).fill("Ka pai! Try counting backwards too.")
    page.get_by_role("button", name="Answer", exact=True).click()
    page.get_by_role("status").filter(has_text="Answered").wait_for()
    sign_out(page)

    # The email: who, the child, the goal, and one link to it.
    (email,) = [m for m in mail.outbox if m.to == [member.email] and "replied" in m.subject]
    assert world.teacher.name in email.subject
    assert world.goal.title in email.subject
    assert "/notices/open/" in email.body

    mail.outbox.clear()
    sign_in_with_code(page, live_server.url, world.whanau.email)
    waiting = page.get_by_role("region", name="Waiting for you")
    waiting.get_by_text("New since your last visit").wait_for()
    waiting.get_by_role("link", name=re.compile("replied to your comment")).click()
    page.get_by_text("Ka pai! Try counting backwards too.", exact=True).wait_for()
    sign_out(page)

    sign_in_with_password(page, live_server.url, world.teacher.email)
    page.goto(f"{live_server.url}/students/{world.student.pk}/told/")
    row = page.get_by_role("row").filter(has_text="replied to your comment")
    row.get_by_text("Opened").wait_for()
