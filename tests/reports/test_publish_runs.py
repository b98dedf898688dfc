"""Publishing a whole class in the background: ready reports go home, the check's holds and
those not ready are listed, and however often it runs (or a worker dies part-way) each report
is published once and each notice (and its email) written once."""

import datetime
import logging
import threading
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.utils import timezone

from config.celery import app
from partnerships.models import AuditEvent, Notice, OutboxEmail, WhanauMember
from partnerships.tasks import send_outbox
from reports import notices, publishing, services, tasks
from reports.models import PublishRun, Report, ReportVersion
from tests import factories

TODAY = datetime.date(2026, 6, 1)
TIMEOUT = 30
Status = PublishRun.Status

pytestmark = pytest.mark.filterwarnings(
    # Celery's Redis result backend, with redis-py 6: not ours to fix.
    "ignore:Call to deprecated setex:DeprecationWarning"
)


class Class:
    """A class's round: one report ready, one ready with nobody at home to surprise, one the
    check holds, one still a draft."""

    def __init__(self, world):
        self.world = world
        held_student = factories.StudentFactory(
            school=world.school, classroom=world.classroom, last_name="Held"
        )
        draft_student = factories.StudentFactory(
            school=world.school, classroom=world.classroom, last_name="Draft"
        )
        self.held_whanau = factories.WhanauLinkFactory(student=held_student).whanau
        factories.WhanauLinkFactory(student=draft_student)
        # Emails go as soon as they are written, whatever the hour the tests run at.
        WhanauMember.objects.update(quiet_from=None, quiet_until=None)
        self.round = services.report_round_create(
            actor=world.leader,
            school=world.school,
            name="Mid-year 2026",
            period_starts_on=TODAY - datetime.timedelta(days=90),
            due_on=TODAY,
            classes=[world.classroom],
        )
        reports = {each.student_id: each for each in Report.objects.filter(round=self.round)}
        self.ready = reports[world.student.pk]
        self.lonely = reports[world.classmate.pk]  # a support note, and no whānau with access
        self.held = reports[held_student.pk]
        self.draft = reports[draft_student.pk]
        for report, support in ((self.ready, ""), (self.lonely, "Help"), (self.held, "Help")):
            services.report_save(
                actor=world.teacher,
                report=report,
                teacher_comment="A good term.",
                support_note=support,
                judgements={},
                dispositions={},
            )
            services.report_mark_ready(actor=world.teacher, report=report)

    def start(self, actor=None) -> PublishRun:
        return publishing.publish_run_start(
            actor=actor or self.world.teacher, round_=self.round, classroom=self.world.classroom
        )


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def emails_written() -> list[tuple[int, int, int]]:
    """(report, version, whānau) of every report notice put in an email."""
    rows = Notice.objects.filter(kind=notices.PUBLISHED).exclude(email_key="")
    return sorted(
        (int(key.split(":")[1]), int(key.rsplit(":v", 1)[1]), whanau)
        for key, whanau in rows.values_list("key", "whanau_id")
    )


def published(*reports) -> list[tuple[int, int]]:
    return sorted(
        ReportVersion.objects.filter(report__in=reports).values_list("report_id", "number")
    )


def check_finished(klass: Class, run: PublishRun) -> None:
    """The run published the two it could, held one and listed the draft, each once."""
    run = fresh(run)
    assert (run.status, run.done, run.total, run.percent) == (Status.DONE, 4, 4, 100)
    assert run.finished_at is not None
    assert run.published == 2
    assert (run.held, run.not_ready) == ([klass.held.pk], [klass.draft.pk])
    assert published(klass.ready, klass.lonely, klass.held, klass.draft) == sorted(
        [(klass.ready.pk, 1), (klass.lonely.pk, 1)]
    )
    assert emails_written() == [(klass.ready.pk, 1, klass.world.link.whanau.pk)]


# --- A run, step by step ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_class_run_publishes_the_ready_and_lists_the_rest(world):
    """Two go home, one held by the check (remembered for the dashboards), one not ready."""
    klass = Class(world)
    run = klass.start()
    assert (run.status, run.total, run.done, run.percent) == (Status.QUEUED, 4, 0, 0)
    # In the order of the class list, by surname: Draft, Held, then the world's two.
    assert run.report_ids == [klass.draft.pk, klass.held.pk, klass.ready.pk, klass.lonely.pk]

    publishing.publish_run_continue(run.pk)

    check_finished(klass, run)
    held = fresh(klass.held)
    assert held.held_at is not None
    assert [each["concern"] for each in held.held] == ["The learning support note"]
    assert [each["name"] for each in held.held[0]["whanau"]] == [klass.held_whanau.name]
    assert fresh(klass.draft).status == Report.Status.DRAFT
    assert AuditEvent.objects.filter(
        object_type="reports.reportround",
        object_id=klass.round.pk,
        summary__startswith="Publishing 4 reports of",
    ).exists()


