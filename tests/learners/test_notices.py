"""Who hears of a comment or a goal to agree, by notice and email, and what waits for whānau
and the student on their home page.

Times are fixed in the school's time zone: whānau hear of a reply at once (outside quiet
hours); teachers read whānau comments in a daily digest at 5 pm. ``outbox.send_due()`` is the
sender, with the locmem mail backend.
"""

import datetime
import uuid
import zoneinfo

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from learners import panels, services
from learners.models import goal_url
from learners.notices import COMMENT_REPLY, GOAL_PROPOSED, WHANAU_COMMENT, comment_key
from partnerships import notices, outbox
from partnerships.models import Notice, OutboxEmail, Voice
from partnerships.roles import roles_of
from tests import factories
from tests.mailbox import html, send

pytestmark = pytest.mark.django_db

NZ = zoneinfo.ZoneInfo("Pacific/Auckland")


def nz(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=NZ)


def comment(world, by, voice, body):
    return services.comment_post(goal=world.goal, by=by, voice=voice, body=body)


def whanau_says(world, body="She reads to her brother every night now."):
    return comment(world, world.whanau, Voice.WHANAU, body)


def teacher_says(world, body="Lovely to hear. What does she choose to read?"):
    return comment(world, world.teacher, Voice.TEACHER, body)


def told(kind, **reader):
    return Notice.objects.filter(kind=kind, **reader)


class TestReplies:
    def test_a_teachers_reply_reaches_the_parent_who_commented(self, world):
        """The parent is told at once: the teacher, the child, the goal, a link that opens it."""
        with time_machine.travel(nz(2026, 12, 1, 10, 0), tick=False):
            whanau_says(world)
            reply = teacher_says(world)
            notice = told(COMMENT_REPLY).get()
            assert (notice.whanau, notice.key) == (world.link.whanau, comment_key(reply.pk))
            assert notice.url == goal_url(world.goal.pk, "comments")
            (message,) = send()
        assert message.to == [world.link.whanau.email]
        expected = (
            f"{world.teacher.name} replied to your comment on "
            f"{world.student.display_name}’s goal “{world.goal.title}”"
        )
        assert message.subject == expected
        for body in (message.body, html(message)):
            assert expected in body
            assert "What does she choose to read?" in body
        (link,) = [word for word in message.body.split() if "/notices/open/" in word]
        assert link in html(message)
        assert notices.notice_for_token(link.rstrip("/").rsplit("/", 1)[1]) == notice

    def test_a_no_contact_link_gets_nothing(self, world):
        """Whānau marked “no access / no contact” who once commented are told nothing."""
        factories.GoalCommentFactory(goal=world.goal, author=world.no_access_whanau)
        teacher_says(world)
        assert not told(COMMENT_REPLY).exists()

    def test_the_student_gets_the_reply(self, world):
        """A student who commented hears of the reply, in the words for their own goal."""
        comment(world, world.student_user, Voice.STUDENT, "I read two chapters!")
        teacher_says(world)
        notice = told(COMMENT_REPLY, user=world.student_user).get()
        assert notices.sentence(notice, to_student=True) == (
            f"{world.teacher.name} replied to your comment on your goal “{world.goal.title}”"
        )

    def test_the_author_is_not_notified(self, world):
        """Writing again after your own comment tells you nothing."""
        whanau_says(world)
        whanau_says(world, "And to her cousins.")
        comment(world, world.student_user, Voice.STUDENT, "I read two chapters!")
        comment(world, world.student_user, Voice.STUDENT, "And a third.")
        readers = {(n.whanau_id, n.user_id) for n in told(COMMENT_REPLY)}
        assert readers == {(world.link.whanau.pk, None)}  # the student's words, not their own

    def test_only_those_who_commented_hear_and_a_hidden_comment_does_not_count(self, world):
        """Whānau who never wrote on the goal, or whose only comment was hidden, hear nothing."""
        silent = factories.WhanauLinkFactory(student=world.student).whanau
        hidden = factories.WhanauLinkFactory(student=world.student).whanau
        factories.GoalCommentFactory(goal=world.goal, author=hidden.user, hidden_at=timezone.now())
        teacher_says(world)
        assert not told(COMMENT_REPLY, whanau__in=[silent, hidden]).exists()

    def test_a_comment_hidden_before_it_went_is_taken_back(self, world):
        """A reply hidden while its email waits (in quiet hours) is not sent."""
        with time_machine.travel(nz(2026, 12, 1, 22, 0), tick=False):
            whanau_says(world)
            reply = teacher_says(world)
            services.comment_hide(comment=reply, by=world.leader, reason="Wrong child")
        with time_machine.travel(nz(2026, 12, 2, 7, 0, 5), tick=False):
            assert send() == []
        assert not told(COMMENT_REPLY).exists()


