"""Show each signed-in person the app in the language they chose, until they pick another."""

from django.conf import settings
from django.utils import translation


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
