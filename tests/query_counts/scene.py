"""What the pages list, on the test world: one of each to start, and more of each on demand.

A page's queries are measured twice: with one row of everything it lists (so every
prefetch and join already runs), then after ``MORE`` rows more of each. Each ``more_*``
method adds those rows and returns texts a user would see on the page because of them,
so a growth that the page does not show cannot pass for one that it does.
"""

import datetime
from functools import cached_property

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from conversations.models import (
    Booking,
    Reflection,
    TimeRequest,
    UpdateDelivery,
    UpdateReply,
    WeeklyUpdate,
)
from learners.models import Disposition, Evidence, GoalAgreement, HomeActivity, LearningArea
from partnerships import notices, panels
from partnerships.models import (
    AuditEvent,
    Household,
    Invitation,
    Notice,
    SignInCard,
    Staff,
    User,
    Voice,
    WhanauMember,
    hash_key,
)
from tests import factories
from tests.factories import PNG

MORE = 3  # rows added per list: any query made per row shows as at least this many more
INVITATION_KEY = "query-count-key"


def _in(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


class Scene:
    """The world, and the objects its pages show, each made the first time it is asked for."""

    def __init__(self, world):
        self.world = world

    # The goal page: a disposition, a step with a home activity, evidence and a comment.

    @cached_property
    def goal(self):
        goal = self.world.goal
        goal.learning_area = LearningArea.objects.filter(school=self.world.school).first()
        goal.save(update_fields=["learning_area"])
        goal.dispositions.add(Disposition.objects.filter(school=self.world.school).first())
        GoalAgreement.objects.create(goal=goal, user=self.world.whanau, voice=Voice.WHANAU)
        self._step(goal)
        self._evidence(goal)
        self._comment(goal, self.world.whanau)
        self._comment(goal, self.world.whanau, hidden_by=self.world.teacher)  # staff see it
        return goal

    def _step(self, goal):
        step = factories.NextStepFactory(goal=goal)
        HomeActivity.objects.create(
            next_step=step, title=f"Activity for {step.text}", instructions="Play it at dinner."
        )
        return step.text

    def _evidence(self, goal):
        added_by = factories.UserFactory()
        evidence = Evidence.objects.create(
            goal=goal,
            kind=Evidence.Kind.NOTE,
            note=f"Evidence from {added_by.name}",
            voice=Voice.WHANAU,
            added_by=added_by,
        )
        return evidence.note

    def _comment(self, goal, author, voice=Voice.WHANAU, hidden_by=None):
        comment = factories.GoalCommentFactory(
            goal=goal,
            author=author,
            voice=voice,
            hidden_by=hidden_by,
            hidden_at=timezone.now() if hidden_by else None,
        )
        return comment.body

    def more_on_goal(self) -> list[str]:
        """Steps with activities, evidence, comments by new people, dispositions."""
        goal, shown = self.goal, []
        for disposition in Disposition.objects.filter(school=self.world.school)[1 : 1 + MORE]:
            goal.dispositions.add(disposition)
            shown.append(disposition.name)
        for _ in range(MORE):
            shown.append(self._step(goal))
            shown.append(self._evidence(goal))
            author = factories.WhanauLinkFactory(student=self.world.student).whanau.user
            shown.append(self._comment(goal, author))
            shown.append(author.name)
            hidden_by = factories.StaffFactory(school=self.world.school).user
            self._comment(goal, author, hidden_by=hidden_by)
        return shown

    def more_goals(self) -> list[str]:
        """Goals of the student, each with a learning area, dispositions and agreements."""
        self.goal  # noqa: B018  the first goal has everything a goal can show
        areas = list(LearningArea.objects.filter(school=self.world.school))
        dispositions = list(Disposition.objects.filter(school=self.world.school))
        shown = []
        for n in range(MORE):
            goal = factories.GoalFactory(
                student=self.world.student,
                learning_area=areas[n + 1],
                proposed_by=self.world.whanau,
            )
            goal.dispositions.add(*dispositions)
            GoalAgreement.objects.create(goal=goal, user=self.world.teacher, voice=Voice.TEACHER)
            shown += [goal.title, areas[n + 1].name]
        return shown

    def more_school_lists(self) -> list[str]:
        """Learning areas and dispositions the school adds to its lists (a form's choices)."""
        shown = []
        for n in range(MORE):
            shown.append(
                LearningArea.objects.create(school=self.world.school, name=f"Area {n}").name
            )
            shown.append(
                Disposition.objects.create(school=self.world.school, name=f"Trait {n}").name
            )
        return shown

    def _audit_event(self, obj) -> str:
        actor = factories.StaffFactory(school=self.world.school).user
        AuditEvent.objects.create(
            school=self.world.school,
            actor=actor,
            student=self.world.student,
            action=AuditEvent.Action.CHANGED,
            object_type=obj._meta.label_lower,
            object_id=obj.pk,
            summary=f"Changed by {actor.name}",
        )
        return actor.name

    @cached_property
    def audit_event(self) -> str:
        """A change to the world's goal: on the student's record, and in the goal's history."""
        return self._audit_event(self.world.goal)

    def more_audit_events(self, obj) -> list[str]:
        """Changes to ``obj``, on the world's student's record, each by someone else."""
        return [self._audit_event(obj) for _ in range(MORE)]

    @cached_property
    def inbox_comment(self):
        """A whānau comment on the student's goal that nobody at school has answered."""
        return self._comment(self.world.goal, self.world.whanau)

    def more_inbox(self) -> list[str]:
        """Unanswered whānau comments, by different people, on other students' goals."""
        shown = []
        for _ in range(MORE):
            link = factories.WhanauLinkFactory(
                student=factories.StudentFactory(
                    school=self.world.school, classroom=self.world.classroom
                )
            )
            goal = factories.GoalFactory(student=link.student)
            shown += [self._comment(goal, link.whanau.user), link.student.last_name]
        return shown

    @cached_property
    def step(self):
        return self.goal.next_steps.get()

    @cached_property
    def comment(self):
        return self.goal.comments.filter(hidden_at__isnull=True).get()

    @cached_property
    def photo(self):
        return Evidence.objects.create(
            goal=self.world.goal,
            kind=Evidence.Kind.PHOTO,
            voice=Voice.TEACHER,
            content_type="image/png",
            original_name="work.png",
            file=ContentFile(PNG, name="work.png"),
        )

    # People: classes, students, whānau, staff, invitations.

    def more_students_in_class(self) -> list[str]:
        """Students in the teacher's class, each with whānau connected."""
        shown = []
        for _ in range(MORE):
            student = factories.StudentFactory(
                school=self.world.school, classroom=self.world.classroom
            )
            factories.WhanauLinkFactory(student=student)
            shown.append(student.full_name)
        return shown

    def more_students_in_school(self) -> list[str]:
        """Students in classes of their own, as a leader's list shows them."""
        shown = []
        for _ in range(MORE):
            classroom = factories.ClassroomFactory(school=self.world.school)
            student = factories.StudentFactory(school=self.world.school, classroom=classroom)
            shown += [student.full_name, classroom.name]
        return shown

    def more_leavers(self) -> list[str]:
        """Students who have left the school, as a leader's list of leavers shows them."""
        shown = []
        for _ in range(MORE):
            student = factories.StudentFactory(
                school=self.world.school, classroom=None, left_on=datetime.date(2026, 7, 1)
            )
            shown.append(student.full_name)
        return shown

    def more_classes(self, *, show_teachers=True) -> list[str]:
        """Classes the teacher teaches with someone else, each with students."""
        shown = []
        for _ in range(MORE):
            colleague = factories.StaffFactory(school=self.world.school).user
            classroom = factories.ClassroomFactory(
                school=self.world.school, teachers=[self.world.teacher, colleague]
            )
            factories.StudentFactory(school=self.world.school, classroom=classroom)
            shown += [classroom.name, colleague.name] if show_teachers else [classroom.name]
        return shown

    def _assigned_student(self) -> list[str]:
        classroom = factories.ClassroomFactory(school=self.world.school)
        student = factories.StudentFactory(school=self.world.school, classroom=classroom)
        student.assigned_teachers.add(self.world.teacher)
        return [student.full_name, classroom.name]

    @cached_property
    def assigned_student(self) -> list[str]:
        """A student in another class whom the teacher also supports."""
        return self._assigned_student()

    def more_assigned_students(self) -> list[str]:
        return [text for _ in range(MORE) for text in self._assigned_student()]

    def more_tamariki(self) -> list[str]:
        """More children of the world's whānau member, in classes of their own."""
        shown = []
        for _ in range(MORE):
            classroom = factories.ClassroomFactory(
                school=self.world.school, teachers=[self.world.teacher]
            )
            student = factories.StudentFactory(school=self.world.school, classroom=classroom)
            factories.WhanauLinkFactory(student=student, whanau=self.world.link.whanau)
            shown += [student.full_name, classroom.name]
        return shown

    def more_waiting(self) -> list[str]:
        """More for the world's whānau member on their home page: goals to agree to, and
        notices new since their last visit."""
        shown, before = [], Notice.objects.count()
        for n in range(MORE):
            goal = factories.GoalFactory(student=self.world.student, proposed_by=self.world.teacher)
            notice = Notice.objects.create(
                kind="test",
                key=f"scene-waiting-{before + n}",
                school=self.world.school,
                student=self.world.student,
                whanau=self.world.link.whanau,
                title=f"News number {before + n}",
                url="/",
            )
            shown += [goal.title, notice.title]
        return shown

    def later_in_the_visit(self, user) -> list[str]:
        """Their home page seen again minutes later, when the visit is noted again: a reload
        a moment after the first writes nothing (``panels.VISIT_NOTED_EVERY``)."""
        User.objects.filter(pk=user.pk).update(
            home_seen_at=F("home_seen_at") - panels.VISIT_NOTED_EVERY
        )
        return []

    def more_whanau_of_student(self) -> list[str]:
        """Whānau members linked to the world's student."""
        links = [factories.WhanauLinkFactory(student=self.world.student) for _ in range(MORE)]
        return [link.whanau.name for link in links]

    def more_school_whanau(self) -> list[str]:
        """Whānau members of the school, each linked to two children."""
        shown = []
        for _ in range(MORE):
            link = factories.WhanauLinkFactory(
                student=factories.StudentFactory(school=self.world.school)
            )
            sibling = factories.WhanauLinkFactory(
                whanau=link.whanau, student=factories.StudentFactory(school=self.world.school)
            )
            shown += [link.whanau.name, link.student.full_name, sibling.student.full_name]
        return shown

    def more_staff(self) -> list[str]:
        """Staff members, and pending invitations to join as staff."""
        shown = []
        for n in range(MORE):
            shown.append(factories.StaffFactory(school=self.world.school).user.name)
            shown.append(self._invitation(Invitation.Kind.STAFF, key=f"staff-{n}").email)
        return shown

    def more_staff_choices(self) -> list[str]:
        """Classes and staff of the school: the choices on a student's form."""
        shown = []
        for _ in range(MORE):
            shown.append(factories.StaffFactory(school=self.world.school).user.name)
            shown.append(factories.ClassroomFactory(school=self.world.school).name)
        return shown

    def more_invitations_for_student(self) -> list[str]:
        """Whānau links and pending invitations for the world's student."""
        shown = self.more_whanau_of_student()
        for n in range(MORE):
            shown.append(self._invitation(Invitation.Kind.WHANAU, key=f"whanau-{n}").email)
        return shown

    def more_households_of_whanau(self) -> list[str]:
        """The world's student's whānau living in pairs, each with someone else too: whānau of
        a child the teacher does not teach (counted, never named)."""
        shown = []
        for _ in range(MORE):
            first, second = (factories.WhanauLinkFactory(student=self.world.student) for _ in "ab")
            unseen = factories.WhanauLinkFactory(student=self.world.other_student).whanau
            household = Household.objects.create(school=self.world.school)
            housed = [first.whanau_id, second.whanau_id, unseen.pk]
            WhanauMember.objects.filter(pk__in=housed).update(household=household)
            shown += [first.whanau.name, second.whanau.name]
        return shown

    def _invitation(self, kind, *, key: str) -> Invitation:
        return Invitation.objects.create(
            school=self.world.school,
            kind=kind,
            email=f"{key}@example.org",
            name=key,
            role=Staff.Role.TEACHER if kind == Invitation.Kind.STAFF else "",
            student=self.world.student if kind == Invitation.Kind.WHANAU else None,
            key_hash=hash_key(key),
            expires_at=_in(7),
        )

    @cached_property
    def invitation(self):
        return self._invitation(Invitation.Kind.WHANAU, key=INVITATION_KEY)

    @cached_property
    def staff_invitation(self):
        return self._invitation(Invitation.Kind.STAFF, key="first-staff")

    @cached_property
    def card(self):
        return SignInCard.objects.create(student=self.world.student)

    # Learning conversations.

    @cached_property
    def conversation(self):
        """A conversation with one of everything: attendees, a goal, a step, a reflection."""
        conversation = factories.ConversationFactory(student=self.world.student)
        self._conversation_rows(conversation, self.world.link.whanau, self.world.teacher)
        return conversation

    def _conversation_rows(self, conversation, whanau, staff):
        goal = factories.GoalFactory(student=self.world.student)
        step = factories.NextStepFactory(goal=goal)
        conversation.whanau_attendees.add(whanau)
        conversation.staff_attendees.add(staff)
        conversation.goals.add(goal)
        conversation.next_steps.add(step)
        reflection = Reflection.objects.create(
            conversation=conversation,
            author=whanau.user,
            voice=Voice.WHANAU,
            body=f"Reflection from {whanau.name}",
        )
        return [whanau.name, staff.name, goal.title, step.text, reflection.body]

    def more_on_conversation(self) -> list[str]:
        """Attendees, goals, steps agreed and reflections, by new people."""
        shown = []
        for _ in range(MORE):
            whanau = factories.WhanauLinkFactory(student=self.world.student).whanau
            staff = factories.StaffFactory(school=self.world.school).user
            shown += self._conversation_rows(self.conversation, whanau, staff)
        return shown

    def more_conversations(self) -> list[str]:
        """Conversations about the student, each with a reflection."""
        self.conversation  # noqa: B018
        shown = []
        for n in range(MORE):
            conversation = factories.ConversationFactory(
                student=self.world.student, held_at=timezone.now() - datetime.timedelta(days=n + 2)
            )
            Reflection.objects.create(
                conversation=conversation, author=self.world.whanau, voice=Voice.WHANAU, body="Yes"
            )
            # The page shows the day at the school, which near midnight is not the UTC one.
            shown.append(
                f"{timezone.localtime(conversation.held_at, self.world.school.zone):%-d %B %Y}"
            )
        return shown

    def more_conversation_choices(self) -> list[str]:
        """Whānau, staff and goals the conversation form offers as choices."""
        shown = self.more_whanau_of_student()
        for _ in range(MORE):
            shown.append(factories.StaffFactory(school=self.world.school).user.name)
            shown.append(factories.GoalFactory(student=self.world.student).title)
        return shown

    # Rounds, times, bookings and requests.

    @cached_property
    def round(self):
        return factories.RoundFactory(school=self.world.school, title="Term 1 goal-setting")

    @cached_property
    def slot(self):
        return factories.SlotFactory(round=self.round, host=self.world.teacher)

    @cached_property
    def booking(self):
        """The whānau member's booking for the world's student, needing childcare."""
        return Booking.objects.create(
            slot=factories.SlotFactory(round=self.round, host=self.world.teacher),
            student=self.world.student,
            whanau=self.world.link.whanau,
            needs_childcare=True,
        )

    @cached_property
    def time_request(self):
        return TimeRequest.objects.create(
            round=self.round,
            student=self.world.student,
            whanau=self.world.link.whanau,
            message="After 5pm, please",
        )

    def more_rounds(self) -> list[str]:
        rounds = [
            factories.RoundFactory(school=self.world.school, title=f"Round {n}")
            for n in range(MORE)
        ]
        return [r.title for r in rounds]

    def more_on_round(self) -> list[str]:
        """Times booked by other families, students not booked, requests for other times."""
        shown = []
        for n in range(MORE):
            family = factories.WhanauLinkFactory(
                student=factories.StudentFactory(
                    school=self.world.school, classroom=self.world.classroom
                )
            )
            Booking.objects.create(
                slot=factories.SlotFactory(round=self.round, host=self.world.teacher),
                student=family.student,
                whanau=family.whanau,
                needs_interpreter=True,
                interpreter_language=f"Language {n}",
            )
            unbooked = factories.StudentFactory(
                school=self.world.school, classroom=self.world.classroom
            )
            asking = factories.WhanauLinkFactory(student=unbooked)
            TimeRequest.objects.create(
                round=self.round,
                student=unbooked,
                whanau=asking.whanau,
                message=f"Request from {asking.whanau.name}",
            )
            shown += [
                family.whanau.name,
                f"Language {n}",
                unbooked.full_name,
                f"Request from {asking.whanau.name}",
            ]
        return shown

    def more_teachers_of_round(self) -> list[str]:
        """Classes with their own teacher: a leader may offer times for them."""
        shown = []
        for _ in range(MORE):
            teacher = factories.StaffFactory(school=self.world.school).user
            factories.ClassroomFactory(school=self.world.school, teachers=[teacher])
            shown.append(teacher.name)
        return shown

    def more_to_book(self) -> list[str]:
        """Open times with the teacher, and more tamariki with their own teachers and times."""
        self.slot  # noqa: B018
        shown = []
        for _ in range(MORE):
            factories.SlotFactory(round=self.round, host=self.world.teacher)
            teacher = factories.StaffFactory(school=self.world.school).user
            classroom = factories.ClassroomFactory(school=self.world.school, teachers=[teacher])
            child = factories.StudentFactory(school=self.world.school, classroom=classroom)
            factories.WhanauLinkFactory(student=child, whanau=self.world.link.whanau)
            factories.SlotFactory(round=self.round, host=teacher)
            shown += [child.display_name, teacher.name]
        return shown

    def more_bookings(self) -> list[str]:
        """Bookings for more tamariki, open rounds to book, and requests for other times."""
        self.booking, self.time_request  # noqa: B018
        shown = []
        for n in range(MORE):
            teacher = factories.StaffFactory(school=self.world.school).user
            classroom = factories.ClassroomFactory(school=self.world.school, teachers=[teacher])
            child = factories.StudentFactory(school=self.world.school, classroom=classroom)
            factories.WhanauLinkFactory(student=child, whanau=self.world.link.whanau)
            other_round = factories.RoundFactory(school=self.world.school, title=f"Round {n}")
            Booking.objects.create(
                slot=factories.SlotFactory(round=other_round, host=teacher),
                student=child,
                whanau=self.world.link.whanau,
            )
            factories.SlotFactory(round=other_round, host=teacher)
            TimeRequest.objects.create(
                round=other_round, student=child, whanau=self.world.link.whanau, message="Later"
            )
            shown += [child.display_name, teacher.name, other_round.title]
        return shown

    # Weekly updates.

    @cached_property
    def week(self):
        return self.world.school.week_of(timezone.now())

    def _update(self, student, *, week=None, author=None) -> WeeklyUpdate:
        return WeeklyUpdate.objects.create(
            student=student,
            week=week or self.week,
            learned=f"{student.first_name} learned about volcanoes",
            status=WeeklyUpdate.Status.APPROVED,
            approved_at=timezone.now(),
            approved_by=self.world.teacher,
            queued_at=timezone.now(),
            goal=self.world.goal,
            author=author or student.user,
            photo=ContentFile(PNG, name="p.png"),
            photo_type="image/png",
        )

    @cached_property
    def update(self):
        """This week's update, gone home to the whānau member, who replied."""
        update = self._update(self.world.student)
        UpdateDelivery.objects.create(
            update=update,
            whanau=self.world.link.whanau,
            link=self.world.link,
            status=UpdateDelivery.Status.SENT,
            sent_at=timezone.now(),
        )
        UpdateReply.objects.create(
            update=update, author=self.world.whanau, voice=Voice.WHANAU, body="Ka pai!"
        )
        return update

    def more_replies(self) -> list[str]:
        shown = []
        for _ in range(MORE):
            author = factories.WhanauLinkFactory(student=self.world.student).whanau.user
            UpdateReply.objects.create(
                update=self.update, author=author, voice=Voice.WHANAU, body=f"From {author.name}"
            )
            shown.append(f"From {author.name}")
        return shown

    def more_replies_and_deliveries(self) -> list[str]:
        """Replies by new whānau members, each of whom the update also went to (and opened)."""
        shown = self.more_replies()
        for reply in UpdateReply.objects.filter(update=self.update).exclude(body="Ka pai!"):
            UpdateDelivery.objects.create(
                update=self.update,
                whanau=reply.author.whanau_memberships.get(),
                status=UpdateDelivery.Status.SENT,
                sent_at=timezone.now(),
                read_at=timezone.now(),
            )
            shown.append(reply.author.name)
        return shown

    def more_inbox_replies(self) -> list[str]:
        """Unanswered whānau replies to other students' updates, one update answered."""
        self.update  # noqa: B018  the world's update, with its unanswered reply
        shown = []
        for _ in range(MORE):
            link = factories.WhanauLinkFactory(
                student=factories.StudentFactory(
                    school=self.world.school, classroom=self.world.classroom
                )
            )
            reply = UpdateReply.objects.create(
                update=self._update(link.student),
                author=link.whanau.user,
                voice=Voice.WHANAU,
                body=f"Reply from {link.whanau.name}",
            )
            shown += [reply.body, link.student.full_name]
        answered = self._update(
            factories.StudentFactory(school=self.world.school, classroom=self.world.classroom)
        )
        UpdateReply.objects.create(update=answered, voice=Voice.WHANAU, body="Answered already")
        UpdateReply.objects.create(update=answered, voice=Voice.TEACHER, body="Thank you")
        return shown

    def more_updates(self) -> list[str]:
        """Earlier weeks' updates of the student, each with a reply."""
        self.update  # noqa: B018
        shown = []
        for n in range(1, MORE + 1):
            update = self._update(self.world.student, week=self.week - datetime.timedelta(weeks=n))
            UpdateReply.objects.create(
                update=update, author=self.world.whanau, voice=Voice.WHANAU, body="Tino pai"
            )
            shown.append(f"{update.week:%-d %B %Y}")
        return shown

    def more_week_rows(self) -> list[str]:
        """Students in the class with this week's update gone home to their whānau, who
        opened it."""
        self.update  # noqa: B018
        shown = []
        for _ in range(MORE):
            link = factories.WhanauLinkFactory(
                student=factories.StudentFactory(
                    school=self.world.school, classroom=self.world.classroom
                )
            )
            UpdateDelivery.objects.create(
                update=self._update(link.student),
                whanau=link.whanau,
                link=link,
                status=UpdateDelivery.Status.SENT,
                sent_at=timezone.now(),
                read_at=timezone.now(),
            )
            shown += [link.student.full_name, link.whanau.name]
        return shown

    def more_update_goal_choices(self) -> list[str]:
        """The student's active goals: the choices for what an update is part of."""
        return [factories.GoalFactory(student=self.world.student).title for _ in range(MORE)]

    def more_transitions(self) -> list[str]:
        """Students in the class whose transition conversation is due."""
        shown = []
        for n in range(MORE):
            classroom = factories.ClassroomFactory(
                school=self.world.school, teachers=[self.world.teacher]
            )
            student = factories.StudentFactory(
                school=self.world.school,
                classroom=classroom,
                start_date=timezone.localdate() - datetime.timedelta(days=30 + n),
            )
            shown += [student.full_name, classroom.name]
        return shown

    # ------------------------------------------------------------------------------------------
    # The inquiry of a priority learner (learners/inquiry_views.py).

    def _inquiry_step(self, stage, author) -> list[str]:
        step = factories.InquiryStepFactory(
            student=self.world.student, stage=stage, author=author, shared_with_whanau=True
        )
        return [step.text, author.name]

    @cached_property
    def inquiry_step(self) -> list[str]:
        """The student is a priority learner, with a step shared with whānau."""
        self.world.student.is_priority_learner = True
        self.world.student.save(update_fields=["is_priority_learner"])
        return self._inquiry_step("know", self.world.teacher)

    def more_inquiry_steps(self) -> list[str]:
        """Shared steps at other stages, each by another member of staff."""
        self.inquiry_step  # noqa: B018
        shown = []
        for stage in ("identify", "respond", "impact")[:MORE]:
            author = factories.StaffFactory(school=self.world.school).user
            shown += self._inquiry_step(stage, author)
        return shown

    @cached_property
    def notice_token(self) -> str:
        """The signed link in an email about the world's student."""
        return notices.open_token(self._notice_to_open())

    def _notice_to_open(self) -> int:
        return Notice.objects.create(
            kind="test",
            key="scene-open",
            school=self.world.school,
            student=self.world.student,
            whanau=self.world.link.whanau,
            url="/",
        ).pk

    def more_notices(self) -> list[str]:
        """Notices to the world's whānau member about the student, one opened."""
        shown, before = [], Notice.objects.count()
        for n in range(MORE):
            notice = Notice.objects.create(
                kind="test",
                key=f"scene-notice-{before + n}",
                school=self.world.school,
                student=self.world.student,
                whanau=self.world.link.whanau,
                title=f"Notice number {before + n}",
                url="/",
                read_at=timezone.now() if n == 0 else None,
            )
            shown.append(notice.title)
        return shown

    # A round's schedule, door lists and who has not booked (conversations.views.schedules).

    def _booked_time(self, host, classroom, *, days: int, language: str) -> list[str]:
        """A child of the class booked with ``host`` on a day of its own, needing an
        interpreter; the texts the schedule shows for it."""
        link = factories.WhanauLinkFactory(
            student=factories.StudentFactory(school=self.world.school, classroom=classroom)
        )
        slot = factories.SlotFactory(
            round=self.round,
            host=host,
            # Never on the quarter hours the factory's own times fall on.
            starts_at=timezone.now().replace(second=0, microsecond=0)
            + datetime.timedelta(days=days, minutes=7),
        )
        Booking.objects.create(
            slot=slot,
            student=link.student,
            whanau=link.whanau,
            needs_interpreter=True,
            interpreter_language=language,
        )
        return [link.student.full_name, link.whanau.name, f"Interpreter: {language}"]

    @cached_property
    def schedule(self) -> list[str]:
        """The teacher's booked time (childcare), a free one, and a colleague's booked time
        with an interpreter on another day."""
        self.booking, self.slot  # noqa: B018
        colleague = factories.StaffFactory(school=self.world.school).user
        classroom = factories.ClassroomFactory(school=self.world.school, teachers=[colleague])
        return self._booked_time(colleague, classroom, days=4, language="Samoan")

    def more_on_schedule(self, *, own_only: bool = False) -> list[str]:
        """Days more, each with a booked time of the teacher's and of a new colleague's."""
        self.schedule  # noqa: B018
        shown = []
        for n in range(MORE):
            shown += self._booked_time(
                self.world.teacher, self.world.classroom, days=10 + n, language=f"Language {n}"
            )
            colleague = factories.StaffFactory(school=self.world.school).user
            classroom = factories.ClassroomFactory(school=self.world.school, teachers=[colleague])
            theirs = self._booked_time(colleague, classroom, days=20 + n, language=f"Tongan {n}")
            if not own_only:
                shown += [*theirs, colleague.name]
        return shown

    def _not_booked_child(self, classroom, n: int) -> list[str]:
        """A child of two households: one booked, the other (named) reminded already."""
        student = factories.StudentFactory(school=self.world.school, classroom=classroom)
        booked, waiting = (factories.WhanauLinkFactory(student=student).whanau for _ in "ab")
        for member in (booked, waiting):
            member.household = Household.objects.create(
                school=self.world.school, name=f"House of {member.name}"
            )
            member.save(update_fields=["household"])
        Booking.objects.create(
            slot=factories.SlotFactory(round=self.round, host=self.world.teacher),
            student=student,
            whanau=booked,
            household=booked.household,
        )
        Notice.objects.create(
            kind="booking_nudge",
            key=f"round:{self.round.pk}:nudge:{student.pk}",
            school=self.world.school,
            student=student,
            whanau=waiting,
            url="/",
        )
        return [student.full_name, booked.name, waiting.name, f"House of {waiting.name}"]

    @cached_property
    def not_booked(self) -> list[str]:
        """In the teacher's class: a child booked by one household of two, one booked, and
        the classmate with no whānau to remind; a reminder sent in the round."""
        self.booking, self.slot  # noqa: B018
        AuditEvent.objects.create(
            school=self.world.school,
            actor=self.world.leader,
            action=AuditEvent.Action.INVITED,
            object_type="conversations.conversationround",
            object_id=self.round.pk,
            summary="Reminded to book",
        )
        return self._not_booked_child(self.world.classroom, 0)

    def more_not_booked(self) -> list[str]:
        """Children of the class not booked by one of their households."""
        self.not_booked  # noqa: B018
        return [
            text
            for n in range(1, MORE + 1)
            for text in self._not_booked_child(self.world.classroom, n)
        ]

    def more_classes_not_booked(self) -> list[str]:
        """Classes of the school, each with a child still to book."""
        self.not_booked  # noqa: B018
        shown = []
        for n in range(1, MORE + 1):
            classroom = factories.ClassroomFactory(school=self.world.school)
            self._not_booked_child(classroom, n)
            shown.append(classroom.name)
        return shown
