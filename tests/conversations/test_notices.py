"""Who hears of a conversation with next steps for home, of a booked time and of the school
cancelling it; and a time to book waiting on the whānau home page.

Times are fixed in the school's time zone (Pacific/Auckland), in the daytime unless a test
says otherwise. ``outbox.send_due()`` is the sender, with the locmem mail backend.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from conversations import booking as booking_services
from conversations import panels, services
from conversations import rounds as round_services
from conversations.models import Booking, LearningConversation
from conversations.notices import (
    BOOKING_CANCELLED,
    BOOKING_CONFIRMED,
    CONVERSATION_RECORDED,
    conversation_key,
)
from learners.models import NextStep
from partnerships import notices
from partnerships.models import AuditEvent, Notice, OutboxEmail, Rhythm, Voice
from partnerships.roles import roles_of
from tests import factories
from tests.mailbox import html, send

pytestmark = pytest.mark.django_db

NZ = zoneinfo.ZoneInfo("Pacific/Auckland")
DAYTIME = datetime.datetime(2027, 3, 2, 10, 0, tzinfo=NZ)  # a Tuesday morning
STEPS = "Read together for ten minutes after dinner."


@pytest.fixture(autouse=True)
def daytime():
    with time_machine.travel(DAYTIME, tick=False):
        yield


def readers(kind: str) -> set[tuple[int | None, int | None]]:
    """(whānau member, user) of each notice of the kind."""
    return set(Notice.objects.filter(kind=kind).values_list("whanau_id", "user_id"))


def record(world, **data) -> LearningConversation:
    return services.conversation_record(
        student=world.student,
        by=world.teacher,
        data={
            "kind": LearningConversation.Kind.GOAL_SETTING,
            "held_at": DAYTIME - datetime.timedelta(hours=2),
            "school_noticed": "We noticed she reads to younger children.",
            "staff_notes": "Staff only: talk to learning support.",
            "whanau_attendees": [world.link.whanau],
            **data,
        },
    )


# --- A conversation with next steps for home --------------------------------------------------


class TestConversationRecorded:
    def test_next_steps_for_home_reach_the_family_and_the_student(self, world):
        """Whānau with access and the student hear, with the agreed steps; not the teacher
        who recorded it, a no-contact parent or another family."""
        conversation = record(world, agreed_next_steps=STEPS)

        assert readers(CONVERSATION_RECORDED) == {
            (world.link.whanau.pk, None),
            (None, world.student_user.pk),
        }
        for notice in Notice.objects.filter(kind=CONVERSATION_RECORDED):
            assert notice.key == conversation_key(conversation.pk)
            assert notice.url == reverse("conversation_detail", args=[conversation.pk])
            assert notice.excerpt == STEPS
            assert notice.actor == world.teacher

    def test_the_excerpt_is_the_shared_summary_never_the_staff_notes(self, world):
        """The staff-only notes are in no notice and no email."""
        record(world, agreed_next_steps=STEPS)
        (message,) = send()
        for notice in Notice.objects.all():
            assert "Staff only" not in notice.excerpt
        assert "Staff only" not in message.body + html(message)
        assert STEPS in message.body

    def test_the_email_names_the_teacher_and_the_child_and_opens_the_conversation(
        self, client, world
    ):
        """Subject and bodies say who recorded it about whom; the link opens the record."""
        conversation = record(world, agreed_next_steps=STEPS)
        (message,) = send()
        expected = (
            f"{world.teacher.name} recorded a conversation about "
            f"{world.student.display_name}’s learning, with next steps for home"
        )
        assert message.to == [world.link.whanau.email]
        assert message.subject == expected
        notice = Notice.objects.get(whanau=world.link.whanau)
        link = notices.open_url(notice)
        for body in (message.body, html(message)):
            assert expected in body
            assert link in body
        assert client.get(link).url == conversation.get_absolute_url()

    def test_the_student_reads_it_about_their_own_learning(self, world):
        """The student's own notice speaks to them."""
        record(world, agreed_next_steps=STEPS)
        own = Notice.objects.get(user=world.student_user)
        assert notices.sentence(own, to_student=True) == (
            f"{world.teacher.name} recorded a conversation about your learning, "
            "with next steps for home"
        )

    def test_a_parent_who_reads_te_reo_is_emailed_in_it(self, world):
        """A whānau member who chose te reo Māori is emailed in it."""
        member = world.link.whanau
        member.preferred_language = "mi"
        member.save(update_fields=["preferred_language"])
        record(world, agreed_next_steps=STEPS)
        (message,) = send()
        notice = Notice.objects.get(whanau=member)
        with translation.override("mi"):
            expected = notices.sentence(notice, to_student=False)
        assert 'lang="mi"' in html(message)
        assert expected in message.body

    def test_no_next_steps_for_home_tells_nobody(self, world):
        """A conversation with no steps agreed, then a step at school: nobody is told."""
        conversation = record(world)
        services.conversation_step_create(
            conversation=conversation,
            goal=world.goal,
            by=world.teacher,
            text="Practise at school",
            where=NextStep.Where.SCHOOL,
            taken_by=Voice.STUDENT,
        )
        assert not Notice.objects.exists()

    def test_a_home_step_added_later_tells_them_once(self, world):
        """The first step for home tells the family, with its words; a second adds nothing."""
        conversation = record(world)
        for text, where in (
            ("Count the change at the shop", NextStep.Where.HOME),
            ("Times tables in the car", NextStep.Where.BOTH),
        ):
            services.conversation_step_create(
                conversation=conversation,
                goal=world.goal,
                by=world.teacher,
                text=text,
                where=where,
                taken_by=Voice.WHANAU,
            )
        notices_ = Notice.objects.filter(kind=CONVERSATION_RECORDED)
        assert notices_.count() == 2  # the parent and the student
        assert {n.excerpt for n in notices_} == {"Count the change at the shop"}

    def test_steps_agreed_in_an_edit_tell_them_once(self, world):
        """Agreed next steps written in later tell the family; editing them again does not."""
        conversation = record(world)
        assert not Notice.objects.exists()
        services.conversation_update(
            conversation=conversation, by=world.teacher, data={"agreed_next_steps": STEPS}
        )
        services.conversation_update(
            conversation=conversation, by=world.teacher, data={"agreed_next_steps": STEPS + "!"}
        )
        assert readers(CONVERSATION_RECORDED) == {
            (world.link.whanau.pk, None),
            (None, world.student_user.pk),
        }
        assert len(send()) == 1


