"""Reminding whānau who have not booked: once per child and round, to those still to book
only, at each reader's rhythm and never in their quiet hours, for a round open for booking.

Times are in the school's time zone (Pacific/Auckland). A reminder is sent by a task, run at
once here (Celery is eager in tests) when the request's transaction commits; the request is
kept in the database first, so a broker that is down delays it and never loses it.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from config.celery import app
from conversations import nudges
from conversations.models import Booking, BookingNudge
from conversations.notices import BOOKING_NUDGE, nudge_key
from conversations.tasks import finish_booking_nudges, send_booking_nudges
from partnerships.households import household_of
from partnerships.models import AuditEvent, Household, Notice, OutboxEmail, Rhythm
from tests import factories
from tests.mailbox import html, send
from tests.smtp import free_port

pytestmark = pytest.mark.django_db

NZ = zoneinfo.ZoneInfo("Pacific/Auckland")
DAYTIME = datetime.datetime(2027, 3, 2, 10, 0, tzinfo=NZ)  # a Tuesday morning
LATE = datetime.datetime(2027, 3, 2, 23, 0, tzinfo=NZ)  # the same day, in quiet hours
THURSDAY_3PM = datetime.datetime(2027, 3, 4, 15, 0, tzinfo=NZ)


@pytest.fixture
def daytime():
    with time_machine.travel(DAYTIME, tick=False) as traveller:
        yield traveller


@pytest.fixture
def round_(world):
    conversation_round = factories.RoundFactory(school=world.school, title="Term 1 three-way")
    factories.SlotFactory(round=conversation_round, host=world.teacher, starts_at=THURSDAY_3PM)
    return conversation_round


def remind(client, user, round_, on_commit, **data):
    """Ask for the reminders as the page does; the task runs when the request commits."""
    client.force_login(user)
    with on_commit(execute=True):
        return client.post(reverse("round_not_booked", args=[round_.pk]), data)


def told(round_=None) -> set[tuple[int, int]]:
    """(whānau member, student) of each reminder (of the round)."""
    notices = Notice.objects.filter(kind=BOOKING_NUDGE)
    if round_ is not None:
        notices = notices.filter(key__startswith=nudge_key(round_.pk, ""))
    return set(notices.values_list("whanau_id", "student_id"))


def book(round_, host, student, member, minutes=0) -> Booking:
    slot = factories.SlotFactory(
        round=round_, host=host, starts_at=THURSDAY_3PM + datetime.timedelta(minutes=minutes)
    )
    household = household_of(member) if round_.per_household else None
    return Booking.objects.create(slot=slot, student=student, whanau=member, household=household)


def test_the_page_says_whom_a_reminder_reaches_then_when_it_went(
    client, world, round_, daytime, django_capture_on_commit_callbacks
):
    """Before: how many whānau members; after: who asked and when, on the round's record."""
    client.force_login(world.teacher)
    url = reverse("round_not_booked", args=[round_.pk])
    assert "A reminder will go to 1 whānau member" in client.get(url).content.decode()

    response = remind(client, world.teacher, round_, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.INVITED)
    assert (event.actor, event.object_id) == (world.teacher, round_.pk)
    assert event.summary == "Reminded to book: 1 whānau member, of 1 child"
    page = client.get(url).content.decode()
    assert "Reminders sent" in page
    assert "Nobody here is left to remind" in page
    assert "reminded Tue 2 Mar" in page


def test_a_reminder_goes_once_per_family_per_child_per_round(
    client, world, round_, daytime, django_capture_on_commit_callbacks
):
    """Asking twice reminds nobody twice; a second round reminds them again, once."""
    remind(client, world.leader, round_, django_capture_on_commit_callbacks)
    remind(client, world.leader, round_, django_capture_on_commit_callbacks)
    expected = {
        (world.link.whanau_id, world.student.pk),
        (world.other_student.whanau_links.get().whanau_id, world.other_student.pk),
    }
    assert told() == expected
    assert Notice.objects.filter(kind=BOOKING_NUDGE).count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITED).count() == 1
    assert len(mail.outbox) == 2

    second = factories.RoundFactory(school=world.school, title="Term 2")
    factories.SlotFactory(
        round=second, host=world.teacher, starts_at=THURSDAY_3PM + datetime.timedelta(hours=2)
    )
    remind(client, world.leader, second, django_capture_on_commit_callbacks)
    assert told(second) == expected
    assert Notice.objects.filter(kind=BOOKING_NUDGE).count() == 4


def asked(round_, by) -> BookingNudge:
    """A request to remind, as the page writes it, its task not yet run."""
    nudges.round_nudge(conversation_round=round_, by=by)
    return BookingNudge.objects.get(round=round_, finished_at__isnull=True)


