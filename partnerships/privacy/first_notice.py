"""A whānau member reads their school's privacy notice (IPP 3) before anything else.

Until they say they have read it, a page they open is replaced by the notice, which sends
them back to that page afterwards. No query for anyone: the person and their roles are
loaded for every page anyway.

The response is looked at, not just the address, so that whatever is not a page to read
(a file, a calendar, an htmx fragment, a redirect, an error) passes through as it is.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from partnerships.roles import request_roles

# Pages open before the notice is read: the notice and the privacy pages it links to,
# signing in and out, two-factor set-up, the language switch, the admin site.
OPEN_PREFIXES = ("privacy_", "account_", "mfa_")
OPEN_NAMES = {"set_language"}
OPEN_NAMESPACES = {"admin"}


def _is_open(request) -> bool:
    match = request.resolver_match
    if match is None:
        return True
    name = match.url_name or ""
    return (
        name in OPEN_NAMES
        or name.startswith(OPEN_PREFIXES)
        or not OPEN_NAMESPACES.isdisjoint(match.namespaces)
    )


def _is_page(response) -> bool:
    """A page to read, not a file, a fragment, a redirect or an error."""
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.has_header("Content-Disposition")
    )


class FirstNoticeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.skipped = tuple(
            url for url in (settings.STATIC_URL, settings.MEDIA_URL) if url and url != "/"
        )

    def __call__(self, request):
        response = self.get_response(request)
        if not self._to_notice(request, response):
            return response
        path = request.get_full_path()
        return redirect(f"{reverse('privacy_notice')}?{urlencode({'next': path})}")

    def _to_notice(self, request, response) -> bool:
        user = getattr(request, "user", None)
        return (
            request.method == "GET"
            and user is not None
            and user.is_authenticated
            and user.privacy_notice_seen_at is None
            and request.headers.get("HX-Request") != "true"
            and not request.path.startswith(self.skipped)
            and _is_page(response)
            and not _is_open(request)
            and request_roles(request).is_whanau
        )