# --- Booked times ----------------------------------------------------------------------------


@pytest.fixture
def slot(world):
    """Tomorrow at 3.30 pm with the student's teacher, in an open round."""
    return factories.SlotFactory(
        round=factories.RoundFactory(school=world.school, title="Term 1 goal-setting"),
        host=world.teacher,
        starts_at=datetime.datetime(2027, 3, 3, 15, 30, tzinfo=NZ),
    )


def book(world, slot) -> Booking:
    return booking_services.booking_create(
        slot=slot, student=world.student, whanau=world.link.whanau, details={}
    )


class TestBookingConfirmed:
    def test_a_booking_is_on_the_home_page_and_its_own_email_tells_them(self, world, slot):
        """The booking's notice waits on the home page only: the confirmation email is the
        booking's own, as before."""
        booking = book(world, slot)
        notice = Notice.objects.get(kind=BOOKING_CONFIRMED)
        assert (notice.whanau, notice.email_key, notice.due_at) == (world.link.whanau, "", None)
        assert notice.title == f"Wednesday 3 March, 3:30 p.m. with {world.teacher.name}"
        assert notice.url == reverse("booking_detail", args=[booking.pk])
        assert notices.sentence(notice, to_student=False) == (
            f"Your conversation time for {world.student.display_name} is booked: "
            f"Wednesday 3 March, 3:30 p.m. with {world.teacher.name}"
        )
        (message,) = send()  # the teacher's digest of bookings waits for the evening
        assert set(OutboxEmail.objects.values_list("kind", flat=True)) == {
            "booking_confirmed",
            "notices",
        }
        assert not Notice.objects.filter(kind=BOOKING_CONFIRMED).exclude(email_key="").exists()
        assert message.to == [world.link.whanau.email]

    def test_moving_a_booking_puts_the_new_time_on_the_home_page(self, world, slot):
        """The moved booking has its own notice, with its new time."""
        booking = book(world, slot)
        later = factories.SlotFactory(
            round=slot.round,
            host=world.teacher,
            starts_at=datetime.datetime(2027, 3, 4, 19, 0, tzinfo=NZ),
        )
        moved = booking_services.booking_move(booking=booking, slot=later)
        titles = set(Notice.objects.filter(kind=BOOKING_CONFIRMED).values_list("url", "title"))
        assert (
            reverse("booking_detail", args=[moved.pk]),
            f"Thursday 4 March, 7:00 p.m. with {world.teacher.name}",
        ) in titles