def test_a_task_run_twice_reminds_nobody_twice(world, round_, daytime):
    """The task is safe to run again, finished or after a worker died part-way."""
    nudge = asked(round_, world.leader)
    assert send_booking_nudges(nudge.pk) == 2
    nudge.refresh_from_db()
    assert nudge.finished_at == DAYTIME
    assert send_booking_nudges(nudge.pk) == 0
    BookingNudge.objects.filter(pk=nudge.pk).update(finished_at=None)  # as if it died
    assert send_booking_nudges(nudge.pk) == 0
    assert Notice.objects.filter(kind=BOOKING_NUDGE).count() == 2


def test_the_email_asks_them_to_book_with_the_link(
    client, world, round_, daytime, django_capture_on_commit_callbacks
):
    """The email names who asks, the child and the round, and opens the booking page."""
    remind(client, world.teacher, round_, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    expected = (
        f"{world.teacher.name} asks you to book a conversation time for "
        f"{world.student.display_name}: Term 1 three-way"
    )
    assert message.to == [world.link.whanau.email]
    assert message.subject == expected
    assert expected in message.body
    assert expected in html(message)
    notice = Notice.objects.get(kind=BOOKING_NUDGE)
    assert notice.url == reverse("round_book", args=[round_.pk])
    client.force_login(world.whanau)
    assert client.get(notice.url).status_code == 200


def test_quiet_hours_hold_the_reminder_until_morning(
    client, world, round_, django_capture_on_commit_callbacks
):
    """Asked at 11 pm: nothing goes until the reader's quiet hours end at 7 am."""
    with time_machine.travel(LATE, tick=False):
        remind(client, world.teacher, round_, django_capture_on_commit_callbacks)
        assert mail.outbox == []
        notice = Notice.objects.get(kind=BOOKING_NUDGE)
        assert notice.due_at == datetime.datetime(2027, 3, 3, 7, 0, tzinfo=NZ)
        assert send() == []
    with time_machine.travel(datetime.datetime(2027, 3, 3, 7, 0, 5, tzinfo=NZ), tick=False):
        (message,) = send()
    assert message.to == [world.link.whanau.email]


def test_a_reader_on_a_daily_digest_hears_at_their_time(
    client, world, round_, daytime, django_capture_on_commit_callbacks
):
    """Someone who takes these reminders in a daily digest gets it at 5 pm, not at once."""
    member = world.link.whanau
    member.notice_rhythms = {BOOKING_NUDGE: Rhythm.DAILY}
    member.save()
    remind(client, world.teacher, round_, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Notice.objects.get(kind=BOOKING_NUDGE).due_at == datetime.datetime(
        2027, 3, 2, 17, 0, tzinfo=NZ
    )
    daytime.move_to(datetime.datetime(2027, 3, 2, 17, 0, 30, tzinfo=NZ))
    (message,) = send()
    assert message.to == [member.email]


def test_a_reader_who_turned_them_off_sees_it_on_their_home_page_only(
    client, world, round_, daytime, django_capture_on_commit_callbacks
):
    """Reminders turned off: no email, the notice still waits for them."""
    member = world.link.whanau
    member.notice_rhythms = {BOOKING_NUDGE: Rhythm.OFF}
    member.save()
    remind(client, world.teacher, round_, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert told() == {(member.pk, world.student.pk)}


def test_never_to_a_no_contact_link(
    client, world, round_, daytime, django_capture_on_commit_callbacks
):
    """The parent marked “no access / no contact” is not reminded, nor counted."""
    remind(client, world.teacher, round_, django_capture_on_commit_callbacks)
    no_contact = world.student.whanau_links.get(has_access=False).whanau_id
    assert no_contact not in {member for member, _student in told()}
    assert not OutboxEmail.objects.filter(params__to=f"w{no_contact}").exists()


def test_never_to_a_household_that_has_booked(
    client, world, round_, daytime, django_capture_on_commit_callbacks
):
    """Each household books its own: the household that booked (all of it) is left alone,
    the other parent's is reminded."""
    home = Household.objects.create(school=world.school)
    member = world.link.whanau
    member.household = home
    member.save()
    partner = factories.WhanauLinkFactory(
        student=world.student,
        whanau=factories.WhanauMemberFactory(school=world.school, household=home),
    ).whanau
    other_parent = factories.WhanauLinkFactory(student=world.student).whanau
    book(round_, world.teacher, world.student, member, minutes=15)

    remind(client, world.teacher, round_, django_capture_on_commit_callbacks)
    assert told() == {(other_parent.pk, world.student.pk)}
    assert partner.pk not in {m for m, _s in told()}


def test_in_a_joint_round_nobody_of_a_booked_child_is_reminded(
    client, world, daytime, django_capture_on_commit_callbacks
):
    """One joint conversation per child: once anyone booked, the child's whānau hear nothing."""
    joint = factories.RoundFactory(school=world.school, per_household=False)
    factories.SlotFactory(round=joint, host=world.teacher, starts_at=THURSDAY_3PM)
    factories.WhanauLinkFactory(student=world.student)  # another household
    book(joint, world.teacher, world.student, world.link.whanau, minutes=15)
    sibling_link = factories.WhanauLinkFactory(student=world.classmate)

    remind(client, world.teacher, joint, django_capture_on_commit_callbacks)
    assert told() == {(sibling_link.whanau_id, world.classmate.pk)}


def test_a_family_that_books_before_the_task_runs_is_not_reminded(world, round_, daytime):
    """Who has booked is worked out again as the reminders go."""
    reach = nudges.round_nudge(conversation_round=round_, by=world.teacher)
    assert reach == nudges.Reach(people=1, children=1)
    book(round_, world.teacher, world.student, world.link.whanau, minutes=15)
    nudge = BookingNudge.objects.get()
    assert nudges.booking_nudge_send(nudge_id=nudge.pk) == (0, True)


def test_a_member_without_an_email_address_is_not_counted(client, world, round_, daytime):
    """Nobody to email: the page does not count them, and says to call."""
    member = world.link.whanau
    member.email = ""
    member.save()
    client.force_login(world.teacher)
    response = client.get(reverse("round_not_booked", args=[round_.pk]))
    assert response.context["reach"].people == 0
    assert "No one to remind: call them." in response.content.decode()


def test_a_teacher_reminds_their_own_class_only(
    client, world, round_, daytime, django_capture_on_commit_callbacks
):
    """A teacher's reminder reaches their students' whānau; another class is not theirs."""
    response = remind(
        client,
        world.teacher,
        round_,
        django_capture_on_commit_callbacks,
        classroom=world.other_student.classroom_id,
    )
    assert response.status_code == 404
    assert told() == set()
    remind(client, world.teacher, round_, django_capture_on_commit_callbacks)
    assert told() == {(world.link.whanau_id, world.student.pk)}


def test_a_member_with_children_in_two_classes_counts_once_in_all(client, world, round_, daytime):
    """The leader's figure for every class counts a member once; each class's, once too."""
    member = factories.WhanauMemberFactory(school=world.school)
    for student in (world.student, world.other_student):
        factories.WhanauLinkFactory(student=student, whanau=member)
    client.force_login(world.leader)
    url = reverse("round_not_booked", args=[round_.pk])
    every = client.get(url).context
    separate = nudges.remind_totals(
        round_, nudges.nudge_scope(conversation_round=round_, by=world.leader)
    )
    assert every["reach"] == nudges.Reach(**separate)
    assert sum(row["to_remind"] for row in every["classes"]) == every["reach"].people + 1
    one = client.get(url, {"classroom": world.other_student.classroom_id}).context
    assert one["reach"] == nudges.Reach(
        **nudges.remind_totals(
            round_,
            nudges.nudge_scope(
                conversation_round=round_,
                by=world.leader,
                classroom_id=world.other_student.classroom_id,
            ),
        )
    )


def test_a_leader_reminds_one_class(
    client, world, round_, daytime, django_capture_on_commit_callbacks
):
    """A leader may remind the families of one class of the round."""
    response = remind(
        client,
        world.leader,
        round_,
        django_capture_on_commit_callbacks,
        classroom=world.other_student.classroom_id,
    )
    assert response.url.endswith(f"?classroom={world.other_student.classroom_id}")
    assert told() == {(world.other_student.whanau_links.get().whanau_id, world.other_student.pk)}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"is_open": False}, "This round is closed for booking"),
        (
            {"opens_at": datetime.datetime(2027, 3, 3, 9, 0, tzinfo=NZ)},
            "Booking for this round opens on Wednesday 3 March, 9:00 a.m.",
        ),
        (
            {"closes_at": datetime.datetime(2027, 3, 1, 17, 0, tzinfo=NZ)},
            "Booking for this round closed on Monday 1 March, 5:00 p.m.",
        ),
    ],
)
def test_a_round_not_open_for_booking_is_refused_plainly(
    client, world, round_, daytime, django_capture_on_commit_callbacks, change, message
):
    """Closed, not yet open, or past its closing date: said why, and nobody is reminded."""
    for name, value in change.items():
        setattr(round_, name, value)
    round_.save()
    response = remind(client, world.leader, round_, django_capture_on_commit_callbacks)
    follow = client.get(response.url).content.decode()
    assert message in follow
    assert told() == set()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.INVITED).exists()


