"""The server errors the hostile test found, each pinned: the value that caused it, and the
plain refusal it gets now, with nothing changed."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from conversations.models import Booking
from partnerships.models import AuditEvent
from reports import services as report_services
from reports.models import Report
from tests.access.objects import Things
from tests.access.snapshot import changed_tables, fingerprint

UNREADABLE_REASON = "The reason has characters we cannot read. Please type it again."


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("next_url", ["0", "inbox-page", "https://evil.example/", "//evil.example"])
def test_a_comment_with_a_next_that_is_no_path_goes_back_to_the_goal(client, world, next_url):
    """``next`` that is not a path of this site (a bare word was looked up as a URL name, a
    server error) is ignored: the comment is posted and the person is back on the goal."""
    client.force_login(world.whanau)
    response = client.post(
        reverse("comment_post", args=[world.goal.pk]),
        {"body": "She practises every night.", "next": next_url},
    )
    assert response.status_code == 302
    assert response.url == world.goal.get_absolute_url("comments")


def test_a_comment_from_the_inbox_goes_back_to_the_inbox(client, world):
    """The inbox's own ``next`` still works."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("comment_post", args=[world.goal.pk]),
        {"body": "Thank you for telling us.", "next": reverse("inbox")},
    )
    assert response.url == reverse("inbox")


@pytest.mark.parametrize("forged", ["²", "１", "1.0", " 1"])
def test_approving_an_update_id_that_is_no_number_is_not_found(client, world, forged):
    """An id like "²" passed ``str.isdigit`` and reached the database as a number it is not
    (a server error). Any id but ASCII digits is a 404 now, and nothing is approved."""
    update = Things(world).submitted_update
    client.force_login(world.teacher)
    before = fingerprint()
    response = client.post(reverse("weekly_update_approve"), {"update": forged, "week": ""})
    assert response.status_code == 404
    assert fingerprint() == before
    update.refresh_from_db()
    assert update.status == update.Status.SUBMITTED


def test_approving_sends_back_to_the_week_as_read_not_as_sent(client, world):
    """The week page's address carries the week as a date, never the text as it came (20,000
    characters made a redirect Django refuses, after the update was approved)."""
    update = Things(world).submitted_update
    client.force_login(world.teacher)
    response = client.post(
        reverse("weekly_update_approve"), {"update": update.pk, "week": "ā" * 3_000}
    )
    assert response.status_code == 302
    assert response.url == reverse("weekly_update_week") + "?week="
    update.refresh_from_db()
    assert update.status == update.Status.APPROVED


def test_cancelling_a_booking_id_that_is_no_number_is_not_found(client, world):
    """The same "²" on the round page's cancel form: a 404, and the time stays booked."""
    booking = Things(world).booking
    client.force_login(world.teacher)
    response = client.post(
        reverse("round_detail", args=[booking.slot.round_id]),
        {"action": "cancel", "booking": "²", "reason": "The teacher is ill."},
    )
    assert response.status_code == 404
    assert Booking.objects.active().filter(pk=booking.pk).exists()


def test_cancelling_with_a_nul_in_the_reason_is_refused_plainly(client, world):
    """A NUL in the reason reached PostgreSQL (a server error): refused in words now, the time
    still booked, nothing written."""
    booking = Things(world).booking
    client.force_login(world.teacher)
    before = fingerprint()
    response = client.post(
        reverse("round_detail", args=[booking.slot.round_id]),
        {"action": "cancel", "booking": booking.pk, "reason": "ill\x00"},
    )
    assert response.status_code == 200
    assert UNREADABLE_REASON in _messages(response)
    assert Booking.objects.active().filter(pk=booking.pk).exists()
    # The round's page, shown again, records who looked at the bookings on it: nothing else.
    assert changed_tables(before, fingerprint()) in ([], [AuditEvent._meta.db_table])
    assert not AuditEvent.objects.exclude(action=AuditEvent.Action.VIEWED).exists()


def test_publishing_anyway_with_a_nul_in_the_reason_is_refused_plainly(client, world):
    """A leader's reason for publishing a held report anyway is stored with the version and
    in the trail: with a NUL, that was a server error. Refused in words now, the report as it
    was."""
    report = Things(world).report
    report.support_note = "Reading Recovery."  # of concern, and talked through with nobody
    report.save()
    report_services.report_mark_ready(actor=world.teacher, report=report)
    client.force_login(world.leader)
    before = fingerprint()
    response = client.post(
        reverse("report_publish", args=[report.pk]), {"reason": "Talked by phone.\x00"}
    )
    assert response.status_code == 302
    assert UNREADABLE_REASON in _messages(response)
    report.refresh_from_db()
    assert report.status == Report.Status.READY
    assert fingerprint() == before


@pytest.mark.parametrize("held_at", ["0001-01-01T00:00", "0001-01-01", "1999-12-31T23:59"])
def test_a_conversation_held_in_year_one_is_refused_plainly(client, world, held_at):
    """Year 1 in New Zealand is 1 BC in UTC: PostgreSQL stored it, and could not give it back
    (a server error on the conversation's page). Refused on the form now, nothing saved."""
    client.force_login(world.teacher)
    before = fingerprint()
    response = client.post(
        reverse("conversation_create", args=[world.student.pk]),
        {"kind": "goal_setting", "held_at": held_at, "place": "school", "led_by": "student"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["held_at"] == [
        "That is too long ago: choose a time from 2000 on."
    ]
    assert changed_tables(before, fingerprint()) in ([], [AuditEvent._meta.db_table])
