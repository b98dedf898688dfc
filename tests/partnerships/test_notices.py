"""Notices: each reader's rhythm and quiet hours, one email or a digest, and who may be told."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships import notices, outbox
from partnerships.models import Notice, OutboxEmail, Rhythm, WhanauLink
from tests import factories
from tests.mailbox import send

pytestmark = pytest.mark.django_db

NZ = zoneinfo.ZoneInfo("Pacific/Auckland")


def nz(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=NZ)


@pytest.fixture(autouse=True)
def test_kinds(monkeypatch):
    """Two kinds for these tests only: one the reader may digest, one that always comes."""
    monkeypatch.setattr(notices, "KINDS", dict(notices.KINDS))
    notices.kind(
        "test_reply",
        audience=notices.FAMILY,
        label="Replies",
        sentence="%(who)s replied about %(student)s’s goal “%(what)s”",
        own_sentence="%(who)s replied about your goal “%(what)s”",
    )
    notices.kind(
        "test_moved",
        audience=notices.FAMILY,
        label="Moved times",
        sentence="%(who)s moved your time for %(student)s",
        always=True,
    )


@pytest.fixture
def family(world):
    """The world's whānau member, on a daily digest at 5 pm with quiet hours 9 pm to 7 am."""
    member = world.link.whanau
    member.notice_rhythms = {"test_reply": Rhythm.DAILY}
    member.save()
    return member


def tell(world, key="reply-1", kind="test_reply", **extra):
    return notices.notify(
        kind=kind,
        key=key,
        student=world.student,
        actor=world.teacher,
        title="Times tables to 10",
        excerpt="Great work at home!",
        url=reverse("goal_detail", args=[world.goal.pk]),
        whanau=[world.link.whanau],
        **extra,
    )


class TestSendTime:
    """When an email goes, in the school's time zone."""

    person = factories.WhanauMemberFactory.build()  # the defaults: quiet 9 pm–7 am, 5 pm

    @pytest.mark.parametrize(
        ("rhythm", "now", "expected"),
        [
            (Rhythm.INSTANT, nz(2026, 12, 1, 14, 0), nz(2026, 12, 1, 14, 0)),
            (Rhythm.INSTANT, nz(2026, 12, 1, 23, 30), nz(2026, 12, 2, 7, 0)),
            (Rhythm.INSTANT, nz(2026, 12, 2, 3, 0), nz(2026, 12, 2, 7, 0)),
            (Rhythm.DAILY, nz(2026, 12, 1, 9, 0), nz(2026, 12, 1, 17, 0)),
            (Rhythm.DAILY, nz(2026, 12, 1, 18, 0), nz(2026, 12, 2, 17, 0)),
            # Tuesday 1 December: the weekly digest is on Friday.
            (Rhythm.WEEKLY, nz(2026, 12, 1, 9, 0), nz(2026, 12, 4, 17, 0)),
            (Rhythm.WEEKLY, nz(2026, 12, 4, 17, 30), nz(2026, 12, 11, 17, 0)),
        ],
    )
    def test_rhythms_and_quiet_hours(self, rhythm, now, expected):
        """At once unless in quiet hours (then at their end); digests at the chosen time."""
        assert notices.send_time(self.person, rhythm, now=now, zone=NZ) == expected

    def test_off_sends_no_email(self):
        """Home page only: no email at all."""
        assert notices.send_time(self.person, Rhythm.OFF, now=nz(2026, 12, 1, 9), zone=NZ) is None

    def test_a_digest_inside_quiet_hours_waits_for_their_end(self):
        """A digest time someone set inside their quiet hours goes when those end."""
        person = factories.WhanauMemberFactory.build(digest_time=datetime.time(22, 0))
        at = notices.send_time(person, Rhythm.DAILY, now=nz(2026, 12, 1, 9), zone=NZ)
        assert at == nz(2026, 12, 2, 7, 0)

    def test_no_quiet_hours(self):
        """Someone who turned quiet hours off hears at once, even at 3 am."""
        person = factories.WhanauMemberFactory.build(quiet_from=None, quiet_until=None)
        now = nz(2026, 12, 2, 3, 0)
        assert notices.send_time(person, Rhythm.INSTANT, now=now, zone=NZ) == now

    def test_daylight_saving_keeps_the_wall_clock(self):
        """The Saturday before New Zealand's clocks go forward, a weekly digest stays at 5 pm."""
        person = factories.WhanauMemberFactory.build(digest_weekday=6)  # Sunday
        at = notices.send_time(person, Rhythm.WEEKLY, now=nz(2026, 9, 26, 12), zone=NZ)
        assert at.astimezone(NZ) == nz(2026, 9, 27, 17, 0)
        assert at.astimezone(NZ).utcoffset() == datetime.timedelta(hours=13)


