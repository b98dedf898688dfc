"""Factories for the test suite: one per model, each making a valid object in its own school."""

import datetime
import io

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from PIL import Image

from conversations.models import ConversationRound, LearningConversation, Slot
from learners.models import Goal, GoalComment, InquiryStep, NextStep
from partnerships.models import (
    Classroom,
    School,
    SignInCard,
    Staff,
    Student,
    User,
    Voice,
    WhanauLink,
    WhanauMember,
)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()  # a real, tiny photo for upload tests


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Test School {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n:04d}")
    password = factory.django.Password("correct horse battery staple")
    # Read already, so whānau pages open as they are; the first sign-in's notice has its own tests.
    privacy_notice_seen_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and self.email:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory)
    role = Staff.Role.TEACHER


class LeaderFactory(StaffFactory):
    role = Staff.Role.LEADER


class ClassroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classroom
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    year_level = 4

    @factory.post_generation
    def teachers(self, create, extracted, **kwargs):
        if create and extracted:
            self.teachers.add(*extracted)


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    school = factory.SubFactory(SchoolFactory)
    classroom = factory.SubFactory(ClassroomFactory, school=factory.SelfAttribute("..school"))
    first_name = factory.Sequence(lambda n: f"Ākonga{n:04d}")
    last_name = factory.Sequence(lambda n: f"Whānau{n:04d}")
    year_level = 4
    start_date = datetime.date(2026, 2, 2)


class WhanauMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WhanauMember

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory, password=None)
    name = factory.SelfAttribute("user.name")
    email = factory.SelfAttribute("user.email")


class WhanauLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WhanauLink

    student = factory.SubFactory(StudentFactory)
    whanau = factory.SubFactory(
        WhanauMemberFactory, school=factory.SelfAttribute("..student.school")
    )
    relationship = WhanauLink.Relationship.MOTHER


class SignInCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignInCard

    student = factory.SubFactory(StudentFactory)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    student = factory.SubFactory(StudentFactory)
    title = factory.Sequence(lambda n: f"Goal {n:04d}: read chapter books on my own")
    success_criteria = "I can read a chapter book to my whānau and tell them what happened."
    proposed_by_voice = Voice.TEACHER


class NextStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NextStep

    goal = factory.SubFactory(GoalFactory)
    text = factory.Sequence(lambda n: f"Step {n:04d}: read for ten minutes")
    where = NextStep.Where.HOME


class GoalCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalComment

    goal = factory.SubFactory(GoalFactory)
    author = factory.SubFactory(UserFactory)
    voice = Voice.WHANAU
    body = factory.Sequence(lambda n: f"Comment {n:04d}: she reads to her little brother now")


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningConversation

    student = factory.SubFactory(StudentFactory)
    kind = LearningConversation.Kind.GOAL_SETTING
    held_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    school_noticed = "We noticed she loves reading to younger children."
    staff_notes = "Staff only: check in with learning support about reading."


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConversationRound

    school = factory.SubFactory(SchoolFactory)
    title = "Term 1 goal-setting"


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    round = factory.SubFactory(RoundFactory)
    host = factory.SubFactory(UserFactory)
    starts_at = factory.Sequence(
        lambda n: (
            timezone.now().replace(microsecond=0, second=0)
            + datetime.timedelta(days=3, minutes=15 * n)
        )
    )


class InquiryStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InquiryStep

    student = factory.SubFactory(StudentFactory)
    stage = InquiryStep.Stage.KNOW
    text = factory.Sequence(
        lambda n: f"Inquiry {n:04d}: loves telling stories about the family dog"
    )
    voice = Voice.TEACHER


class ImportJobFactory(factory.django.DjangoModelFactory):
    """A students file uploaded and waiting for its columns (its model named as a string, so
    this stays a block of its own)."""

    class Meta:
        model = "partnerships.ImportJob"

    school = factory.SubFactory(SchoolFactory)
    created_by = factory.SubFactory(UserFactory)
    filename = "export.csv"
    size = 120
    headers = factory.LazyFunction(lambda: ["NSN", "First Name", "Last Name", "Year Level"])
    rows = factory.LazyFunction(lambda: [["1000000001", "Tama", "Ngata", "5"]])
    mapping = factory.LazyFunction(
        lambda: {
            "nsn": "NSN",
            "first_name": "First Name",
            "last_name": "Last Name",
            "year_level": "Year Level",
        }
    )
    options = factory.LazyFunction(lambda: {"kind": "students", "notes": []})
    progress_total = 1


class ImportPresetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partnerships.ImportPreset"

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"KAMAR export {n}")
    mapping = factory.LazyFunction(
        lambda: {"nsn": "NSN", "first_name": "First Name", "last_name": "Last Name"}
    )