class TestGoalsProposed:
    def test_a_goal_proposed_reaches_whanau_and_the_student_not_the_proposer(self, world):
        """The child's whānau with access and the student are asked; the teacher is not."""
        goal = services.goal_create(
            student=world.student,
            by=world.teacher,
            voice=Voice.TEACHER,
            title="Times tables to 10",
            success_criteria="At dinner, without counting.",
        )
        readers = {(n.whanau_id, n.user_id) for n in told(GOAL_PROPOSED)}
        assert readers == {(world.link.whanau.pk, None), (None, world.student_user.pk)}
        assert {n.url for n in told(GOAL_PROPOSED)} == {goal_url(goal.pk)}

    def test_a_goal_proposed_reaches_whanau_in_their_language(self, world):
        """A whānau member who chose te reo Māori is emailed in it."""
        member = world.link.whanau
        member.preferred_language = "mi"
        member.save()
        with time_machine.travel(nz(2026, 12, 1, 10, 0), tick=False):
            services.goal_create(
                student=world.student,
                by=world.teacher,
                voice=Voice.TEACHER,
                title="Times tables to 10",
                success_criteria="At dinner, without counting.",
            )
            (message,) = send()
        notice = told(GOAL_PROPOSED, whanau=member).get()
        with translation.override("mi"):
            expected = notices.sentence(notice, to_student=False)
        assert 'lang="mi"' in html(message)
        assert expected in message.body

    def test_rewording_a_goal_asks_again_and_other_changes_do_not(self, world):
        """A new title asks the family again (a new notice); a new target date does not."""
        values = {
            "title": world.goal.title,
            "success_criteria": world.goal.success_criteria,
            "learning_area": None,
            "dispositions": [],
            "target_date": datetime.date(2027, 3, 1),
        }
        services.goal_update(goal=world.goal, by=world.teacher, voice=Voice.TEACHER, **values)
        assert not told(GOAL_PROPOSED).exists()
        values["title"] = "Read chapter books to my little brother"
        services.goal_update(goal=world.goal, by=world.teacher, voice=Voice.TEACHER, **values)
        services.goal_update(
            goal=world.goal, by=world.teacher, voice=Voice.TEACHER, **{**values, "title": "Again"}
        )
        assert told(GOAL_PROPOSED, whanau=world.link.whanau).count() == 2


