"""How long a sign-in lasts: set when someone signs in, by who they are and how they came in,
and ended by ``SessionLimitMiddleware`` when its time is up, whatever the browser does.

- A student signing in with a card (a young child, on a shared classroom device): the session
  ends when the browser closes, and in any case ``STUDENT_SESSION_SECONDS`` (8 hours, a school
  day) after sign-in, for the browser that restores its tabs or the device never shut down.
- A student signing in any other way (a school email): the same school day at most.
- Staff: ``STAFF_SESSION_SECONDS`` (12 hours) after sign-in. A teacher signs in once a working
  day (an early start to the evening's marking fits in twelve hours), and a session left open
  on a classroom laptop or the staffroom computer ends overnight rather than a fortnight
  later: staff see every child of their classes, leaders every child of their school.
- Whānau: Django's ``SESSION_COOKIE_AGE``, two weeks. They sign in with a code emailed to them,
  on their own phone, and see only their own tamariki; asking them for a code every day would
  lose the families the app is for.

The end is an absolute time kept in the session, checked on every request: not the cookie's
age, which a browser may keep, a request may renew, and allauth's "Remember me" sets.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from partnerships.roles import roles_of

# Seconds since the epoch after which the session is over.
ENDS_AT = "mahi_tahi.session_ends_at"
# Signed in with a card: sent back to the card page when it is over.
BY_CARD = "mahi_tahi.signed_in_by_card"


def session_seconds(user) -> int | None:
    """How long a sign-in of ``user`` may last, or None for Django's default (whānau)."""
    roles = roles_of(user)
    if roles.is_staff or user.is_staff:
        return settings.STAFF_SESSION_SECONDS
    if roles.is_student:
        return settings.STUDENT_SESSION_SECONDS
    return None


@receiver(user_logged_in, dispatch_uid="mahi_tahi.session_limit")
def limit_session(sender, request, user, **kwargs) -> None:
    """Every sign-in, however it happens (password, emailed code, invitation, card)."""
    session = getattr(request, "session", None)
    seconds = session_seconds(user)
    if session is None or seconds is None:
        return
    session[ENDS_AT] = int(time.time()) + seconds
    # The cookie need not outlive the session; one that ends with the browser (allauth's
    # "Remember me" left unticked) stays so.
    if not session.get_expire_at_browser_close() and session.get_expiry_age() > seconds:
        session.set_expiry(seconds)


def card_session_start(request) -> None:
    """After a card sign-in: the session also ends when the browser closes."""
    request.session.set_expiry(0)
    request.session[BY_CARD] = True


class SessionLimitMiddleware:
    """Signs out a session whose time is up: that request, and the next, are signed out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ends_at = request.session.get(ENDS_AT)
        if ends_at is not None and time.time() >= ends_at:
            by_card = request.session.get(BY_CARD, False)
            logout(request)
            if by_card:
                messages.info(request, _("Kia ora! Time to sign in again with your card."))
                return self._send_to(request, reverse("card_sign_in"))
            messages.info(
                request,
                _("You were signed out: a sign-in here lasts a day at most. Please sign in again."),
            )
            if request.headers.get("HX-Request") == "true":
                return self._send_to(request, reverse("account_login"))
        return self.get_response(request)

    @staticmethod
    def _send_to(request, url: str):
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(url)
        return redirect(url)
