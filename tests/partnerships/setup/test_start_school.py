"""``manage.py start_school``: a new school, and an invitation for its first leader."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from partnerships import outbox
from partnerships.models import Invitation, School, Staff

pytestmark = pytest.mark.django_db


def _start(*args) -> str:
    out = io.StringIO()
    call_command("start_school", *args, stdout=out)
    return out.getvalue()


def test_start_school_makes_the_school_and_invites_its_leader(client, db):
    """The school is made, its leader's invitation emailed, and the printed link lets them in."""
    printed = _start(
        "--name",
        "Te Kura o Tūī",
        "--leader-email",
        "Mere@Example.org",
        "--leader-name",
        "Mere",
        "--timezone",
        "Pacific/Chatham",
    )
    school = School.objects.get(name="Te Kura o Tūī")
    assert school.timezone == "Pacific/Chatham"
    invitation = Invitation.objects.get(school=school)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "mere@example.org",
        Staff.Role.LEADER,
        None,
    )
    outbox.send_due()
    assert mail.outbox[-1].to == ["mere@example.org"]
    link = re.search(r"http\S+/invitations/\S+/", printed).group(0)
    assert link in mail.outbox[-1].body
    path = (
        link.split("testserver", 1)[-1]
        if "testserver" in link
        else re.sub(r"^https?://[^/]+", "", link)
    )
    response = client.post(
        path,
        {
            "name": "Mere",
            "password1": "a long pass phrase 2026",
            "password2": "a long pass phrase 2026",
        },
    )
    assert response.status_code == 302
    assert Staff.objects.get(school=school).role == Staff.Role.LEADER


def test_a_duplicate_school_name_is_refused(db):
    """A second school of the same name (whatever its capitals) is refused; nothing is made."""
    _start("--name", "Kōwhai School", "--leader-email", "a@example.org")
    with pytest.raises(CommandError, match="already exists"):
        _start("--name", "kōwhai school", "--leader-email", "b@example.org")
    assert School.objects.count() == 1
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "X", "--leader-email", "not-an-email"], "not an email"),
        (
            ["--name", "X", "--leader-email", "a@example.org", "--timezone", "Mars/Base"],
            "time zone",
        ),
        (["--name", "  ", "--leader-email", "a@example.org"], "name"),
    ],
)
def test_bad_arguments_are_refused_plainly(db, args, message):
    """A bad email, time zone or blank name says what is wrong and makes nothing."""
    with pytest.raises(CommandError, match=message):
        _start(*args)
    assert not School.objects.exists()