class TestTeachersDigest:
    def test_two_whanau_comments_make_one_email_at_the_teachers_digest_time(self, world):
        """Nothing through the day; at 5 pm one email per teacher holding both comments."""
        world.student.assigned_teachers.add(world.other_teacher)
        with time_machine.travel(nz(2026, 12, 1, 10, 0), tick=False):
            whanau_says(world, "Reads at bedtime now")
            assert send() == []
        with time_machine.travel(nz(2026, 12, 1, 13, 0), tick=False):
            whanau_says(world, "Asked for more books")
            assert send() == []
        with time_machine.travel(nz(2026, 12, 1, 17, 0, 30), tick=False):
            messages = send()
        assert sorted(m.to[0] for m in messages) == sorted(
            [world.teacher.email, world.other_teacher.email]
        )
        for message in messages:
            assert message.subject == "2 new things from Kōwhai School"
            for body in (message.body, html(message)):
                assert "Reads at bedtime now" in body
                assert "Asked for more books" in body
                assert f"commented on {world.student.display_name}’s goal" in body
        assert told(WHANAU_COMMENT, emailed_at__isnull=True).count() == 0

    def test_a_hidden_comment_is_left_out(self, world):
        """A comment hidden before the digest goes is not in it; a digest left empty is not sent."""
        with time_machine.travel(nz(2026, 12, 1, 10, 0), tick=False):
            first = whanau_says(world, "Please hide me")
            whanau_says(world, "Keep me")
            services.comment_hide(comment=first, by=world.teacher, reason="Private")
        with time_machine.travel(nz(2026, 12, 1, 17, 0, 30), tick=False):
            (message,) = send()
        assert message.subject == (
            f"{world.whanau.name} commented on {world.student.display_name}’s goal "
            f"“{world.goal.title}”"
        )
        assert "Keep me" in message.body
        assert "Please hide me" not in message.body
        assert "Please hide me" not in html(message)

    def test_a_comment_edited_before_the_digest_is_sent_as_it_now_reads(self, world):
        """Words changed in the first minutes reach the teacher as changed."""
        with time_machine.travel(nz(2026, 12, 1, 10, 0), tick=False):
            posted = whanau_says(world, "She reads to her brohter")
            services.comment_edit(comment=posted, by=world.whanau, body="She reads to her brother")
        with time_machine.travel(nz(2026, 12, 1, 17, 0, 30), tick=False):
            (message,) = send()
        assert "She reads to her brother" in message.body
        assert "brohter" not in message.body

    def test_a_digest_with_nothing_left_is_not_sent(self, world):
        """The only comment hidden: nothing goes, and the reason is kept."""
        with time_machine.travel(nz(2026, 12, 1, 10, 0), tick=False):
            only = whanau_says(world, "Please hide me")
            services.comment_hide(comment=only, by=world.teacher, reason="Private")
        with time_machine.travel(nz(2026, 12, 1, 17, 0, 30), tick=False):
            assert send() == []
        assert OutboxEmail.objects.get().reason == notices.NOBODY

    def test_a_teacher_who_left_the_class_gets_nothing(self, world):
        """A teacher moved to another class before 5 pm is not sent comments about the child."""
        with time_machine.travel(nz(2026, 12, 1, 10, 0), tick=False):
            whanau_says(world)
            world.classroom.teachers.set([factories.StaffFactory(school=world.school).user])
        with time_machine.travel(nz(2026, 12, 1, 17, 0, 30), tick=False):
            assert send() == []
        assert OutboxEmail.objects.get().status == OutboxEmail.Status.SKIPPED

    def test_two_overlapping_runs_send_the_digest_once(self, world):
        """A second sender finds the digest claimed; once the first's lease lapses it goes once."""
        with time_machine.travel(nz(2026, 12, 1, 10, 0), tick=False):
            whanau_says(world, "Once only")
        digest = OutboxEmail.objects.get()
        with time_machine.travel(nz(2026, 12, 1, 17, 0, 30), tick=False):
            digest.claimed_by = uuid.uuid4()  # another sender holds it, mid-send
            digest.claimed_until = timezone.now() + outbox.LEASE
            digest.save()
            assert send() == []
        with time_machine.travel(nz(2026, 12, 1, 17, 5), tick=False):
            (message,) = send()
            assert send() == []
        assert "Once only" in message.body


def waiting(function, user) -> list:
    request = RequestFactory().get("/")
    request.user = user
    return function(request, roles_of(user))