class TestWhoIsTold:
    def test_whanau_with_access_are_told_once(self, world):
        """One notice per reader and key: a double submit writes nothing more."""
        assert len(tell(world)) == 1
        assert tell(world) == []
        notice = Notice.objects.get()
        assert (notice.whanau, notice.student, notice.actor_name) == (
            world.link.whanau,
            world.student,
            world.teacher.name,
        )

    def test_a_no_contact_link_is_told_nothing(self, world):
        """Someone marked “no access / no contact” gets no notice, even when named."""
        no_contact = WhanauLink.objects.get(student=world.student, has_access=False).whanau
        written = notices.notify(
            kind="test_reply",
            key="k",
            student=world.student,
            actor=world.teacher,
            url="/",
            whanau=[no_contact, world.link.whanau],
        )
        assert [n.whanau for n in written] == [world.link.whanau]

    def test_the_actor_is_not_told_of_their_own_doing(self, world):
        """A whānau member who did the thing is not told of it."""
        written = notices.notify(
            kind="test_reply",
            key="k",
            student=world.student,
            actor=world.whanau,
            url="/",
            whanau=[world.link.whanau],
        )
        assert written == []

    def test_another_familys_member_is_not_told(self, world):
        """Whānau of another child cannot be told about this one."""
        other = WhanauLink.objects.get(student=world.other_student).whanau
        assert (
            notices.notify(
                kind="test_reply",
                key="k",
                student=world.student,
                actor=world.teacher,
                url="/",
                whanau=[other],
            )
            == []
        )

    def test_no_address_home_page_only(self, world):
        """Whānau with no email address still see it on their home page."""
        member = world.link.whanau
        member.email = ""
        member.save()
        (notice,) = tell(world)
        assert notice.email_key == ""
        assert not OutboxEmail.objects.exists()

    def test_a_link_marked_no_contact_before_sending_gets_nothing(self, world):
        """The access rules decide again when the email goes."""
        with time_machine.travel(nz(2026, 12, 1, 14, 0), tick=False):
            tell(world)
            world.link.has_access = False
            world.link.save()
            assert send() == []
        assert OutboxEmail.objects.get().status == OutboxEmail.Status.SKIPPED


