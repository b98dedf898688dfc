"""A whānau member reads their school's privacy notice (IPP 3) before anything else.

Until they say they have read it, a page they open sends them to the notice, which sends them
back to that page afterwards. It is decided before the page's view runs, so nothing the view
would do happens for a page they never saw: the home page still has "new since your last
visit" when they get there, and no one is recorded as having viewed a child's record. A file
opened from a link (a photo, a report's PDF, a calendar entry) waits for the notice too, and
comes once it is read, through the notice's ``next``. Their own privacy export is a privacy
page, open all along.

No query for anyone: the person and their roles are loaded for every page anyway.
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


def _is_open(match) -> bool:
    name = match.url_name or ""
    return (
        name in OPEN_NAMES
        or name.startswith(OPEN_PREFIXES)
        or not OPEN_NAMESPACES.isdisjoint(match.namespaces)
    )


class FirstNoticeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.skipped = tuple(
            url for url in (settings.STATIC_URL, settings.MEDIA_URL) if url and url != "/"
        )

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._to_notice(request):
            return None
        path = request.get_full_path()
        return redirect(f"{reverse('privacy_notice')}?{urlencode({'next': path})}")

    def _to_notice(self, request) -> bool:
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        return (
            request.method == "GET"
            and match is not None
            and user is not None
            and user.is_authenticated
            and user.privacy_notice_seen_at is None
            and request.headers.get("HX-Request") != "true"
            and not request.path.startswith(self.skipped)
            and not _is_open(match)
            and request_roles(request).is_whanau
        )
