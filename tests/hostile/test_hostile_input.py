"""Hostile input, refused plainly: every URL pattern of the access matrix, as every role, GET
and POST, with hypothesis spoiling every GET parameter the page reads (``reads.py``), every
field its POST takes, its files and the ids in its address.

Whatever arrives: never a server error, nor on the page a successful POST sends the person
to (what was saved is read back); when the page reports a failure (a 4xx, a form shown again
with errors, or sent back with an error message) not a row of the project's apps has
changed; no redirect leaves the site, whatever ``next`` says. Each example runs in a
savepoint rolled back after it, so each starts from the same world.

Roles the matrix allows on a URL get ``ALLOWED_EXAMPLES`` examples each (``ADDRESS_ONLY_
EXAMPLES`` where the page reads nothing but its address); roles it refuses get
``REFUSED_EXAMPLES`` (the view stops before it reads anything but the address). Set
``MAHI_TAHI_HOSTILE_SCALE`` (e.g. 20) to look harder on a laptop.
"""

import functools
import os
import re
import zlib
from contextlib import contextmanager
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import constants as message_levels
from django.core.handlers.wsgi import WSGIRequest, get_bytes_from_wsgi
from django.db import transaction
from django.forms import BaseForm
from django.http import QueryDict
from django.test import Client
from django.test.utils import ContextList
from django.urls import resolve, reverse
from django.utils.http import MAX_URL_LENGTH, url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conversations.weekly import sending
from partnerships import notices
from partnerships.models import AuditEvent, Submission
from tests.access.matrix import MATRIX
from tests.access.objects import INVITATION_KEY, Things
from tests.access.outcomes import ROLES
from tests.access.snapshot import changed_tables, fingerprint
from tests.hostile import values
from tests.hostile.reads import (
    FILE_FIELDS,
    GET_PARAMS,
    POST_FIELDS,
    TOKEN,
    plausible,
)

SCALE = int(os.environ.get("MAHI_TAHI_HOSTILE_SCALE", "1"))
ALLOWED_EXAMPLES = 4 * SCALE
ADDRESS_ONLY_EXAMPLES = 2 * SCALE
REFUSED_EXAMPLES = 1 * SCALE
HOST = "testserver"
AUDIT_TABLE = AuditEvent._meta.db_table
SUBMISSION_TABLE = Submission._meta.db_table
ROUTE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


# What a view reads from the query string ---------------------------------------------


