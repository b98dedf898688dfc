"""The no-surprises check: nothing of concern in a report is news to the whānau who read it.

Each kind of concern (a "working towards" judgement, a learning support note, a disposition
marked as a concern) is held until it has been raised with each reader within the round's
period: in a conversation they took part in, or in a comment from the school they could see.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learners.models import Disposition, LearningArea
from partnerships.models import Voice
from reports import services, surprises
from reports.models import DispositionProgress, Judgement, Report
from tests import factories

KINDS = ["area", "support", "disposition"]
GOAL_KINDS = ["area", "disposition"]  # the support note is raised in conversation only


@pytest.fixture
def report(world) -> Report:
    """The student's report in a round whose period began 60 days ago."""
    today = timezone.localdate()
    round_ = services.report_round_create(
        actor=world.leader,
        school=world.school,
        name="Mid-year",
        period_starts_on=today - datetime.timedelta(days=60),
        due_on=today + datetime.timedelta(days=7),
        classes=[world.classroom],
    )
    return Report.objects.select_related("round__school", "student").get(
        round=round_, student=world.student
    )


def area_named(world, name: str) -> LearningArea:
    """One of the school's learning areas (a new school starts with the curriculum's)."""
    return LearningArea.objects.get_or_create(school=world.school, name=name)[0]


def disposition_named(world, name: str) -> Disposition:
    return Disposition.objects.get_or_create(school=world.school, name=name)[0]


@pytest.fixture
def area(world) -> LearningArea:
    return area_named(world, "Mathematics and statistics")


@pytest.fixture
def disposition(world) -> Disposition:
    return disposition_named(world, "Resilient")


def working_towards(report: Report):
    return next(level for level in services.scale_for(report.round.school) if level.is_concern)


def give_concern(kind: str, report: Report, area, disposition) -> None:
    """Put one part that signals concern into the report."""
    if kind == "area":
        Judgement.objects.create(report=report, learning_area=area, level=working_towards(report))
    elif kind == "disposition":
        DispositionProgress.objects.create(
            report=report, disposition=disposition, progress=DispositionProgress.Progress.CONCERN
        )
    else:
        report.support_note = "Reading Recovery three mornings a week."
        report.save(update_fields=["support_note"])


def goal_about(kind: str, student, area, disposition):
    """A goal of the student in that learning area, or building that disposition."""
    goal = factories.GoalFactory(student=student, learning_area=area if kind == "area" else None)
    if kind == "disposition":
        goal.dispositions.add(disposition)
    return goal


def talk(student, *, attended=(), goals=(), held_at=None, **summary):
    conversation = factories.ConversationFactory(
        student=student,
        held_at=held_at or timezone.now() - datetime.timedelta(days=3),
        **summary,
    )
    conversation.whanau_attendees.add(*attended)
    conversation.goals.add(*goals)
    return conversation


def comment(goal, *, voice=Voice.TEACHER, author=None, **fields):
    return factories.GoalCommentFactory(goal=goal, voice=voice, author=author, **fields)


def held_with(report: Report) -> list[tuple[str, list]]:
    return [
        (each.concern.kind, [person.pk for person in each.whanau])
        for each in surprises.unraised(report)
    ]


# --- What signals concern ---------------------------------------------------------------


def test_concerns_are_the_working_towards_judgements_support_and_dispositions(
    world, report, area, disposition
):
    """Working towards in maths, a support note and a disposition of concern: three concerns."""
    for kind in KINDS:
        give_concern(kind, report, area, disposition)
    at_expectations = next(
        level for level in services.scale_for(world.school) if not level.is_concern
    )
    science = area_named(world, "Science")
    Judgement.objects.create(report=report, learning_area=science, level=at_expectations)
    DispositionProgress.objects.create(
        report=report,
        disposition=disposition_named(world, "Resourceful"),
        progress=DispositionProgress.Progress.STRENGTH,
    )

    concerns = surprises.concerns_of(report)

    assert [(each.kind, each.label) for each in concerns] == [
        ("area", "Working towards expectations in Mathematics and statistics"),
        ("support", "The learning support note"),
        ("disposition", "Resilient, marked as a concern"),
    ]


def test_a_report_with_nothing_of_concern_is_never_held(world, report, area):
    """A report with only good news goes home whatever has been talked about."""
    assert surprises.unraised(report) == []


# --- Held, and raised ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_concern_never_raised_is_held_for_the_reader(world, report, area, disposition, kind):
    """Nothing said to the family about it: the report is held, naming the parent."""
    give_concern(kind, report, area, disposition)

    (held,) = surprises.unraised(report)

    assert held.concern.kind == kind
    assert held.whanau == [world.link.whanau]
    assert held.as_data() == {
        "concern": held.concern.label,
        "whanau": [{"id": world.link.whanau.pk, "name": world.link.whanau.name}],
    }