class TestWaiting:
    def test_a_goal_to_agree_waits_until_agreed(self, world):
        """Whānau and the student each see the goal to agree until they agree to it."""
        (item,) = waiting(panels.goals_to_agree, world.whanau)
        assert item.sentence == (
            f"Agree to {world.student.display_name}’s goal “{world.goal.title}”"
        )
        assert (item.url, item.action, item.student_id) == (
            world.goal.get_absolute_url(),
            "Read and agree",
            world.student.pk,
        )
        (own,) = waiting(panels.goals_to_agree, world.student_user)
        assert own.sentence == f"Agree to your goal “{world.goal.title}”"
        services.goal_agree(goal=world.goal, by=world.whanau, voice=Voice.WHANAU)
        assert waiting(panels.goals_to_agree, world.whanau) == []
        assert len(waiting(panels.goals_to_agree, world.student_user)) == 1

    def test_nothing_waits_for_staff_or_a_no_contact_link(self, world):
        """Teachers and whānau without access have no family entries."""
        for user in (world.teacher, world.no_access_whanau):
            assert waiting(panels.goals_to_agree, user) is None
            assert waiting(panels.teacher_words_to_answer, user) is None

    def test_a_question_from_the_teacher_waits_for_an_answer(self, world):
        """A question waits for whānau who never wrote; once they answer it goes."""
        teacher_says(world, "What does she read at home?")
        (item,) = waiting(panels.teacher_words_to_answer, world.whanau)
        assert item.sentence == (
            f"Kaiako wrote on {world.student.display_name}’s goal “{world.goal.title}”"
        )
        assert (item.url, item.action) == (goal_url(world.goal.pk, "comments"), "Answer")
        whanau_says(world, "Comics, mostly.")
        assert waiting(panels.teacher_words_to_answer, world.whanau) == []

    def test_a_reply_after_your_comment_waits(self, world):
        """Not a question, but after your own comment: it waits, for you only."""
        comment(world, world.student_user, Voice.STUDENT, "I finished the book")
        teacher_says(world, "Ka pai!")
        (item,) = waiting(panels.teacher_words_to_answer, world.student_user)
        assert item.sentence == f"Kaiako wrote on your goal “{world.goal.title}”"
        assert waiting(panels.teacher_words_to_answer, world.whanau) == []

    def test_old_or_hidden_words_do_not_wait(self, world):
        """A question over 30 days old, or one since hidden, asks nothing of anyone."""
        old = timezone.now() - datetime.timedelta(days=31)
        factories.GoalCommentFactory(
            goal=world.goal, author=world.teacher, voice=Voice.TEACHER, body="?", created_at=old
        )
        assert waiting(panels.teacher_words_to_answer, world.whanau) == []
        question = teacher_says(world, "Can you come on Tuesday?")
        services.comment_hide(comment=question, by=world.leader, reason="Sent twice")
        assert waiting(panels.teacher_words_to_answer, world.whanau) == []

    def test_the_home_page_shows_what_waits(self, client, world):
        """The whānau home page leads with the goal to agree and the question to answer."""
        teacher_says(world, "What does she read at home?")
        client.force_login(world.whanau)
        page = client.get(reverse("home")).content.decode()
        assert "Read and agree" in page
        assert "Kaiako wrote on" in page

    @pytest.mark.parametrize("function", [panels.goals_to_agree, panels.teacher_words_to_answer])
    def test_one_query_however_many_goals(self, world, django_assert_num_queries, function):
        """One query each, for one goal and for six, with comments on each."""
        for size in (1, 6):
            for _ in range(size - len(world.student.goals.all())):
                goal = factories.GoalFactory(student=world.student)
                factories.GoalCommentFactory(
                    goal=goal, author=world.teacher, voice=Voice.TEACHER, body="Why?"
                )
            teacher_says(world, "And you?")
            request = RequestFactory().get("/")
            request.user = world.whanau
            roles = roles_of(world.whanau)
            # The goals, with the latest shown comment's voice, time and words, and mine.
            with django_assert_num_queries(1):
                items = function(request, roles)
            assert len(items) == size