class _ReadingQueryDict(QueryDict):
    """``request.GET`` that remembers each name a view asks for, present or not."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.names_read = set()
        self._listing = False

    def _note(self, key):
        # Not while the query string is parsed, nor when a view lists what was sent.
        if hasattr(self, "names_read") and not self._listing:
            self.names_read.add(key)

    def items(self):
        self._listing = True
        try:
            return list(super().items())
        finally:
            self._listing = False

    def lists(self):
        self._listing = True
        try:
            return list(super().lists())
        finally:
            self._listing = False

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)


def _reading_get(request):
    raw = get_bytes_from_wsgi(request.environ, "QUERY_STRING", "")
    return _ReadingQueryDict(raw, encoding=request._encoding)


@contextmanager
def _names_read_recorded():
    reading = functools.cached_property(_reading_get)
    reading.__set_name__(WSGIRequest, "GET")
    with mock.patch.object(WSGIRequest, "GET", reading):
        yield


# The URL, and what may be sent to it --------------------------------------------------


def _forged_strings(things) -> list[str]:
    """Strings that look like a URL's own but are not: another kind of signed link, a link
    to something that does not exist, a key cut short."""
    return [
        sending.unsubscribe_token(things.world.link.pk),
        sending.unsubscribe_token(2**70),
        notices.open_token(2**70),
        notices.open_token(0),
        INVITATION_KEY[:-1],
        INVITATION_KEY + "\x00",
    ]


class Target:
    """One URL pattern with one method: its address's arguments, query and body."""

    def __init__(self, name: str, method: str, things: Things):
        row = MATRIX[name]
        self.name, self.method = name, method
        path, _sep, query = row.url(things).partition("?")
        match = resolve(path)
        converters = {
            found["name"]: found["converter"] or "str"
            for found in ROUTE_ARGUMENT.finditer(match.route)
        }
        self.url_name = match.url_name
        self._strategies = {}
        self.arguments = {key: (converters[key], value) for key, value in match.kwargs.items()}
        assert not match.args, f"{name}: positional arguments in its route"
        self.forged = _forged_strings(things)
        base_query = {key: [value] for key, value in QueryDict(query).items()}
        self.query = plausible(GET_PARAMS.get(name, {}), things)
        for key, value in base_query.items():
            self.query.setdefault(key, value)
        self.body, self.files = {}, ()
        if method == "POST":
            base = row.data(things)
            self.body = plausible(TOKEN, things) | plausible(POST_FIELDS.get(name, {}), things)
            for key, value in base.items():
                self.body.setdefault(key, [value])
                if value not in self.body[key]:
                    self.body[key].insert(0, value)
            self.base_body = base
            self.files = FILE_FIELDS.get(name, ())
        else:
            self.base_body = {}
        self.base_query = {key: value[0] for key, value in base_query.items()}

    def draw(self, data, *, allowed: bool, seed: int = 0) -> tuple[str, dict, bool]:
        """The path, the query or body, and whether to ask as htmx, for one example.

        Allowed roles: everything plain first (the row's own request), then one field spoiled
        with the rest plausible, or each field spoiled or left out by chance. Refused roles
        get one example (hypothesis's first is its simplest): the address as it is, each
        field a different hostile value, in turn from ``seed``.
        """
        if not allowed:
            return self._refused(data, seed)
        mode = data.draw(st.sampled_from(("plain", "one", "many")), label="mode")
        fields = self.query if self.method == "GET" else self.body
        base = self.base_query if self.method == "GET" else self.base_body
        names = sorted(fields) + [f"<file> {name}" for name in self.files] + ["<address>"]
        spoiled = set()
        if mode == "one":
            spoiled = {data.draw(st.sampled_from(names), label="spoiled")}
        sent = {}
        for name in sorted(fields):
            how = self._how(data, name, mode, spoiled)
            if how == "drop":
                continue
            if how == "keep":
                if name in base and mode == "plain":
                    sent[name] = base[name]
                else:
                    sent[name] = data.draw(st.sampled_from(fields[name]), label=name)
            else:
                sent[name] = data.draw(self._hostile(name, fields[name]), label=name)
        for name in self.files:
            if self._how(data, f"<file> {name}", mode, spoiled) == "hostile":
                sent[name] = data.draw(values.uploads(), label=name)
        if mode != "plain" and data.draw(st.booleans(), label="add next"):
            sent["next"] = data.draw(values.NEXT_VALUES, label="next")
        arguments = {}
        for key, (converter, value) in self.arguments.items():
            if self._how(data, "<address>", mode, spoiled) != "hostile":
                arguments[key] = value
            elif converter == "int":
                arguments[key] = data.draw(values.url_numbers(), label=key)
            else:
                arguments[key] = data.draw(values.url_strings(self.forged), label=key)
        htmx = mode != "plain" and data.draw(st.booleans(), label="htmx")
        return reverse(self.url_name, kwargs=arguments), sent, htmx

    def _refused(self, data, seed: int) -> tuple[str, dict, bool]:
        fields = self.query if self.method == "GET" else self.body
        sent = {}
        for turn, name in enumerate([*sorted(fields), "next"]):
            choices = values.in_turn(values.FIXED, seed + 7 * turn)
            sent[name] = data.draw(st.sampled_from(choices), label=name)
        for turn, name in enumerate(self.files):
            sent[name] = data.draw(values.uploads(start=seed + turn), label=name)
        arguments = {key: value for key, (_converter, value) in self.arguments.items()}
        return reverse(self.url_name, kwargs=arguments), sent, False

    def _hostile(self, name: str, plausible: list) -> st.SearchStrategy:
        if name not in self._strategies:
            self._strategies[name] = values.values(plausible)
        return self._strategies[name]

    @staticmethod
    def _how(data, name, mode, spoiled) -> str:
        if mode == "plain":
            return "keep"
        if mode == "one":
            return "hostile" if name in spoiled else "keep"
        return data.draw(st.sampled_from(("hostile", "keep", "drop")), label=f"{name}?")


# What a response says -----------------------------------------------------------------


def _has_form_errors(response) -> bool:
    """A bound form shown again with errors, or a dashboard saying its filters were wrong."""
    if response.context is None:
        return False
    contexts = response.context if isinstance(response.context, ContextList) else [response.context]
    for context in contexts:
        for value in context.flatten().values():
            form = getattr(value, "form", value)
            if isinstance(form, BaseForm) and form.is_bound and form.errors:
                return True
            if getattr(value, "errors", None) and not isinstance(value, BaseForm):
                return True  # the dashboard's Scope: filters it could not use
    return False


def _error_messages(response) -> list[str]:
    """Error messages this request added (not ones left from an earlier request)."""
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return [str(message) for message in queued if message.level >= message_levels.ERROR]


def _stays_on_the_site(location: str) -> bool:
    """A path of this site (Django's own check stops at 2048 characters: a long query string
    of our own is still ours)."""
    if len(location) > MAX_URL_LENGTH:
        parts = urlsplit(location)
        return (
            not (parts.scheme or parts.netloc)
            and location.startswith("/")
            and (url_has_allowed_host_and_scheme(parts.path, allowed_hosts={HOST}))
        )
    return url_has_allowed_host_and_scheme(location, allowed_hosts={HOST})