class TestEmails:
    def test_at_once_one_email_naming_who_what_and_where(self, world):
        """An instant notice is its own email: who, the child, the goal, one link to it."""
        with time_machine.travel(nz(2026, 12, 1, 14, 0), tick=False):
            (notice,) = tell(world)
            (message,) = send()
        assert message.to == [world.link.whanau.email]
        assert message.subject == (
            f"{world.teacher.name} replied about {world.student.display_name}’s goal "
            "“Times tables to 10”"
        )
        html = message.alternatives[0][0]
        (link,) = [word for word in message.body.split() if "/notices/open/" in word]
        assert link in html
        assert notices.notice_for_token(link.rstrip("/").rsplit("/", 1)[1]) == notice
        assert "Great work at home!" in message.body
        assert "Kōwhai School" in message.body  # which school sent it
        assert reverse("notice_settings") in message.body
        notice.refresh_from_db()
        assert notice.emailed_at is not None

    def test_a_daily_digest_holds_three_items_in_one_email_at_the_chosen_time(self, world, family):
        """Three replies through the day: nothing until 5 pm, then one email with all three."""
        for hour, key in ((9, "a"), (12, "b"), (15, "c")):
            with time_machine.travel(nz(2026, 12, 1, hour, 0), tick=False):
                tell(world, key=key)
                assert send() == []
        with time_machine.travel(nz(2026, 12, 1, 17, 0, 30), tick=False):
            (message,) = send()
        assert message.subject == "3 new things from Kōwhai School"
        assert message.body.count("Times tables to 10") == 3
        assert Notice.objects.filter(emailed_at__isnull=False).count() == 3
        assert OutboxEmail.objects.count() == 1

    def test_nothing_is_sent_in_quiet_hours_and_held_mail_goes_together(self, world):
        """At once, but at 11 pm: held; at 7 am both held notices go in one email."""
        with time_machine.travel(nz(2026, 12, 1, 23, 0), tick=False):
            tell(world, key="a")
        with time_machine.travel(nz(2026, 12, 2, 2, 0), tick=False):
            tell(world, key="b")
            assert send() == []
        with time_machine.travel(nz(2026, 12, 2, 7, 0, 5), tick=False):
            (message,) = send()
        assert message.subject == "2 new things from Kōwhai School"

    def test_always_kinds_come_at_once_even_for_a_digest_reader(self, world):
        """A moved time is not put off to a digest, whatever the reader chose."""
        member = world.link.whanau
        member.notice_rhythms = {"test_moved": Rhythm.OFF, "test_reply": Rhythm.WEEKLY}
        member.save()
        with time_machine.travel(nz(2026, 12, 1, 10, 0), tick=False):
            tell(world, kind="test_moved")
            (message,) = send()
        assert "moved your time" in message.subject

    def test_off_keeps_it_on_the_home_page_only(self, world):
        """Turned off: no email, and the notice is still there to see."""
        member = world.link.whanau
        member.notice_rhythms = {"test_reply": Rhythm.OFF}
        member.save()
        with time_machine.travel(nz(2026, 12, 1, 10, 0), tick=False):
            tell(world)
            assert send() == []
        assert Notice.objects.get().due_at is None

    def test_a_digest_already_being_sent_is_not_joined(self, world, family):
        """A notice arriving while its digest is claimed by a sender goes alone, not lost."""
        with time_machine.travel(nz(2026, 12, 1, 9, 0), tick=False):
            tell(world, key="a")
        digest = OutboxEmail.objects.get()
        with time_machine.travel(nz(2026, 12, 1, 17, 0, 1), tick=False):
            digest.claimed_until = nz(2026, 12, 1, 17, 2)
            digest.save()
            (late,) = tell(world, key="b")
        assert late.email_key != digest.key
        assert OutboxEmail.objects.count() == 2

    def test_the_readers_language(self, world):
        """A reader who chose te reo Māori gets the email in it."""
        member = world.link.whanau
        member.preferred_language = "mi"
        member.save()
        with time_machine.travel(nz(2026, 12, 1, 14, 0), tick=False):
            tell(world)
            (message,) = send()
        assert 'lang="mi"' in message.alternatives[0][0]

    def test_a_batch_of_digests_costs_the_same_queries_whatever_its_size(self, world):
        """Building a batch of notice emails is a constant number of queries: the only one per
        email is the outbox's own, marking it sent the moment the server takes it."""

        def batch_queries(count: int) -> int:
            OutboxEmail.objects.all().delete()
            Notice.objects.all().delete()
            with time_machine.travel(nz(2026, 12, 1, 14, 0), tick=False):
                for n in range(count):
                    link = factories.WhanauLinkFactory(student=world.student)
                    notices.notify(
                        kind="test_reply",
                        key=f"k{n}",
                        student=world.student,
                        actor=world.teacher,
                        url="/",
                        whanau=[link.whanau],
                    )
                with CaptureQueriesContext(connection) as queries:
                    assert outbox.send_due().sent == count
            return len(queries)

        assert batch_queries(9) - batch_queries(3) == 6


class TestOpening:
    def test_the_link_counts_as_opened_and_goes_to_the_place(self, client, world):
        """Following the email's link marks it read, once, and opens the goal."""
        (notice,) = tell(world)
        url = reverse("notice_open", args=[notices.open_token(notice.pk)])
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("goal_detail", args=[world.goal.pk])
        notice.refresh_from_db()
        first = notice.read_at
        assert first is not None
        client.get(url)
        notice.refresh_from_db()
        assert notice.read_at == first

    def test_a_broken_link_says_so(self, client):
        """A link cut short or tampered with says it does not work, and changes nothing."""
        response = client.get(reverse("notice_open", args=["not-a-token"]))
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()

    def test_staff_see_what_was_told_and_opened(self, client, world):
        """The student's teacher sees each notice, who it went to and whether they opened it."""
        (notice,) = tell(world)
        notices.notices_mark_read(Notice.objects.filter(pk=notice.pk))
        client.force_login(world.teacher)
        page = client.get(reverse("student_notices", args=[world.student.pk])).content.decode()
        assert world.link.whanau.name in page
        assert "Opened" in page
        assert "Times tables to 10" in page