@pytest.mark.parametrize("kind", GOAL_KINDS)
def test_a_conversation_they_attended_about_such_a_goal_raises_it(
    world, report, area, disposition, kind
):
    """The parent came to a conversation about a goal in that area: no surprise."""
    give_concern(kind, report, area, disposition)
    talk(
        world.student,
        attended=[world.link.whanau],
        goals=[goal_about(kind, world.student, area, disposition)],
    )

    assert surprises.unraised(report) == []


def test_any_conversation_they_attended_raises_the_support_note(world, report, area, disposition):
    """Learning support talked through in any conversation the parent came to: no surprise."""
    give_concern("support", report, area, disposition)
    talk(world.student, attended=[world.link.whanau])

    assert surprises.unraised(report) == []


@pytest.mark.parametrize("kind", GOAL_KINDS)
def test_a_conversation_about_something_else_does_not_raise_it(
    world, report, area, disposition, kind
):
    """The parent came, but the goals discussed were in another area: still held."""
    give_concern(kind, report, area, disposition)
    other_area = area_named(world, "English")
    other_disposition = disposition_named(world, "Responsive")
    talk(
        world.student,
        attended=[world.link.whanau],
        goals=[goal_about(kind, world.student, other_area, other_disposition)],
    )

    assert held_with(report) == [(kind, [world.link.whanau.pk])]


@pytest.mark.parametrize(
    ("kind", "field", "words"),
    [
        ("area", "school_noticed", "We talked about MATHEMATICS AND STATISTICS: fractions."),
        ("area", "agreed_next_steps", "Practise mathematics  and statistics at home."),
        ("disposition", "whanau_see", "She is not yet resilient when a puzzle is hard."),
        ("disposition", "student_said", "I want to be more Resilient."),
        # A conversation held in te reo names the default area or disposition in te reo.
        ("area", "school_noticed", "I kōrero mātou mō te pāngarau: ngā hautanga."),
        ("disposition", "whanau_see", "Kāore anō ia kia manawaroa i ngā panga uaua."),
    ],
)
def test_naming_it_in_the_shared_summary_raises_it(
    world, report, area, disposition, kind, field, words
):
    """The summary the family sees names the area (or disposition): no surprise."""
    give_concern(kind, report, area, disposition)
    talk(world.student, attended=[world.link.whanau], **{field: words})

    assert surprises.unraised(report) == []


def test_naming_it_only_in_staff_notes_does_not_raise_it(world, report, area, disposition):
    """Staff-only notes are never seen by the family: still held."""
    give_concern("area", report, area, disposition)
    talk(
        world.student,
        attended=[world.link.whanau],
        school_noticed="Lovely to meet the family.",
        staff_notes="Mathematics and statistics is a worry: raise next time.",
    )

    assert held_with(report) == [("area", [world.link.whanau.pk])]


def test_a_longer_word_is_not_the_name(world, report, disposition):
    """“Social sciences” in the summary does not raise a concern about Science."""
    science = area_named(world, "Science")
    give_concern("area", report, science, disposition)
    talk(world.student, attended=[world.link.whanau], school_noticed="Social sciences: great.")

    assert held_with(report) == [("area", [world.link.whanau.pk])]


@pytest.mark.parametrize("kind", GOAL_KINDS)
def test_a_school_comment_on_such_a_goal_in_the_period_raises_it(
    world, report, area, disposition, kind
):
    """The teacher wrote about it on the goal, which every reader sees: no surprise."""
    give_concern(kind, report, area, disposition)
    second = factories.WhanauLinkFactory(student=world.student)
    goal = goal_about(kind, world.student, area, disposition)
    comment(goal, voice=Voice.TEACHER, author=world.teacher)

    assert surprises.readers_of(report) == sorted(
        [world.link.whanau, second.whanau], key=lambda person: (person.name, person.pk)
    )
    assert surprises.unraised(report) == []


def test_a_leaders_comment_counts_as_the_schools(world, report, area, disposition):
    """A leader's comment on the goal is the school speaking too."""
    give_concern("area", report, area, disposition)
    comment(goal_about("area", world.student, area, disposition), voice=Voice.LEADER)

    assert surprises.unraised(report) == []


@pytest.mark.parametrize(
    "how",
    ["hidden", "whanau_own", "student_own", "before_period", "other_area", "other_student"],
)
def test_comments_that_do_not_raise_it(world, report, area, disposition, how):
    """Hidden, the family's own, before the period, or about something else: still held."""
    give_concern("area", report, area, disposition)
    goal = goal_about("area", world.student, area, disposition)
    if how == "hidden":
        comment(goal, hidden_at=timezone.now(), hidden_by=world.leader)
    elif how == "whanau_own":
        comment(goal, voice=Voice.WHANAU, author=world.whanau)
    elif how == "student_own":
        comment(goal, voice=Voice.STUDENT, author=world.student_user)
    elif how == "before_period":
        start = surprises.period_start(report)
        comment(goal, created_at=start - datetime.timedelta(minutes=1))
    elif how == "other_area":
        english = area_named(world, "English")
        comment(goal_about("area", world.student, english, disposition))
    else:
        comment(goal_about("area", world.classmate, area, disposition))

    assert held_with(report) == [("area", [world.link.whanau.pk])]