@pytest.mark.django_db
def test_progress_is_counted_report_by_report(world):
    """Each step moves the count on by one and says the run is under way."""
    klass = Class(world)
    run = klass.start()

    assert publishing.publish_run_step(run.pk)

    run = fresh(run)
    assert (run.status, run.done, run.percent) == (Status.RUNNING, 1, 25)
    assert run.heartbeat_at is not None
    for _ in range(3):
        assert publishing.publish_run_step(run.pk)
    assert not publishing.publish_run_step(run.pk)
    assert not publishing.publish_run_step(run.pk)
    check_finished(klass, run)


@pytest.mark.django_db
def test_running_it_again_publishes_and_sends_nothing_more(world):
    """The same run twice, then a new run of the class: nothing published or written twice."""
    klass = Class(world)
    run = klass.start()
    publishing.publish_run_continue(run.pk)
    publishing.publish_run_continue(run.pk)
    check_finished(klass, run)

    again = klass.start()

    assert again.pk != run.pk
    assert sorted(again.report_ids) == sorted([klass.held.pk, klass.draft.pk])
    publishing.publish_run_continue(again.pk)
    again = fresh(again)
    assert (again.published, again.held, again.not_ready) == (0, [klass.held.pk], [klass.draft.pk])
    check_finished(klass, run)


@pytest.mark.django_db
def test_with_approval_on_a_teachers_run_waits_and_a_leaders_publishes(world):
    """The school asks for approval: a teacher's run lists them not ready; a leader's goes."""
    world.school.reports_need_approval = True
    world.school.save(update_fields=["reports_need_approval"])
    klass = Class(world)
    run = klass.start()
    publishing.publish_run_continue(run.pk)
    run = fresh(run)
    assert (run.published, run.held) == (0, [])
    assert len(run.not_ready) == 4
    assert emails_written() == []

    by_leader = klass.start(actor=world.leader)
    publishing.publish_run_continue(by_leader.pk)
    check_finished(klass, by_leader)


@pytest.mark.django_db
def test_a_second_click_while_it_runs_is_the_same_run(world):
    """Two clicks on “Publish the class”: one run, one audit row."""
    klass = Class(world)
    first = klass.start()
    second = klass.start(actor=world.leader)

    assert first.pk == second.pk
    assert PublishRun.objects.count() == 1
    assert AuditEvent.objects.filter(summary__startswith="Publishing 4 reports of").count() == 1


@pytest.mark.django_db
def test_an_empty_class_run_finishes_at_once(world):
    """Nothing left to publish: the run is done, at 100%."""
    klass = Class(world)
    publishing.publish_run_continue(klass.start().pk)
    for report in (klass.held, klass.draft):
        Report.objects.filter(pk=report.pk).update(status=Report.Status.PUBLISHED)

    run = klass.start()
    assert run.total == 0
    publishing.publish_run_continue(run.pk)
    run = fresh(run)
    assert (run.status, run.percent) == (Status.DONE, 100)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_teacher", "whanau", "student_user", "other_school_leader"])
def test_only_the_class_teachers_and_leaders_start_a_run(world, who):
    """Another class's teacher, a parent or another school: refused, no run, nothing sent."""
    klass = Class(world)
    with pytest.raises(PermissionDenied):
        klass.start(actor=getattr(world, who))
    assert not PublishRun.objects.exists()


@pytest.mark.django_db
def test_a_class_the_round_does_not_cover_is_refused(world):
    """The round is for Room 1: publishing Room 2 through it is refused."""
    klass = Class(world)
    other = factories.ClassroomFactory(school=world.school, teachers=[world.teacher])
    with pytest.raises(PermissionDenied):
        publishing.publish_run_start(actor=world.teacher, round_=klass.round, classroom=other)
    assert not PublishRun.objects.exists()


# --- Crashes, and the sweep -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_worker_dying_mid_report_leaves_nothing_half_done(world, monkeypatch):
    """The worker dies while telling the family: the report is not published, the run not
    moved on; the next worker publishes it once, with one email."""
    klass = Class(world)
    run = klass.start()
    order = fresh(run).report_ids
    position = order.index(klass.ready.pk)
    for _ in range(position):
        publishing.publish_run_step(run.pk)

    def dies(**kwargs):
        raise SystemExit("killed")

    with monkeypatch.context() as dying:
        dying.setattr(notices, "report_published_notify", dies)
        with pytest.raises(SystemExit):
            publishing.publish_run_step(run.pk)

    assert fresh(run).done == position
    assert fresh(klass.ready).status == Report.Status.READY
    assert published(klass.ready) == []
    assert not Notice.objects.filter(student=klass.ready.student_id).exists()
    assert not OutboxEmail.objects.exists()

    publishing.publish_run_continue(run.pk)
    publishing.publish_run_continue(run.pk)
    check_finished(klass, run)