# --- The school cancelling a time ---------------------------------------------------------------


REASON = "Whaea Mere is away sick on Wednesday; we will ring to find another time."


class TestSchoolCancels:
    def test_the_teacher_cancels_with_a_reason_the_family_is_told_at_once(self, world, slot):
        """Cancelled, audited with the reason; the parent who booked is emailed at once (the
        booking's own email, with the calendar file), with the reason and a link to their
        bookings; the notice waits on their home page."""
        booking = book(world, slot)
        send()

        assert booking_services.booking_cancel(
            booking=booking, by=world.teacher, reason=f"  {REASON} "
        )

        booking.refresh_from_db()
        assert booking.cancelled_at is not None
        event = AuditEvent.objects.get(actor=world.teacher, summary__contains=REASON)
        assert event.object_id == booking.pk
        notice = Notice.objects.get(kind=BOOKING_CANCELLED)
        assert (notice.whanau, notice.excerpt, notice.url) == (
            world.link.whanau,
            REASON,
            reverse("my_bookings"),
        )
        assert notice.email_key == ""
        (message,) = send()
        expected = (
            f"Cancelled: your conversation about {world.student.display_name}, "
            "Wednesday 3 March at 3:30 p.m."
        )
        assert message.subject == expected
        for body in (message.body, html(message)):
            assert REASON in body
            assert reverse("my_bookings") in body

    def test_it_comes_even_to_someone_who_turned_emails_off(self, world, slot):
        """A cancelled time always comes by email, whatever the reader's rhythm."""
        member = world.link.whanau
        member.notice_rhythms = {BOOKING_CANCELLED: Rhythm.OFF}
        member.save(update_fields=["notice_rhythms"])
        booking = book(world, slot)
        send()
        booking_services.booking_cancel(booking=booking, by=world.leader, reason=REASON)
        assert len(send()) == 1

    def test_quiet_hours_still_hold_it_until_morning(self, world, slot):
        """Cancelled at 11 pm: the email waits until 7 am."""
        booking = book(world, slot)
        with time_machine.travel(datetime.datetime(2027, 3, 2, 23, 0, tzinfo=NZ), tick=False):
            booking_services.booking_cancel(booking=booking, by=world.teacher, reason=REASON)
            email = OutboxEmail.objects.get(kind="booking_cancelled")
            assert email.send_after == datetime.datetime(2027, 3, 3, 7, 0, tzinfo=NZ)
            assert not [m for m in send() if REASON in m.body]

    def test_a_no_contact_parent_is_not_told(self, world, slot):
        """The parent who booked has since been marked no access: the time is cancelled,
        and they are told nothing."""
        booking = book(world, slot)
        world.link.has_access = False
        world.link.save(update_fields=["has_access"])
        booking_services.booking_cancel(booking=booking, by=world.teacher, reason=REASON)
        assert not Notice.objects.filter(kind=BOOKING_CANCELLED).exists()

    @pytest.mark.parametrize("reason", ["", "   ", "x" * (booking_services.CANCEL_REASON_MAX + 1)])
    def test_the_school_says_why_in_a_few_words(self, world, slot, reason):
        """No reason, or a long one: refused, and the time stays booked."""
        booking = book(world, slot)
        with pytest.raises(ValidationError):
            booking_services.booking_cancel(booking=booking, by=world.teacher, reason=reason)
        assert Booking.objects.active().filter(pk=booking.pk).exists()

    @pytest.mark.parametrize(
        "who", ["other_whanau", "no_access_whanau", "student_user", "other_school_leader"]
    )
    def test_only_the_schools_staff_cancel_a_familys_time(self, world, slot, who):
        """Another family, a cut-off parent, the student or another school: refused."""
        booking = book(world, slot)
        with pytest.raises(PermissionDenied):
            booking_services.booking_cancel(booking=booking, by=getattr(world, who), reason=REASON)
        assert Booking.objects.active().filter(pk=booking.pk).exists()

    def test_the_family_cancelling_their_own_time_tells_nobody(self, world, slot):
        """No reason asked of the family, and no notice."""
        booking = book(world, slot)
        assert booking_services.booking_cancel(booking=booking, by=world.whanau)
        assert not Notice.objects.filter(kind=BOOKING_CANCELLED).exists()

    def test_cancelling_again_tells_nobody_again(self, world, slot):
        """A second cancel (another tab) changes nothing."""
        booking = book(world, slot)
        booking_services.booking_cancel(booking=booking, by=world.teacher, reason=REASON)
        assert not booking_services.booking_cancel(booking=booking, by=world.leader, reason=REASON)
        assert Notice.objects.filter(kind=BOOKING_CANCELLED).count() == 1


