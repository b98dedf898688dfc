"""Show each signed-in person the app in their language, and times in their school's zone;
refuse an address whose query string no page could read."""

import zoneinfo

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partnerships.roles import request_roles


class PreferredLanguageMiddleware:
    """After sign-in, a whānau member who prefers te reo Māori sees it without hunting for a switch.

    The footer's language switch sets the cookie, which then wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = None
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and request.user.is_authenticated:
            language = request.user.preferred_language
            if language != request.LANGUAGE_CODE:
                translation.activate(language)
                request.LANGUAGE_CODE = language
            else:
                language = None
        response = self.get_response(request)
        # The language switch sets its own cookie on this response: that choice wins.
        if language and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


class SchoolTimezoneMiddleware:
    """Times on every page are in the school's time zone (Chatham Islands schools exist)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = request_roles(request).timezone if request.user.is_authenticated else None
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        return self.get_response(request)


class UnreadableQueryMiddleware:
    """A NUL character in a query string is refused with a plain 400, before any view.

    No page has a use for one, and PostgreSQL cannot hold one in a text value: a search box
    given ``%00`` would otherwise be a server error. (Form fields refuse them on their own;
    views that parse a value from the query string check it themselves.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, value in _pairs(request.GET)):
            return HttpResponseBadRequest(
                _("That address has characters we cannot read. Check the link and try again."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _pairs(query):
    for key, values in query.lists():
        for value in values:
            yield key, value
