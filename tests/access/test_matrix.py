"""Every URL pattern against every role, GET and POST: allowed, hidden (404) or sent to sign in.

A test is one cell, e.g. ``test_access[goal_detail-POST-other_whanau]``; the rows are in
``rows_*.py``. A role refused a URL must also change nothing: every table of the project's
apps reads the same before and after, whether the refusal is a 404, a 405 or a sign-in
redirect. A POST body is one that succeeds for the roles allowed to post (their cells say
``changes=True``), so "nothing changed" for a refused role means something. Every page shown
is read too: no outsider reads the student's last name, nor anyone but staff the staff notes.
"""

import pytest
from django.urls import reverse

from tests.access.matrix import MATRIX
from tests.access.objects import STAFF_NOTES, Things
from tests.access.outcomes import OUTSIDERS, ROLES, STAFF_OF_STUDENT
from tests.access.snapshot import changed_tables, fingerprint


def _cells() -> list:
    cells = []
    for name, row in MATRIX.items():
        for method, outcomes in (("GET", row.get), ("POST", row.post)):
            for role in ROLES:
                xfail = outcomes[role].xfail
                marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
                cells.append(
                    pytest.param(name, method, role, marks=marks, id=f"{name}-{method}-{role}")
                )
    return cells


@pytest.fixture
def client(client, settings):
    """Sessions in the (per-test) cache: signing in writes nothing to the database."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    return client


@pytest.mark.parametrize(("name", "method", "role"), _cells())
def test_access(client, world, name, method, role):
    """Each role gets exactly what the access rules allow, and a refusal changes nothing."""
    row = MATRIX[name]
    expected = (row.get if method == "GET" else row.post)[role]
    things = Things(world)
    url = row.url(things)
    data = row.data(things) if method == "POST" else None
    if role != "anonymous":
        client.force_login(getattr(world, role))
    before = fingerprint() if expected.changes is not None else None

    response = client.get(url) if method == "GET" else client.post(url, data)
    if response.streaming:
        # Read a download to its end: the test client then closes its file (closing the
        # response a second time would close the database connection with it).
        response.getvalue()

    where = f"{method} {url} as {role}"
    assert response.status_code == expected.status, where
    if response.status_code == 302:
        to_sign_in = response.url.startswith(reverse("account_login"))
        assert to_sign_in == expected.to_sign_in, f"{where}: sent to {response.url}"
    if before is not None:
        changed = changed_tables(before, fingerprint())
        if expected.changes:
            assert changed, f"{where} changed nothing: does the POST body still succeed?"
        else:
            assert not changed, f"{where} changed {changed}"
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        content = response.content.decode()
        if role in OUTSIDERS:
            assert world.student.last_name not in content, f"{where} shows the student's name"
        if role not in STAFF_OF_STUDENT:
            assert STAFF_NOTES not in content, f"{where} shows staff-only notes"
