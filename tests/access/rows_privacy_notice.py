"""Rows for the privacy pages: the notice, its link from emails, reading it, the settings."""

from django.urls import reverse

from partnerships.privacy.notice import notice_token
from tests.access.outcomes import (
    ANY_LEADER,
    GET_ONLY,
    PAGE,
    POST_ONLY,
    SAVED,
    SIGNED_IN,
    Outcome,
    Row,
    everyone,
    only,
)

# The world's people read their notice when they were made: a second "I have read it"
# changes nothing, and sends them on.
READ_AGAIN = Outcome(302, changes=False)


def _settings_body(things) -> dict:
    """Records kept five years, not seven: a change for any school still on the defaults."""
    return {
        "notice": "",
        "officer": "",
        "records_years": "5",
        "evidence_years": "7",
        "audit_years": "7",
    }


ROWS = {
    # Everyone: a signed-in person their schools' notices, anyone else where to find them.
    "privacy_notice": Row(
        url=lambda t: reverse("privacy_notice"), get=everyone(PAGE), post=GET_ONLY
    ),
    # The link in the school's emails: anyone who has it.
    "privacy_notice_public": Row(
        url=lambda t: reverse("privacy_notice_public", args=[notice_token(t.world.school.pk)]),
        get=everyone(PAGE),
        post=GET_ONLY,
    ),
    "privacy_notice_read": Row(
        url=lambda t: reverse("privacy_notice_read"),
        get=POST_ONLY,
        post=only(SIGNED_IN, READ_AGAIN),
        data=lambda t: {"next": "/"},
    ),
    # Each leader, for the school they lead.
    "privacy_settings": Row(
        url=lambda t: reverse("privacy_settings"),
        get=only(ANY_LEADER, PAGE),
        post=only(ANY_LEADER, SAVED),
        data=_settings_body,
    ),
}