def test_a_round_with_no_times_yet_is_refused(
    client, world, daytime, django_capture_on_commit_callbacks
):
    """Nothing to book yet: families are not sent to an empty page."""
    empty = factories.RoundFactory(school=world.school)
    response = remind(client, world.leader, empty, django_capture_on_commit_callbacks)
    assert "No times are offered in this round yet" in client.get(response.url).content.decode()
    assert told() == set()


def test_a_round_closed_before_the_task_runs_reminds_nobody(world, round_, daytime):
    """The task checks again: a round closed in between sends nothing."""
    nudge = asked(round_, world.leader)
    round_.is_open = False
    round_.save()
    assert send_booking_nudges(nudge.pk) == 0
    assert told() == set()
    assert BookingNudge.objects.get().finished_at is not None


def test_a_long_run_goes_on_in_the_next(world, round_, daytime):
    """Past its time, a run stops between children and the next run finishes them."""
    nudge = asked(round_, world.leader)
    assert nudges.booking_nudge_send(nudge_id=nudge.pk, deadline=DAYTIME) == (0, False)
    assert BookingNudge.objects.get().finished_at is None
    assert nudges.booking_nudge_send(nudge_id=nudge.pk) == (2, True)
    assert BookingNudge.objects.get().finished_at is not None


# The broker down ---------------------------------------------------------------------------


