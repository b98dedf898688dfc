"""In a real browser: a student writes their update, the teacher approves it, it goes home, and
whānau follow the email's link and reply."""

import re

import pytest
from django.core import mail

from conversations.weekly import sending
from tests.browser.signing import sign_in_with_code, sign_in_with_password, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_update_written_approved_sent_and_answered(page, live_server, world):
    """The weekly update goes from the student's words to whānau and back with a reply."""
    card = world.student.sign_in_cards.create()
    page.goto(live_server.url + "/card/")
    page.get_by_label("The code on your card").fill(card.code)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Write my weekly update").click()
    page.get_by_label("What I learned").fill("How kererū spread seeds through the forest.")
    page.get_by_label("A question for home").fill("What birds do you hear in the morning?")
    page.get_by_role("button", name="It’s ready to go home").click()
    page.get_by_text("Ka pai! Your update is ready to go home.").wait_for()
    sign_out(page)

    sign_in_with_password(page, live_server.url, world.teacher.email)
    page.goto(live_server.url + "/updates/week/")
    page.get_by_role("button", name=re.compile("Approve")).first.click()
    page.get_by_text("1 approved.").wait_for()
    sign_out(page)

    week = world.school.week_of(card.issued_at)
    sending.week_send(school_id=world.school.pk, week=week)
    message = next(m for m in mail.outbox if m.to == [world.link.whanau.email])
    read_url = re.search(r"http://\S+/updates/read/\S+/", message.body)[0]
    page.goto(read_url.replace("http://127.0.0.1:8000", live_server.url))
    page.wait_for_url(re.compile(r"/accounts/login/code/"))
    sign_in_with_code(page, live_server.url, world.whanau.email, fresh=False)
    page.get_by_text("How kererū spread seeds through the forest.").wait_for()
    page.get_by_label("Your reply").fill("We hear tūī every morning!")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("We hear tūī every morning!").wait_for()
