"""The outbox: an email is written with its cause, sent once, and kept by its key."""

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction

from partnerships import outbox
from partnerships.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def kind(monkeypatch):
    """A kind of email for these tests only: to the address in its params."""
    monkeypatch.setattr(outbox.KINDS, "_entries", dict(outbox.KINDS._entries))
    told = []

    def build(params):
        if params.get("gone"):
            raise outbox.NotToSendError("The booking was cancelled.")
        return EmailMessage(subject="Kia ora", body="Hello", to=[params["to"]])

    outbox.KINDS.register("test", sent=lambda params, at: told.append(("sent", params["to"])))(
        build
    )
    return told


def test_an_email_is_sent_once_with_its_own_message_id(kind, django_capture_on_commit_callbacks):
    """Written twice with one key, it is one row, sent once, carrying the row's Message-ID."""
    with django_capture_on_commit_callbacks(execute=False):
        assert outbox.enqueue(kind="test", key="k1", params={"to": "a@example.com"})
        assert not outbox.enqueue(kind="test", key="k1", params={"to": "a@example.com"})
    assert outbox.send_due().sent == 1
    assert outbox.send_due().sent == 0
    (message,) = mail.outbox
    row = OutboxEmail.objects.get()
    assert message.extra_headers["Message-ID"] == row.message_id
    assert row.status == OutboxEmail.Status.SENT
    assert row.to == "a@example.com"
    assert kind == [("sent", "a@example.com")]


def test_an_email_no_longer_to_send_is_skipped_with_its_reason(kind):
    """The builder decides at sending time, from the data as it is then."""
    with transaction.atomic():
        outbox.enqueue(kind="test", key="k2", params={"to": "a@example.com", "gone": True})
    result = outbox.send_due()
    assert (result.sent, result.skipped) == (0, 1)
    assert OutboxEmail.objects.get().reason == "The booking was cancelled."
    assert mail.outbox == []


def test_a_row_held_by_another_worker_is_left_alone(kind):
    """A claimed row with a live lease is not sent by a second sender."""
    from django.utils import timezone

    outbox.enqueue(kind="test", key="k3", params={"to": "a@example.com"})
    OutboxEmail.objects.update(claimed_until=timezone.now() + outbox.LEASE)
    assert outbox.send_due().sent == 0
    OutboxEmail.objects.update(claimed_until=timezone.now() - outbox.LEASE)  # its worker died
    assert outbox.send_due().sent == 1


@pytest.fixture
def bulk_kind(monkeypatch):
    """A kind that records its sends in bulk, as the weekly update does."""
    monkeypatch.setattr(outbox.KINDS, "_entries", dict(outbox.KINDS._entries))
    batches = []

    def build(params):
        return EmailMessage(subject="Kia ora", body="Hello", to=[params["to"]])

    outbox.KINDS.register(
        "bulk", sent_many=lambda sent: batches.append(sorted(p["to"] for p, _at in sent))
    )(build)
    return batches


def test_a_bulk_kind_hears_of_its_sends_once_per_batch(bulk_kind):
    """Three emails, one batch: the app records all three at once, and only once."""
    for n in range(3):
        outbox.enqueue(kind="bulk", key=f"b{n}", params={"to": f"{n}@example.com"})
    assert outbox.send_due().sent == 3
    assert bulk_kind == [["0@example.com", "1@example.com", "2@example.com"]]
    assert not OutboxEmail.objects.filter(recorded=False).exists()
    outbox.send_due()
    assert len(bulk_kind) == 1


def test_sends_a_dead_worker_never_recorded_are_recorded_by_the_next_sweep(bulk_kind):
    """Sent, then the worker died before telling the app: the next sweep tells it, once."""
    from django.utils import timezone

    outbox.enqueue(kind="bulk", key="b9", params={"to": "9@example.com"})
    OutboxEmail.objects.update(
        status=OutboxEmail.Status.SENT, sent_at=timezone.now(), recorded=False
    )
    outbox.send_due()
    assert bulk_kind == [["9@example.com"]]
    assert mail.outbox == []  # recorded, not sent again