def cancel(client, slot, booking, reason=REASON):
    return client.post(
        reverse("round_detail", args=[slot.round_id]),
        {"action": "cancel", "booking": booking.pk, "reason": reason},
    )


class TestCancelFromTheRoundPage:
    def test_the_host_sees_a_cancel_form_for_each_booked_time(self, client, world, slot):
        """On the round's page, each booked time in my schedule can be cancelled with a
        reason: a form with its CSRF token."""
        booking = book(world, slot)
        client.force_login(world.teacher)
        page = client.get(reverse("round_detail", args=[slot.round_id])).content.decode()
        assert f'name="booking" value="{booking.pk}"' in page
        assert f"Cancel and tell {world.link.whanau.name}" in page
        assert "csrfmiddlewaretoken" in page

    @pytest.mark.parametrize("who", ["leader", "teacher", "other_teacher"])
    def test_staff_of_the_school_cancel_and_are_told_it_is_done(self, client, world, slot, who):
        """Any staff who manage the round cancel the time; the page says the family was told."""
        booking = book(world, slot)
        client.force_login(getattr(world, who))
        response = cancel(client, slot, booking)
        assert response.url == reverse("round_detail", args=[slot.round_id])
        page = client.get(response.url).content.decode()
        assert (
            f"{world.student.display_name}’s time is cancelled, and "
            f"{world.link.whanau.name} has been told why."
        ) in page
        assert not Booking.objects.active().exists()
        assert Notice.objects.filter(kind=BOOKING_CANCELLED).count() == 1

    @pytest.mark.parametrize(
        "who",
        ["whanau", "student_user", "no_access_whanau", "other_whanau", "other_school_leader"],
    )
    def test_anyone_else_finds_no_such_page(self, client, world, slot, who):
        """Whānau, the student, or another school's leader: 404, and the time stays."""
        booking = book(world, slot)
        client.force_login(getattr(world, who))
        assert cancel(client, slot, booking).status_code == 404
        assert Booking.objects.active().filter(pk=booking.pk).exists()

    def test_signed_out_is_sent_to_sign_in(self, client, world, slot):
        """Nobody signed in cancels anything."""
        booking = book(world, slot)
        response = cancel(client, slot, booking)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        assert Booking.objects.active().filter(pk=booking.pk).exists()

    def test_another_schools_or_another_rounds_booking_is_not_found(self, client, world, slot):
        """A booking of another school, or of another round, through this round: 404."""
        other_school_slot = factories.SlotFactory(
            round=factories.RoundFactory(school=world.other_school),
            host=world.other_school_leader,
        )
        theirs = Booking.objects.create(
            slot=other_school_slot,
            student=world.other_school_student,
            whanau=factories.WhanauLinkFactory(student=world.other_school_student).whanau,
        )
        other_round = factories.SlotFactory(
            round=factories.RoundFactory(school=world.school), host=world.teacher
        )
        elsewhere = book(world, other_round)
        client.force_login(world.teacher)
        for booking in (theirs, elsewhere):
            assert cancel(client, slot, booking).status_code == 404
        url = reverse("round_detail", args=[slot.round_id])
        assert client.post(url, {"action": "cancel", "booking": "x"}).status_code == 404
        assert Booking.objects.active().count() == 2

    def test_no_reason_says_so_and_cancels_nothing(self, client, world, slot):
        """Without a reason: a clear message, and the time stays booked."""
        booking = book(world, slot)
        client.force_login(world.teacher)
        response = cancel(client, slot, booking, reason=" ")
        assert response.status_code == 200
        assert "Say in a few words why the time is cancelled." in response.content.decode()
        assert Booking.objects.active().filter(pk=booking.pk).exists()

    def test_a_time_cancelled_a_moment_before_says_so(self, client, world, slot):
        """Two staff cancel at once: the second is told it had gone already; one notice."""
        booking = book(world, slot)
        booking_services.booking_cancel(booking=booking, by=world.leader, reason=REASON)
        client.force_login(world.teacher)
        response = cancel(client, slot, booking)
        page = client.get(response.url).content.decode()
        assert "That time had already been cancelled." in page
        assert Notice.objects.filter(kind=BOOKING_CANCELLED).count() == 1

    def test_a_get_request_cancels_nothing(self, client, world, slot):
        """The page's GET with the same words shows the page; only a POST cancels."""
        booking = book(world, slot)
        client.force_login(world.teacher)
        url = reverse("round_detail", args=[slot.round_id])
        response = client.get(url, {"action": "cancel", "booking": booking.pk, "reason": REASON})
        assert response.status_code == 200
        assert Booking.objects.active().filter(pk=booking.pk).exists()