@pytest.mark.django_db
def test_the_sweep_finishes_a_stalled_run_once(world, time_machine):
    """A run whose worker died after one report: a minute later the sweep finishes it."""
    time_machine.move_to(timezone.now(), tick=False)
    klass = Class(world)
    run = klass.start()
    publishing.publish_run_step(run.pk)
    assert list(publishing.stalled_runs()) == []  # just moved: its worker may be alive

    time_machine.shift(datetime.timedelta(seconds=61))
    assert list(publishing.stalled_runs()) == [fresh(run)]

    assert tasks.resume_stalled_runs() == 1
    check_finished(klass, run)
    time_machine.shift(datetime.timedelta(minutes=5))
    assert list(publishing.stalled_runs()) == []
    assert tasks.resume_stalled_runs() == 0
    check_finished(klass, run)


@pytest.mark.django_db
def test_a_run_whose_task_never_came_is_started_by_the_sweep(world, time_machine):
    """The broker lost the task: the run waits a minute, then the sweep runs it whole."""
    time_machine.move_to(timezone.now(), tick=False)
    klass = Class(world)
    run = klass.start()
    assert list(publishing.stalled_runs()) == []
    time_machine.shift(datetime.timedelta(minutes=2))

    assert tasks.resume_stalled_runs() == 1
    check_finished(klass, run)


@pytest.mark.django_db
def test_a_run_of_a_deleted_round_ends_quietly(world):
    """The round was deleted before the worker came: the task ends without an error."""
    klass = Class(world)
    run = klass.start()
    klass.round.delete()

    tasks.publish_class(run.pk)

    assert not PublishRun.objects.exists()


@pytest.mark.django_db
def test_the_task_runs_on_commit_in_eager_mode(world, django_capture_on_commit_callbacks):
    """Starting a run queues the task after the commit; run eagerly, it publishes the class."""
    klass = Class(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = klass.start()

    check_finished(klass, run)


# --- Two at once, for real ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_publishes_at_the_same_moment_make_one_version(world):
    """Two tabs press “Publish” together: one version, one email, one audit row."""
    klass = Class(world)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def publish():
        try:
            barrier.wait(timeout=10)
            results.append(publishing.report_publish(actor=world.teacher, report=klass.ready))
        except Exception as error:  # any failure is reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(result.created for result in results) == [False, True]
    assert len({result.version.pk for result in results}) == 1
    assert published(klass.ready) == [(klass.ready.pk, 1)]
    assert emails_written() == [(klass.ready.pk, 1, world.link.whanau.pk)]
    assert (
        AuditEvent.objects.filter(
            object_id=klass.ready.pk, summary="Report published (version 1)"
        ).count()
        == 1
    )


# --- Through Redis and a real worker ------------------------------------------------------------


def _close_worker_connections(**kwargs):
    # The task ran in the worker thread: close its connections before the database is flushed.
    connections.close_all()


@pytest.fixture
def worker():
    """A real worker on Redis, on a queue of its own (the outbox's nudge goes there too)."""
    queue = f"test-reports-{uuid.uuid4().hex[:8]}"
    names = ("task_always_eager", "broker_url", "result_backend", "result_expires")
    saved = {name: app.conf[name] for name in (*names, "task_default_queue")}
    saved_backend = app._backend_cache, getattr(app._local, "backend", None)
    saved_level = logging.getLogger().level
    try:
        app.conf.task_always_eager = False
        app.conf.broker_url = settings.REDIS_URL
        app.conf.result_backend = settings.REDIS_URL
        app.conf.result_expires = 300
        app.conf.task_default_queue = queue
        app._backend_cache = None
        app._local.backend = None
        task_postrun.connect(_close_worker_connections, weak=False)
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
            yield queue
        with app.connection_for_write() as connection:
            bound = app.amqp.queues[queue].bind(connection.default_channel)
            bound.declare()
            bound.delete()
    finally:
        task_postrun.disconnect(_close_worker_connections)
        for name, value in saved.items():
            app.conf[name] = value
        app._backend_cache, app._local.backend = saved_backend
        logging.getLogger().setLevel(saved_level)


def run_on_worker(queue: str, task, *args):
    result = task.apply_async(args, queue=queue, ignore_result=False)
    assert not isinstance(result, EagerResult), "ran in the test, not on the worker"
    try:
        return result.get(timeout=TIMEOUT)
    finally:
        result.forget()


def wait_until_done(run: PublishRun) -> PublishRun:
    deadline = time.monotonic() + TIMEOUT
    while (run := fresh(run)).status != Status.DONE:
        assert time.monotonic() < deadline, f"the run stopped at {run.done} of {run.total}"
        time.sleep(0.05)
    return run


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_publishes_the_class_and_the_parent_gets_one_email(world, worker):
    """Through Redis: the commit queues the run, the worker publishes and sends, once."""
    klass = Class(world)
    mail.outbox.clear()

    run = wait_until_done(klass.start())

    run_on_worker(worker, send_outbox)  # whatever the nudge had not sent yet
    check_finished(klass, run)
    assert [message.to for message in mail.outbox] == [[world.link.whanau.email]]
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT

    # The same task again (a redelivery), and the sweep: nothing more is published or sent.
    run_on_worker(worker, tasks.publish_class, run.pk)
    assert run_on_worker(worker, tasks.resume_stalled_runs) == 0
    run_on_worker(worker, send_outbox)
    check_finished(klass, run)
    assert len(mail.outbox) == 1
