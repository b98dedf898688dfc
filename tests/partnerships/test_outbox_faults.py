"""The outbox against a real SMTP server that misbehaves: nothing lost, nothing twice.

Each test counts Message-IDs at the server, as a family would notice: every email arrived,
none twice (and where a repeat is unavoidable, one with the same Message-ID, which mail
programs drop), and the rows say in plain words what happened.
"""

import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from config.celery import app
from partnerships import outbox
from partnerships.models import OutboxEmail
from partnerships.tasks import send_outbox
from tests.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
KIND = "fault-test"
REAL_NUDGE = outbox.nudge
Status = OutboxEmail.Status

pytestmark = pytest.mark.filterwarnings(
    # Celery's Redis result backend, with redis-py 6: not ours to fix.
    "ignore:Call to deprecated setex:DeprecationWarning"
)


def build(params: dict) -> EmailMessage:
    """This module's kind of email (a worker process registers it too): to ``params["to"]``."""
    return EmailMessage(subject="Kia ora", body="Here is this week’s update.", to=[params["to"]])


@pytest.fixture
def kind(monkeypatch):
    """The kind, for these tests only. The nudge after a commit is held back, so each test
    decides when a sender runs (the Redis test puts the real one back)."""
    monkeypatch.setattr(outbox.KINDS, "_entries", dict(outbox.KINDS._entries))
    told = []
    outbox.KINDS.register(
        KIND,
        sent=lambda params, at: told.append(("sent", params["to"])),
        failed=lambda params, reason: told.append(("failed", params["to"], reason)),
    )(build)
    monkeypatch.setattr(outbox, "nudge", lambda: None)
    return told


def write(count: int, prefix: str = "row") -> list[OutboxEmail]:
    """``count`` emails to different families, written in one transaction as a page would."""
    with transaction.atomic():
        for i in range(count):
            outbox.enqueue(
                kind=KIND, key=f"{prefix}-{i}", params={"to": f"{prefix}{i}@whanau.example"}
            )
    return list(OutboxEmail.objects.filter(key__startswith=f"{prefix}-").order_by("pk"))


def arrived_once(server, rows: list[OutboxEmail]) -> None:
    """Each row's email reached the server exactly once, to its own family, and nothing else."""
    assert server.counts() == {row.message_id: 1 for row in rows}
    assert {message.message_id: message.recipients for message in server.received} == {
        row.message_id: (row.params["to"],) for row in rows
    }


def fresh(rows: list[OutboxEmail]) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(pk__in=[row.pk for row in rows]).order_by("pk"))


# A page whose change sends an email, for the tests of pages during an outage.
def write_page(request):
    with transaction.atomic():
        outbox.enqueue(kind=KIND, key=request.POST["key"], params={"to": request.POST["to"]})
    return HttpResponse("Kia ora")


urlpatterns = [path("write/", write_page)]


# --- The server hangs up -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("hang_up_after", "batch"), [(3, 100), (4, 4)], ids=["mid", "edge"])
def test_a_hang_up_mid_batch_loses_nobody_and_costs_no_attempt(
    kind, smtp_server, hang_up_after, batch
):
    """The server drops the line after 3 (or at a batch's end): the rest still go, once each."""
    rows = write(10)
    smtp_server.hang_up_after(hang_up_after)

    result = outbox.send_due(batch=batch)

    assert smtp_server.hang_ups == 1
    assert (result.sent, result.retrying, result.failed, result.unreachable) == (10, 0, 0, False)
    arrived_once(smtp_server, rows)
    assert {(row.status, row.attempts, row.reason) for row in fresh(rows)} == {(Status.SENT, 1, "")}
    assert sorted(kind) == sorted(("sent", row.params["to"]) for row in rows)


# --- The server says "try later" -----------------------------------------------------------