# --- A time to book, waiting on the home page ---------------------------------------------------


def waiting(user) -> list | None:
    request = RequestFactory().get("/")
    request.user = user
    return panels.conversation_times(request, roles_of(user))


class TestTimeToBook:
    def test_a_time_to_book_waits_until_the_family_books(self, world, slot):
        """An open round with a free time with the child's teacher: “Book”, to the round."""
        (item,) = waiting(world.whanau)
        assert item.sentence == (
            f"Book a conversation time for {world.student.display_name} (Term 1 goal-setting)"
        )
        assert (item.url, item.action, item.student_id) == (
            reverse("round_book", args=[slot.round_id]),
            "Book",
            world.student.pk,
        )
        book(world, slot)
        assert waiting(world.whanau) is None  # no free time left, either

    def test_it_waits_for_each_parent_who_has_not_booked(self, world, slot):
        """One parent booked; the other, in another household, is still asked."""
        factories.SlotFactory(round=slot.round, host=world.teacher)
        other_parent = factories.WhanauLinkFactory(student=world.student).whanau.user
        book(world, slot)
        assert waiting(world.whanau) == []
        assert len(waiting(other_parent)) == 1

    def test_nothing_waits_without_a_free_time_with_the_childs_teacher(self, world, slot):
        """A closed round, a past time, another class's teacher's time, or a time taken."""
        round_services.round_set_open(conversation_round=slot.round, is_open=False)
        assert waiting(world.whanau) is None
        open_round = factories.RoundFactory(school=world.school)
        factories.SlotFactory(round=open_round, host=world.other_teacher)
        factories.SlotFactory(
            round=open_round,
            host=world.teacher,
            starts_at=DAYTIME - datetime.timedelta(hours=1),
        )
        taken = factories.SlotFactory(round=open_round, host=world.teacher)
        other_parent = factories.WhanauLinkFactory(student=world.student).whanau
        Booking.objects.create(slot=taken, student=world.student, whanau=other_parent)
        assert not waiting(world.whanau)

    def test_nothing_waits_for_staff_students_or_a_no_contact_link(self, world, slot):
        """Only whānau with access book."""
        for user in (world.teacher, world.student_user, world.no_access_whanau):
            assert not waiting(user)

    def test_the_home_page_shows_it(self, client, world, slot):
        """The whānau home page offers the time to book."""
        client.force_login(world.whanau)
        page = client.get(reverse("home")).content.decode()
        assert f"Book a conversation time for {world.student.display_name}" in page
        assert reverse("round_book", args=[slot.round_id]) in page

    def test_five_queries_however_many_tamariki_rounds_and_times(
        self, world, slot, django_assert_num_queries
    ):
        """Links, free times, the children's class and assigned teachers, bookings: five
        queries for one child and for four, each with their own teacher, round and times."""
        for size in (1, 4):
            while len(world.whanau.whanau_memberships.get().links.all()) < size:
                teacher = factories.StaffFactory(school=world.school).user
                classroom = factories.ClassroomFactory(school=world.school, teachers=[teacher])
                child = factories.StudentFactory(school=world.school, classroom=classroom)
                factories.WhanauLinkFactory(student=child, whanau=world.link.whanau)
                other_round = factories.RoundFactory(school=world.school)
                for _ in range(3):
                    factories.SlotFactory(round=other_round, host=teacher)
                factories.SlotFactory(round=slot.round, host=teacher)
            request = RequestFactory().get("/")
            request.user = world.whanau
            roles = roles_of(world.whanau)
            with django_assert_num_queries(5):
                items = panels.conversation_times(request, roles)
            # The world's child in one round; each other child in two.
            assert len(items) == 1 + 2 * (size - 1)
