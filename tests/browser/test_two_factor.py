"""In a real browser on a phone: a leader turns on two-factor sign-in, then signs in with it;
a child's card sign-in ends after a school day."""

import datetime
import os
import re

import pytest
import time_machine

from partnerships.models import SignInCard
from tests.browser.signing import PASSWORD, open_menu, sign_in_with_password, sign_out
from tests.partnerships.test_two_factor import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("MAHI_TAHI_SCREENSHOTS")  # a folder, to look at the pages


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_leader_turns_on_two_factor_and_signs_in_with_it(page, live_server, world):
    """From the menu: set up an authenticator app with its key, keep the recovery codes;
    the next sign-in asks for the app's code after the password."""
    sign_in_with_password(page, live_server.url, world.leader.email)
    open_menu(page)
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("heading", name="Two-factor sign-in", level=1).wait_for()
    _shot(page, "mfa-index-off")
    page.get_by_role("link", name="Set up an authenticator app").click()
    page.get_by_label("Password").fill(PASSWORD)  # allauth asks again before it changes
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Set up an authenticator app").wait_for()
    _shot(page, "mfa-activate")
    secret = page.get_by_label(re.compile("Type this key")).input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("heading", name="Recovery codes").wait_for()
    assert len(page.get_by_role("list", name="Unused recovery codes").get_by_role("listitem").all())
    _shot(page, "mfa-recovery-codes")
    sign_out(page)

    sign_in_with_password(page, live_server.url, world.leader.email)
    page.get_by_role("heading", name="Two-factor sign-in").wait_for()
    _shot(page, "mfa-authenticate")
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    open_menu(page)
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_text("When you sign in, we ask for the code").wait_for()
    _shot(page, "mfa-index-on")


def test_card_sign_in_ends_after_a_school_day(page, live_server, world):
    """A child signed in with their card at nine is sent back to the card page at five."""
    card = SignInCard.objects.create(student=world.student)
    nine = datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(nine, tick=True):
        page.goto(live_server.url + card.qr_path)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Me").wait_for()
    # A few minutes past: the clock ticks while a loaded machine signs the child in.
    with time_machine.travel(nine + datetime.timedelta(hours=8, minutes=5), tick=True):
        page.reload()
        page.get_by_role("heading", name="Sign in with your card").wait_for()
        page.get_by_text("Time to sign in again with your card").wait_for()