@pytest.mark.django_db
def test_try_later_is_retried_with_backoff_and_sent_once(kind, smtp_server):
    """451 twice: tried again after a minute, then two, then sent; the family gets one email."""
    (row,) = write(1)
    smtp_server.try_later(2)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        assert outbox.send_due().retrying == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.reason) == (Status.QUEUED, 1, outbox.TRY_LATER)
    assert row.send_after == start + datetime.timedelta(minutes=1)
    assert row.claimed_by is None

    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        assert outbox.send_due().retrying == 0  # not yet
    second = start + datetime.timedelta(minutes=1, seconds=1)
    with time_machine.travel(second, tick=False):
        assert outbox.send_due().retrying == 1
    row.refresh_from_db()
    assert (row.attempts, row.send_after) == (2, second + datetime.timedelta(minutes=2))

    with time_machine.travel(second + datetime.timedelta(minutes=1), tick=False):
        assert outbox.send_due().sent == 0  # the backoff doubled
    with time_machine.travel(second + datetime.timedelta(minutes=2, seconds=1), tick=False):
        assert outbox.send_due().sent == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.reason) == (Status.SENT, 3, "")
    arrived_once(smtp_server, [row])


# --- The server refuses one address --------------------------------------------------------


@pytest.mark.django_db
def test_an_address_refused_fails_that_email_only(kind, smtp_server):
    """550 for one family: that row failed with the plain reason, the others went, once."""
    rows = write(3)
    refused = rows[1]
    smtp_server.refuse(refused.params["to"])

    result = outbox.send_due()

    assert (result.sent, result.failed) == (2, 1)
    arrived_once(smtp_server, [rows[0], rows[2]])
    refused.refresh_from_db()
    assert (refused.status, refused.reason) == (Status.FAILED, outbox.REFUSED)
    assert refused.reason == "The family’s mail server refused this address."
    assert ("failed", refused.params["to"], outbox.REFUSED) in kind
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert outbox.send_due().sent == 0  # final: never tried again
    assert len(smtp_server.received) == 2


# --- The server goes away ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_server_going_away_pauses_the_batch_and_everything_goes_once_it_is_back(
    kind, smtp_server, client, monkeypatch, django_capture_on_commit_callbacks
):
    """Gone after 2 of 6: the rest wait a minute, unclaimed, saying why; no task or page fails;
    back again and past the pause, each email goes once."""
    rows = write(6)
    smtp_server.go_away_after(2)
    before = timezone.now()

    assert send_outbox() == 2  # the task, as the beat sweep runs it: no exception

    waiting = fresh(rows)[2:]
    assert {(row.status, row.claimed_by, row.claimed_until) for row in waiting} == {
        (Status.QUEUED, None, None)
    }
    assert {row.reason for row in waiting} == {outbox.UNREACHABLE}
    assert "could not be reached" in outbox.UNREACHABLE
    assert {row.attempts for row in waiting} == {0}
    minute = datetime.timedelta(minutes=1)
    assert all(before + minute <= row.send_after <= timezone.now() + minute for row in waiting)

    # A page that sends an email, while the server is away: its nudge meets the outage too.
    monkeypatch.setattr(outbox, "nudge", REAL_NUDGE)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/write/", {"key": "page-1", "to": "page@whanau.example"})
    assert page.status_code == 200
    rows.append(OutboxEmail.objects.get(key="page-1"))

    smtp_server.stop()
    smtp_server.start()  # back, on the same port
    assert send_outbox() == 0  # the pause holds: no rush at the server the moment it returns
    assert len(smtp_server.received) == 2

    with time_machine.travel(timezone.now() + minute + datetime.timedelta(seconds=2)):
        assert send_outbox() == 5
    arrived_once(smtp_server, rows)
    assert {row.status for row in fresh(rows)} == {Status.SENT}


# --- Two senders at once -------------------------------------------------------------------