class TestSettings:
    def test_whanau_choose_a_rhythm_per_kind_and_quiet_hours(self, client, world):
        """Saved on their whānau record, which their emails follow."""
        client.force_login(world.whanau)
        page = client.get(reverse("notice_settings")).content.decode()
        assert "Replies" in page
        assert "Moved times" in page
        response = client.post(
            reverse("notice_settings"),
            {
                "kind_test_reply": "weekly",
                "quiet": "on",
                "quiet_from": "20:00",
                "quiet_until": "06:30",
                "digest_time": "18:00",
                "digest_weekday": "6",
            },
        )
        assert response.status_code == 302
        member = world.link.whanau
        member.refresh_from_db()
        assert member.notice_rhythms == {"test_reply": "weekly"}
        assert (member.quiet_from, member.quiet_until) == (
            datetime.time(20, 0),
            datetime.time(6, 30),
        )
        assert (member.digest_time, member.digest_weekday) == (datetime.time(18, 0), 6)

    def test_a_digest_in_quiet_hours_is_refused_and_nothing_changes(self, client, world):
        """A clear message, and the rhythm stays as it was."""
        client.force_login(world.whanau)
        response = client.post(
            reverse("notice_settings"),
            {
                "kind_test_reply": "daily",
                "quiet": "on",
                "quiet_from": "21:00",
                "quiet_until": "07:00",
                "digest_time": "23:00",
                "digest_weekday": "4",
            },
        )
        assert response.status_code == 200
        assert "outside your quiet hours" in response.content.decode()
        world.link.whanau.refresh_from_db()
        assert world.link.whanau.notice_rhythms == {}

    def test_a_forged_rhythm_is_refused(self, client, world):
        """A value not on the form is a form error, not a 500."""
        client.force_login(world.whanau)
        response = client.post(
            reverse("notice_settings"),
            {"kind_test_reply": "hourly", "digest_time": "17:00", "digest_weekday": "4"},
        )
        assert response.status_code == 200
        world.link.whanau.refresh_from_db()
        assert world.link.whanau.notice_rhythms == {}


class TestHomePage:
    """What is new since the last visit, per child, and nothing the access rules hide."""

    def home(self, client) -> str:
        return client.get(reverse("home")).content.decode()

    def test_new_since_the_last_visit_then_not_after_an_hour_away(self, client, world):
        """A notice shows as new, still on a reload, and no longer on the next visit."""
        client.force_login(world.whanau)
        with time_machine.travel(nz(2026, 12, 1, 9, 0), tick=False):
            self.home(client)  # the first visit
        with time_machine.travel(nz(2026, 12, 1, 10, 0), tick=False):
            tell(world)
        with time_machine.travel(nz(2026, 12, 1, 18, 0), tick=False):
            page = self.home(client)
            assert "New since your last visit" in page
            assert "replied about" in page
            assert "/notices/open/" in page
        with time_machine.travel(nz(2026, 12, 1, 18, 20), tick=False):
            assert "replied about" in self.home(client)  # a reload keeps the news
        with time_machine.travel(nz(2026, 12, 2, 8, 0), tick=False):
            assert "replied about" not in self.home(client)

    def test_a_reload_writes_nothing_and_the_visit_goes_on(self, client, world):
        """Seen again a minute later: no write; the visit, and its news, go on all the same."""
        client.force_login(world.whanau)
        with time_machine.travel(nz(2026, 12, 1, 9, 0), tick=False):
            self.home(client)
        with time_machine.travel(nz(2026, 12, 1, 10, 0), tick=False):
            tell(world)
        with time_machine.travel(nz(2026, 12, 1, 18, 0), tick=False):
            assert "replied about" in self.home(client)
        with time_machine.travel(nz(2026, 12, 1, 18, 1), tick=False):
            with CaptureQueriesContext(connection) as queries:
                assert "replied about" in self.home(client)
            writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
            assert writes == []
        with time_machine.travel(nz(2026, 12, 1, 18, 50), tick=False):
            assert "replied about" in self.home(client)  # still the same visit
        with time_machine.travel(nz(2026, 12, 1, 20, 0), tick=False):
            assert "replied about" not in self.home(client)

    def test_a_link_marked_no_contact_hides_its_notices(self, client, world):
        """Once “no access / no contact”, what they were told about that child is gone too."""
        tell(world)
        client.force_login(world.whanau)
        world.link.has_access = False
        world.link.save()
        assert "Times tables to 10" not in self.home(client)

    def test_the_student_sees_their_own(self, client, world):
        """The student's notices use their own words: “your goal”."""
        notices.notify(
            kind="test_reply",
            key="k",
            student=world.student,
            actor=world.teacher,
            title="Times tables to 10",
            url="/",
            users=[world.student_user],
        )
        client.force_login(world.student_user)
        assert "replied about your goal" in self.home(client)
