"""The weekly send through a real Celery worker and the real Redis broker.

The worker runs in a thread of this process, so it shares Django's locmem outbox
and (with ``transaction=True``) sees the test's committed rows. Every task goes to the
worker's own queue, the outbox's nudge too, as it does in production. Locally these are
skipped without REDIS_URL; CI requires them.
"""

import datetime
import logging
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.db import connections
from django.utils import timezone

from config.celery import app
from conversations.weekly import sending
from conversations.weekly.models import UpdateDelivery, WeeklyUpdate, WeekSend
from conversations.weekly.tasks import send_week
from partnerships import outbox
from partnerships.models import OutboxEmail
from partnerships.tasks import send_outbox
from tests import factories

TIMEOUT = 30

pytestmark = pytest.mark.filterwarnings(
    # Celery's Redis result backend, with redis-py 6: not ours to fix.
    "ignore:Call to deprecated setex:DeprecationWarning"
)


def _close_worker_connections(**kwargs):
    # The task ran in the worker thread: close that thread's connections, so none is left
    # open when the test database is flushed or dropped.
    connections.close_all()


@pytest.fixture
def worker():
    """A real worker on Redis, on a queue of its own; yields that queue's name.

    The test settings run tasks eagerly: switch that off (and store results in Redis, so
    the test can wait on them, and send every task to this queue) for this test only, and
    put everything back afterwards.
    """
    queue = f"test-weekly-{uuid.uuid4().hex[:8]}"
    saved = {
        name: app.conf[name]
        for name in (
            "task_always_eager",
            "broker_url",
            "result_backend",
            "result_expires",
            "task_default_queue",
        )
    }
    saved_backend = app._backend_cache, getattr(app._local, "backend", None)
    # The worker sets the root logger's level to its own (errors only): later tests read logs.
    saved_level = logging.getLogger().level
    try:
        app.conf.task_always_eager = False
        app.conf.broker_url = settings.REDIS_URL
        app.conf.result_backend = settings.REDIS_URL
        app.conf.result_expires = 300
        app.conf.task_default_queue = queue  # where the outbox's nudge goes
        app._backend_cache = None  # built from result_backend on next use
        app._local.backend = None
        task_postrun.connect(_close_worker_connections, weak=False)
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
            yield queue
        with app.connection_for_write() as connection:
            # Remove the queue's bindings from Redis (kombu deletes only those it declared).
            bound = app.amqp.queues[queue].bind(connection.default_channel)
            bound.declare()
            bound.delete()
    finally:
        task_postrun.disconnect(_close_worker_connections)
        for name, value in saved.items():
            app.conf[name] = value
        app._backend_cache, app._local.backend = saved_backend
        logging.getLogger().setLevel(saved_level)


def run_on_worker(queue: str, task, *args) -> int:
    """``task.delay(*args)`` on the worker's queue, and wait for it to finish."""
    result = task.apply_async(args, queue=queue, ignore_result=False)
    assert not isinstance(result, EagerResult), "ran in the test, not on the worker"
    try:
        return result.get(timeout=TIMEOUT)
    finally:
        result.forget()


def submitted_update(student, week: datetime.date) -> WeeklyUpdate:
    return WeeklyUpdate.objects.create(
        student=student,
        week=week,
        learned="I learned to add fractions with the same denominator.",
        proud_of="I read my story to the class.",
        status=WeeklyUpdate.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_week_once_and_never_to_no_access_whanau(world, worker):
    """Through Redis and a worker: one email to the linked whānau, none to no access, none twice."""
    world.school.updates_need_approval = False
    world.school.save()
    week = world.school.week_of(timezone.now())
    update = submitted_update(world.student, week)
    mail.outbox.clear()

    assert run_on_worker(worker, send_week, world.school.pk, week.isoformat()) == 1
    # The week's commit nudged the worker, which sent it: a sweep queued after finds nothing.
    assert run_on_worker(worker, send_outbox) == 0

    assert recipients() == [world.link.whanau.email]
    assert world.no_access_whanau.email not in recipients()
    delivery = UpdateDelivery.objects.get(update=update)
    assert delivery.status == UpdateDelivery.Status.SENT
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT
    assert WeekSend.objects.get(school=world.school, week=week).finished_at is not None

    assert run_on_worker(worker, send_week, world.school.pk, week.isoformat()) == 0
    assert run_on_worker(worker, send_outbox) == 0
    assert len(mail.outbox) == 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_finishes_the_week_a_killed_worker_left(worker, monkeypatch):
    """A worker died after 2 of 5 emails, holding a 3rd: the next sweep sends the rest once."""
    school = factories.SchoolFactory(updates_need_approval=False)
    week = school.week_of(timezone.now())
    links = [factories.WhanauLinkFactory(student__school=school) for _ in range(5)]
    for link in links:
        submitted_update(link.student, week)
    with monkeypatch.context() as quiet:
        quiet.setattr(outbox, "nudge", lambda: None)  # the dead worker's turn, not this one's
        assert sending.deliveries_create(school_id=school.pk, week=week) == 5
    mail.outbox.clear()

    # The dead worker: it sent two, and held a third when it was killed.
    assert outbox.send_batch(size=2).sent == 2
    held = OutboxEmail.objects.filter(status=OutboxEmail.Status.QUEUED).order_by("pk").first()
    OutboxEmail.objects.filter(pk=held.pk).update(
        claimed_by=uuid.uuid4(), claimed_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert len(mail.outbox) == 2

    assert run_on_worker(worker, send_outbox) == 3

    assert recipients() == sorted(link.whanau.email for link in links)
    queued = UpdateDelivery.objects.filter(update__week=week, update__student__school=school)
    assert set(queued.values_list("status", flat=True)) == {UpdateDelivery.Status.SENT}
    assert WeekSend.objects.get(school=school, week=week).finished_at is not None
