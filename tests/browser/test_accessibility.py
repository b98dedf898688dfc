"""axe-core on every page of the access matrix, for every role shown it, in English and in te
reo Māori; and on the pages a person reaches when refused or when something fails (sign-in,
404, 403, 400, 500, a form open too long, too many tries). Each page must also reflow: no
sideways scrolling at 320 px wide, nor at 640 px with text at 200%.

A test is one URL name in one language (``test_page[goal_detail-mi]``), auditing each role's
view of it; a role whose page is the same HTML as one already audited (but for the CSRF token,
the CSP nonce and the name of the person signed in) is not audited again.
The world is built once for the module and committed, so the live server reads it; the
module's end empties the database, as a transactional test's end does. One browser context
per role and language, signed in by a session cookie, serves every page.
"""

import re

import pytest
from allauth.core.internal.ratelimit import respond_429
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.csrf import csrf_failure
from django.views.defaults import bad_request, permission_denied, server_error
from playwright.sync_api import Error as PlaywrightError

from tests.access.matrix import MATRIX
from tests.access.objects import Things
from tests.access.outcomes import ROLES
from tests.browser.axe import AXE_JS, LANGUAGES, audit, new_context, same_page
from tests.conftest import REQUIRE_SERVICES, world_build

# Not measured for coverage: the sweep checks what pages look like to a browser, and every view
# it reaches has tests of its own; tracing its server's every line made it a third slower.
pytestmark = [pytest.mark.browser, pytest.mark.no_cover]

PAGES = [name for name, row in MATRIX.items() if any(row.get[r].status == 200 for r in ROLES)]


class OtherRound(Things):
    """Another round of reports for the world's class, its reports in a state of their own."""

    round_name = "End of year"


class Sweep:
    """The module's world, its addresses, and a signed-in page per role and language."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.world = world_build()
        # One set of objects for the rows: a second weekly update for the week, or a second
        # booking round of the same name, is not allowed.
        self.things = Things(self.world)
        self.urls = {}
        self.pages = {}

    def url(self, name: str) -> str:
        """The row's address, its objects made once for both languages."""
        if name not in self.urls:
            url = MATRIX[name].url
            try:
                with transaction.atomic():
                    self.urls[name] = url(self.things)
            except ValidationError:
                # One report cannot be both published and waiting for a reflection: a row
                # needing it in another state gets a report of its own.
                self.urls[name] = url(OtherRound(self.world))
        return self.urls[name]

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self.world, role)

    def page(self, role: str, language: str):
        if (role, language) not in self.pages:
            self.pages[role, language] = new_context(
                self.browser, self.base_url, language, self.user(role)
            )
        return self.pages[role, language]

    def close(self):
        for page in self.pages.values():
            page.context.close()


@pytest.fixture(autouse=True)
def _live_server_helper(live_server):
    """Replaces pytest-django's fixture of this name for this module: that one makes each test
    using the live server transactional, emptying the database after it, and the module's
    world would go with it. The sweep empties the database once, at the module's end."""
    live_server._live_server_modified_settings.enable()
    yield
    live_server._live_server_modified_settings.disable()


@pytest.fixture(scope="module")
def sweep(browser, live_server, django_db_setup, django_db_blocker):
    if not AXE_JS.exists():
        missing = "axe-core is not installed: `make test` installs it (npm ci)"
        if REQUIRE_SERVICES:
            pytest.fail(missing)
        pytest.skip(missing)
    # The database stays open for the whole module: a page may still ask the server for
    # something (a script's request) between one test and the next.
    with django_db_blocker.unblock():
        sweep = Sweep(browser, live_server.url)
        yield sweep
        sweep.close()
        call_command("flush", verbosity=0, interactive=False)


def _report(found: list) -> None:
    if found:
        lines = "\n".join(str(violation) for violation in found)
        pytest.fail(
            f"{len(found)} accessibility violations (rule | impact | page | role | "
            f"language | selector | help):\n{lines}",
            pytrace=False,
        )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_page(sweep, name, language, record_property):
    """Each role shown the page gets one with no axe violation, that reflows."""
    row = MATRIX[name]
    url = sweep.base_url + sweep.url(name)
    seen = set()
    found = []
    for role in ROLES:
        if row.get[role].status != 200:
            continue
        page = sweep.page(role, language)
        try:
            response = page.goto(url, wait_until="load")
        except PlaywrightError as error:
            if "Download is starting" in error.message:
                break  # a CSV or PDF, whoever asks: no page to audit
            raise
        assert response.status == 200, f"{name} as {role}: {response.status}"
        if not response.headers.get("content-type", "").startswith("text/html"):
            break  # a photo, whoever asks
        html = same_page(response.text(), sweep.user(role))
        if html in seen:
            continue
        seen.add(html)
        found += audit(page, name=f"{name} {sweep.url(name)}", role=role, language=language)
    record_property("audited", len(seen))  # pages audited: in --junitxml, for the count
    _report(found)


def _code_confirm(page, base_url: str, email: str) -> None:
    page.goto(base_url + reverse("account_request_login_code"))
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=email]").press("Enter")
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))


# Error pages no GET of the test world reaches: each as its handler renders it.
HANDLERS = {
    "403": lambda request: permission_denied(request, PermissionDenied()),
    "400": lambda request: bad_request(request, Exception()),
    "500": server_error,
    "403_csrf": lambda request: csrf_failure(request, reason=""),
    "429": respond_429,
}


def _handled(page, base_url: str, language: str, name: str) -> None:
    """The error page as its handler renders it, served at a real address of the site (its
    stylesheet and scripts load as on any page)."""
    with translation.override(language):
        request = RequestFactory().get("/students/")
        request.LANGUAGE_CODE = language
        request.user = AnonymousUser()
        request.session = {}
        response = HANDLERS[name](request)
    html = response.content.decode()
    url = base_url + "/an-error-page-for-the-sweep/"
    status = response.status_code
    page.route(url, lambda route: route.fulfill(status=status, body=html, content_type="text/html"))
    page.goto(url, wait_until="load")
    page.unroute(url)


REFUSALS = ("account_login", "account_request_login_code", "code_confirm", "404", *HANDLERS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", REFUSALS)
def test_refusal_page(sweep, name, language, record_property):
    """The pages a person reaches when refused, signed out."""
    page = sweep.page("anonymous", language)
    if name == "code_confirm":
        _code_confirm(page, sweep.base_url, sweep.world.whanau.email)
    elif name == "404":
        assert page.goto(sweep.base_url + "/no-such-page/").status == 404
    elif name in HANDLERS:
        _handled(page, sweep.base_url, language, name)
    else:
        assert page.goto(sweep.base_url + reverse(name)).status == 200
    record_property("audited", 1)
    _report(audit(page, name=name, role="anonymous", language=language))