def test_a_comment_does_not_raise_the_support_note(world, report, area, disposition):
    """Learning support must be talked through, not left in a goal comment."""
    give_concern("support", report, area, disposition)
    comment(goal_about("area", world.student, area, disposition))

    assert held_with(report) == [("support", [world.link.whanau.pk])]


# --- The round's period ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "raised"), [(-1, False), (0, True)], ids=["minute-before", "first-moment"]
)
def test_the_period_starts_at_midnight_at_the_school(
    world, report, area, disposition, minutes, raised
):
    """A conversation on the period's first morning counts; one the night before does not."""
    world.school.timezone = "Pacific/Chatham"  # 45 minutes from the server's zone
    world.school.save(update_fields=["timezone"])
    report.round.school = world.school
    start = datetime.datetime.combine(
        report.round.period_starts_on,
        datetime.time.min,
        tzinfo=world.school.zone,
    )
    give_concern("support", report, area, disposition)
    talk(
        world.student,
        attended=[world.link.whanau],
        held_at=start + datetime.timedelta(minutes=minutes),
    )

    assert (surprises.unraised(report) == []) is raised


def test_a_conversation_before_the_period_does_not_raise_it(world, report, area, disposition):
    """Talked about last year: this round's report is still held."""
    give_concern("area", report, area, disposition)
    talk(
        world.student,
        attended=[world.link.whanau],
        goals=[goal_about("area", world.student, area, disposition)],
        held_at=surprises.period_start(report) - datetime.timedelta(days=1),
    )

    assert held_with(report) == [("area", [world.link.whanau.pk])]


def test_a_conversation_logged_for_later_does_not_raise_it(world, report, area, disposition):
    """A conversation booked for next week has not happened yet: still held."""
    give_concern("support", report, area, disposition)
    talk(
        world.student,
        attended=[world.link.whanau],
        held_at=timezone.now() + datetime.timedelta(days=7),
    )

    assert held_with(report) == [("support", [world.link.whanau.pk])]


# --- Who reads it ---------------------------------------------------------------------------


def test_separated_whanau_are_held_for_the_one_who_did_not_attend(world, report, area, disposition):
    """Mum came to the conversation, Dad (another household) did not: held for Dad only."""
    for kind in KINDS:
        give_concern(kind, report, area, disposition)
    dad = factories.WhanauLinkFactory(
        student=world.student, relationship="father", whanau__name="Zed Father"
    ).whanau
    talk(
        world.student,
        attended=[world.link.whanau],
        goals=[
            goal_about("area", world.student, area, disposition),
            goal_about("disposition", world.student, area, disposition),
        ],
    )

    assert held_with(report) == [
        ("area", [dad.pk]),
        ("support", [dad.pk]),
        ("disposition", [dad.pk]),
    ]


def test_a_no_access_link_is_never_a_reader(world, report, area, disposition):
    """The parent with no access is neither asked about nor counts as having been told."""
    no_access = world.student.whanau_links.get(has_access=False).whanau
    give_concern("support", report, area, disposition)
    talk(world.student, attended=[no_access])

    assert no_access not in surprises.readers_of(report)
    assert held_with(report) == [("support", [world.link.whanau.pk])]


def test_a_student_with_no_whanau_with_access_is_not_held(world, report, area, disposition):
    """Nobody reads it at home, so nobody is surprised: it may go."""
    classmate_report = Report.objects.get(round=report.round, student=world.classmate)
    factories.WhanauLinkFactory(student=world.classmate, has_access=False)
    for kind in KINDS:
        give_concern(kind, classmate_report, area, disposition)

    assert surprises.readers_of(classmate_report) == []
    assert surprises.unraised(classmate_report) == []


def test_the_check_costs_the_same_queries_however_much_was_said(world, report, area, disposition):
    """The check's queries do not grow with the conversations, comments or concerns."""

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            surprises.unraised(report)
        return len(queries)

    give_concern("area", report, area, disposition)
    goal = goal_about("disposition", world.student, area, disposition)
    comment(goal)
    talk(world.student, attended=[world.link.whanau], goals=[goal])
    few = count()
    give_concern("support", report, area, disposition)
    give_concern("disposition", report, area, disposition)
    factories.WhanauLinkFactory(student=world.student)
    for _ in range(4):
        goal = goal_about("disposition", world.student, area, disposition)
        comment(goal)
        talk(world.student, attended=[world.link.whanau], goals=[goal])

    assert count() == few