def run_in_threads(*targets) -> list:
    """Run each target in a thread of its own, started together; their results, in order."""
    barrier = threading.Barrier(len(targets))
    results, errors = [None] * len(targets), []

    def run(index, target):
        try:
            barrier.wait()
            results[index] = target()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_email_once(kind, smtp_server):
    """Two workers sweeping the same 40 rows at the same moment: every email goes once."""
    rows = write(40)
    smtp_server.slow(0.005)

    def sweeps() -> int:
        # A sender that loses a claim race stops (the rows it wanted are taken), as a worker's
        # task does; the next nudge or sweep starts it again while anything is due.
        sent = 0
        while OutboxEmail.objects.due(timezone.now()).exists():
            sent += outbox.send_due(batch=5).sent
        return sent

    first, second = run_in_threads(sweeps, sweeps)

    assert first + second == 40
    assert min(first, second) > 0  # both really sent
    arrived_once(smtp_server, rows)
    assert {row.status for row in fresh(rows)} == {Status.SENT}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_long_batch_renews_its_lease_so_a_second_sender_takes_nothing(
    kind, smtp_server, monkeypatch
):
    """A 1.2 s batch on a 0.5 s lease renewed as it goes: a sender starting half way through
    finds every row still held, and nothing arrives twice."""
    monkeypatch.setattr(outbox, "LEASE", datetime.timedelta(seconds=0.5))
    monkeypatch.setattr(outbox, "RENEW_EVERY", datetime.timedelta(seconds=0.05))
    rows = write(12)
    smtp_server.slow(0.1)
    done = {}

    def long_batch():
        try:
            done["first"] = outbox.send_due()
        finally:
            connection.close()

    worker = threading.Thread(target=long_batch)
    worker.start()
    try:
        wait_for(lambda: len(smtp_server.received) >= 7, what="7 emails")  # past the lease
        second = outbox.send_due()
    finally:
        worker.join(timeout=30)

    assert second.sent == 0
    assert done["first"].sent == 12
    arrived_once(smtp_server, rows)


def wait_for(condition, *, what: str, timeout: float = 30) -> None:
    give_up = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > give_up:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.005)


# --- A worker killed mid-batch -------------------------------------------------------------

# A real Celery worker, in a process of its own, on the test's database and this test's queue,
# sending to the test's SMTP server with this module's kind registered.
WORKER = """
import json, os
import django
django.setup()
from django.conf import settings
settings.MAILERS = json.loads(os.environ["FAULT_TEST_MAILERS"])
from partnerships import outbox
from tests.partnerships.test_outbox_faults import KIND, build
outbox.KINDS.register(KIND)(build)
from config.celery import app
app.worker_main(["worker", "--pool", "solo", "--queues", os.environ["FAULT_TEST_QUEUE"],
                 "--loglevel", "WARNING", "--without-mingle", "--without-gossip",
                 "--without-heartbeat"])
"""


def database_url() -> str:
    """The test database (not the one DATABASE_URL names), for another process."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def broker_queue():
    """Tasks sent from this test go through the real broker (not run eagerly) to a queue of
    its own; the queue is removed from Redis afterwards."""
    queue = f"test-outbox-{uuid.uuid4().hex[:8]}"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield queue
        with app.connection_for_write() as broker:
            bound = app.amqp.queues[queue].bind(broker.default_channel)
            bound.declare()
            bound.delete()
    finally:
        app.conf.task_always_eager = eager


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_one(
    kind, smtp_server, broker_queue, tmp_path
):
    """kill -9 of a real worker after 10 of 30: once its lease lapses the sweep sends the
    rest; every email arrived, and at most one twice, carrying the same Message-ID."""
    rows = write(30)
    smtp_server.slow(0.05)
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "FAULT_TEST_MAILERS": json.dumps(settings.MAILERS),
        "FAULT_TEST_QUEUE": broker_queue,
        "PYTHONPATH": str(ROOT),
    }
    with log.open("w") as output:
        worker = subprocess.Popen(  # noqa: S603  our own interpreter and code
            [sys.executable, "-c", WORKER], cwd=ROOT, env=env, stdout=output, stderr=output
        )
    try:
        # A worker starting on a busy machine (the suite runs in parallel) may take a while;
        # a nudge it never got is sent again, as the beat sweep would.
        for _nudge in range(3):
            send_outbox.apply_async(queue=broker_queue)
            try:
                wait_for(
                    lambda: len(smtp_server.received) >= 10 or worker.poll() is not None,
                    what="10 emails from the worker",
                    timeout=30,
                )
                break
            except pytest.fail.Exception:
                continue
        else:
            pytest.fail(f"the worker sent {len(smtp_server.received)}:\n{log.read_text()}")
        assert worker.poll() is None, log.read_text()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    held = OutboxEmail.objects.filter(status=Status.QUEUED)
    assert held.exists()
    assert not held.filter(claimed_by__isnull=True).exists()  # the dead worker holds them
    assert outbox.send_due().sent == 0  # ... until its lease lapses

    with time_machine.travel(timezone.now() + outbox.LEASE + datetime.timedelta(seconds=1)):
        outbox.send_due()

    assert {row.status for row in fresh(rows)} == {Status.SENT}
    counts = smtp_server.counts()
    assert set(counts) == {row.message_id for row in rows}  # every email, no stranger
    repeated = [message_id for message_id, count in counts.items() if count > 1]
    assert len(repeated) <= 1
    assert len(smtp_server.received) == len(rows) + len(repeated)  # a repeat is a second copy


# --- Redis stops ---------------------------------------------------------------------------


@pytest.fixture
def own_broker():
    """Celery's broker is a Redis of this test's own (so it can stop it), and tasks are sent
    to it rather than run eagerly. Yields the redis-server process."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    redis = subprocess.Popen(  # noqa: S603
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],  # noqa: S607
        stdout=subprocess.DEVNULL,
    )
    saved = app.conf.task_always_eager, app.conf.broker_url, app._pool, app.amqp._producer_pool
    try:
        wait_for(lambda: connectable(port), what="redis-server", timeout=10)
        app.conf.task_always_eager = False
        app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
        # Forget pooled broker connections, as Celery does after a fork.
        app._pool = app.amqp._producer_pool = None
        yield redis
    finally:
        redis.kill()
        redis.wait()
        app.conf.task_always_eager, app.conf.broker_url = saved[:2]
        app._pool, app.amqp._producer_pool = saved[2:]