@pytest.fixture
def broker_down():
    """Tasks go to a broker at a port where nothing listens (not run eagerly), as when Redis
    is down."""
    saved = app.conf.task_always_eager, app.conf.broker_url, app._pool, app.amqp._producer_pool
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    app._pool = app.amqp._producer_pool = None  # no connection kept from a broker that was up
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved[:2]
        app._pool, app.amqp._producer_pool = saved[2:]


def test_with_the_broker_down_the_request_waits_and_the_sweep_sends_it_once(
    client, world, round_, daytime, broker_down, caplog, django_capture_on_commit_callbacks
):
    """The page answers as ever; nothing is lost: the sweep sends each reminder, once."""
    response = remind(client, world.leader, round_, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert "could not reach the broker" in caplog.text
    page = client.get(response.url).content.decode()
    assert "Reminders are on their way to 2 whānau members" in page
    assert told() == set()
    nudge = BookingNudge.objects.get()
    assert (nudge.round, nudge.asked_by, nudge.finished_at) == (round_, world.leader, None)

    assert finish_booking_nudges() == 0  # its own task may still come
    daytime.shift(datetime.timedelta(minutes=6))
    assert finish_booking_nudges() == 2
    assert told() == {
        (world.link.whanau_id, world.student.pk),
        (world.other_student.whanau_links.get().whanau_id, world.other_student.pk),
    }
    assert BookingNudge.objects.get().finished_at is not None
    assert len(send()) == 2

    assert finish_booking_nudges() == 0
    assert Notice.objects.filter(kind=BOOKING_NUDGE).count() == 2
    assert send() == []


def test_the_sweep_reminds_one_class_as_asked(
    client, world, round_, daytime, broker_down, django_capture_on_commit_callbacks
):
    """A class's request, finished by the sweep, reaches that class only."""
    classroom = world.other_student.classroom_id
    remind(client, world.leader, round_, django_capture_on_commit_callbacks, classroom=classroom)
    assert BookingNudge.objects.get().classroom_id == classroom
    daytime.shift(datetime.timedelta(minutes=6))
    assert finish_booking_nudges() == 1
    assert told() == {(world.other_student.whanau_links.get().whanau_id, world.other_student.pk)}


@pytest.mark.parametrize(
    "change",
    [
        {"is_open": False},
        {"closes_at": datetime.datetime(2027, 3, 2, 10, 3, tzinfo=NZ)},
    ],
    ids=["closed", "past-its-close"],
)
def test_a_waiting_request_of_a_round_closed_since_sends_nothing(world, round_, daytime, change):
    """Closed, or its booking closed after it was asked: finished, and nobody is reminded."""
    nudge = asked(round_, world.leader)
    for name, value in change.items():
        setattr(round_, name, value)
    round_.save()
    daytime.shift(datetime.timedelta(minutes=6))
    assert finish_booking_nudges() == 0
    assert told() == set()
    nudge.refresh_from_db()
    assert nudge.finished_at is not None
    round_.is_open, round_.closes_at = True, None
    round_.save()
    assert finish_booking_nudges() == 0  # open again, the old request stays finished
    assert told() == set()


def test_a_waiting_request_of_someone_who_left_sends_nothing(world, round_, daytime):
    """The teacher who asked has left the school: their request is finished unsent."""
    nudge = asked(round_, world.teacher)
    world.teacher.is_active = False
    world.teacher.save()
    daytime.shift(datetime.timedelta(minutes=6))
    assert finish_booking_nudges() == 0
    assert told() == set()
    nudge.refresh_from_db()
    assert nudge.finished_at is not None
