"""Signing in and out as each person does, in the browser."""

import re

from django.core import mail

PASSWORD = "correct horse battery staple"  # the factories' staff password

CODE = re.compile(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})?)\s*$", re.M)


def sign_in_with_code(page, base_url, email, *, fresh=True):
    """Ask for a code by email and type it in; ``fresh=False`` when already on the code page."""
    if fresh:
        page.goto(base_url + "/accounts/login/code/")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name=re.compile("code", re.I)).click()
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    page.get_by_label("Code").fill(CODE.search(mail.outbox[-1].body)[1])
    page.get_by_role("button", name=re.compile("sign in|confirm", re.I)).click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def open_menu(page):
    """The phone-sized menu, opened all the way: a click while it still slides open can land
    on the link that was under the pointer a moment before."""
    page.get_by_role("button", name="Show or hide the menu").click()
    page.locator("#main-nav.show").wait_for()


def sign_out(page):
    open_menu(page)
    page.get_by_role("button", name="Sign out").click()
    # Signed out for sure: the menu offers to sign in (the address alone may not have changed
    # yet, when we were on the home page already).
    page.get_by_role("link", name="Sign in", exact=True).wait_for(state="attached")


def sign_in_with_password(page, base_url, email):
    """Staff: the password form."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").last.fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^Sign in$")).last.click()