def connectable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


@pytest.mark.redis
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_redis_stopping_delays_mail_and_never_loses_it(
    kind, smtp_server, own_broker, client, monkeypatch, caplog
):
    """Redis stops: the page still answers and its email is still written; the sweep sends
    it later, with the one written while Redis was up, each once."""
    monkeypatch.setattr(outbox, "nudge", REAL_NUDGE)
    up = client.post("/write/", {"key": "up", "to": "up@whanau.example"})
    assert up.status_code == 200
    assert "could not reach the broker" not in caplog.text  # the nudge went through Redis

    own_broker.terminate()
    own_broker.wait()
    down = client.post("/write/", {"key": "down", "to": "down@whanau.example"})

    assert down.status_code == 200
    assert "could not reach the broker" in caplog.text
    rows = list(OutboxEmail.objects.order_by("pk"))
    assert [(row.key, row.status) for row in rows] == [
        ("up", Status.QUEUED),
        ("down", Status.QUEUED),
    ]
    assert smtp_server.received == []

    assert send_outbox() == 2  # the beat sweep, which needs no nudge
    arrived_once(smtp_server, rows)


# --- A server too slow to answer, an address that cannot be used ----------------------------


@pytest.mark.django_db
def test_a_reply_slower_than_the_timeout_is_not_sent_again_at_once(kind, smtp_server, settings):
    """The server took the message but answered after our timeout: whether it went is unknown,
    so it is tried again later with backoff and an attempt counted, not at once (and, while
    the server stays slow, every minute for ever)."""
    settings.MAILERS = {"default": smtp_server.mailer(timeout=0.3)}
    smtp_server.slow(0.6)
    (row,) = write(1)

    outbox.send_due()

    row.refresh_from_db()
    assert smtp_server.counts()[row.message_id] == 1
    assert row.attempts == 1


@pytest.mark.django_db
def test_an_address_the_mail_library_rejects_fails_that_email_only(kind, smtp_server):
    """One unusable address ("Smith, Mere <…>" is two to Django): that row fails with a
    reason; the families behind it in the batch still get theirs, and the sweep never raises."""
    with transaction.atomic():
        outbox.enqueue(kind=KIND, key="row-0", params={"to": "Smith, Mere <mere@whanau.example>"})
    rows = write(5, prefix="after")

    assert send_outbox() == 5

    bad = OutboxEmail.objects.get(key="row-0")
    assert bad.status == Status.FAILED
    assert bad.reason
    arrived_once(smtp_server, rows)