def _read_to_the_end(response) -> None:
    if response.streaming:
        # The test client then closes the file (closing the response again would close the
        # database connection with it).
        response.getvalue()


# The test ------------------------------------------------------------------------------


def _cases() -> list:
    return [
        pytest.param(name, method, id=f"{name}-{method}")
        for name in MATRIX
        for method in ("GET", "POST")
    ]


def _refused(outcome) -> bool:
    return outcome.status in (404, 405) or outcome.to_sign_in


def _last_audit_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _changed(before, last_audit: int, response, *, shown_again: bool) -> list[str]:
    """The tables this request changed, but for what a refusal may write: who looked at a
    record shown again with its errors, and the form's one-time token where the view sent the
    person on with an error message (``partnerships.submissions`` keeps the page they got)."""
    changed = changed_tables(before, fingerprint())
    if shown_again and AUDIT_TABLE in changed:
        written = AuditEvent.objects.filter(pk__gt=last_audit)
        if not written.exclude(action=AuditEvent.Action.VIEWED).exists():
            changed.remove(AUDIT_TABLE)
    if response.status_code == 302 and SUBMISSION_TABLE in changed:
        changed.remove(SUBMISSION_TABLE)
    return changed


def _signed_in_as(client, user) -> None:
    """Sign the role in (or out) again only when an example left someone else signed in."""
    signed_in = client.session.get(SESSION_KEY)
    if user is None and signed_in is not None:
        client.logout()
    elif user is not None and signed_in != str(user.pk):
        client.force_login(user)


def _ask(client, user, target, data, *, allowed: bool, seed: int) -> None:
    path, sent, htmx = target.draw(data, allowed=allowed, seed=seed)
    headers = {"HX-Request": "true"} if htmx else {}
    _signed_in_as(client, user)
    with transaction.atomic():
        before, last_audit = fingerprint(), _last_audit_event()
        if target.method == "GET":
            response = client.get(path, sent, headers=headers)
        else:
            response = client.post(path, sent, headers=headers)
        _read_to_the_end(response)
        where = f"{target.method} {path} as {user or 'anonymous'}"
        assert response.status_code < 500, where

        shown_again = _has_form_errors(response)
        errors = _error_messages(response)
        if response.status_code >= 400 or shown_again or errors:
            changed = _changed(before, last_audit, response, shown_again=shown_again)
            assert not changed, f"{where} reported a failure {errors} but changed {changed}"

        if 300 <= response.status_code < 400:
            location = response["Location"]
            assert _stays_on_the_site(location), f"{where} sent to {location!r}"
            if target.method == "POST" and not errors:
                # What was saved is shown next: a value stored is read back without an error.
                shown = client.get(location)
                _read_to_the_end(shown)
                assert shown.status_code < 500, f"{where}, then GET {location}"
        if response.get("Content-Type", "").startswith("text/html"):
            assert values.MARKUP not in response.content.decode(errors="replace"), where

        read = response.wsgi_request.GET.names_read
        unlisted = read - set(GET_PARAMS.get(target.name, {}))
        assert not unlisted, (
            f"{target.name} reads {sorted(unlisted)} from the query string: "
            "list it in tests/hostile/reads.py GET_PARAMS, so it is attacked too"
        )
        transaction.set_rollback(True)


def _examples(target, *, allowed: bool) -> int:
    if not allowed:
        return REFUSED_EXAMPLES
    if target.query or target.body or target.files:
        return ALLOWED_EXAMPLES
    return ADDRESS_ONLY_EXAMPLES  # the page as it is, and an id spoiled: little else to vary


def _explorer(client, user, target, *, allowed: bool, seed: int):
    """A hypothesis test of one role at one URL, as many examples as the role deserves."""

    @hypothesis_settings(
        max_examples=_examples(target, allowed=allowed),
        deadline=None,
        database=None,  # nothing written into the working tree; a failure prints its example
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
    @given(data=st.data())
    def explore(data):
        _ask(client, user, target, data, allowed=allowed, seed=seed)

    return explore


@pytest.mark.parametrize(("name", "method"), _cases())
def test_hostile_input_is_refused_plainly(world, settings, name, method):
    """Whatever any role sends to this URL, hostile values included: never a server error; a
    reported failure changes nothing; no redirect leaves the site."""
    # Sessions in the cache: signing in before each example writes nothing to the database.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    row = MATRIX[name]
    cells = row.get if method == "GET" else row.post
    target = Target(name, method, Things(world))
    with _names_read_recorded():
        for role in ROLES:
            user = None if role == "anonymous" else getattr(world, role)
            seed = zlib.crc32(f"{name} {method} {role}".encode())  # the same on every run
            _explorer(Client(), user, target, allowed=not _refused(cells[role]), seed=seed)()
