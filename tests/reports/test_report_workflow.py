"""A report's way home: draft → the student's reflection → ready → (a leader's approval) →
published, and who may take each step. Refusals write nothing; every write is audited."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from learners.models import Disposition, LearningArea
from partnerships.models import AuditEvent
from reports import publishing, services
from reports.models import DispositionProgress, Judgement, Report, ReportRound
from tests import factories

Status = Report.Status
TODAY = datetime.date(2026, 6, 1)


def make_round(world, name: str = "Mid-year 2026") -> ReportRound:
    return services.report_round_create(
        actor=world.leader,
        school=world.school,
        name=name,
        period_starts_on=TODAY - datetime.timedelta(days=90),
        due_on=TODAY,
        classes=[world.classroom],
    )


@pytest.fixture
def report(world) -> Report:
    return Report.objects.get(round=make_round(world), student=world.student)


def fresh(report: Report) -> Report:
    return Report.objects.get(pk=report.pk)


def trail(report: Report) -> list[tuple[int | None, str]]:
    """The report's audit rows, oldest first: who, and what."""
    rows = AuditEvent.objects.filter(object_type="reports.report", object_id=report.pk)
    return list(rows.order_by("at", "pk").values_list("actor_id", "summary"))


def area(world, name: str = "Mathematics and statistics") -> LearningArea:
    return LearningArea.objects.get(school=world.school, name=name)


def level(world, *, concern: bool):
    return next(each for each in services.scale_for(world.school) if each.is_concern is concern)


def save(world, report, actor=None, **changes) -> list[str]:
    values = {
        "teacher_comment": "Aroha has grown in confidence this term.",
        "support_note": "",
        "judgements": {},
        "dispositions": {},
    }
    return services.report_save(actor=actor or world.teacher, report=report, **(values | changes))


# --- Rounds ---------------------------------------------------------------------------------


def test_a_leader_opens_a_round_with_a_draft_for_each_student(world):
    """Opening “Mid-year 2026” gives every student of the class a draft report, audited."""
    round_ = make_round(world)

    reports = Report.objects.filter(round=round_)
    assert {each.student_id for each in reports} == {world.student.pk, world.classmate.pk}
    assert {each.status for each in reports} == {Status.DRAFT}
    assert AuditEvent.objects.filter(
        object_type="reports.reportround", object_id=round_.pk, actor=world.leader
    ).exists()
    lowest = services.scale_for(world.school)[0]
    assert (lowest.name, lowest.is_concern) == ("Working towards expectations", True)


@pytest.mark.parametrize("who", ["teacher", "whanau", "student_user", "other_school_leader"])
def test_only_the_schools_leaders_open_a_round(world, who):
    """A teacher, a parent, a student or another school's leader cannot open one."""
    with pytest.raises(PermissionDenied):
        services.report_round_create(
            actor=getattr(world, who),
            school=world.school,
            name="Mid-year",
            period_starts_on=TODAY,
            due_on=TODAY,
            classes=[world.classroom],
        )
    assert not ReportRound.objects.exists()


def test_a_round_with_bad_input_is_refused_with_each_reason(world):
    """No name, due before it starts, another school's class: each said, nothing made."""
    elsewhere = factories.ClassroomFactory(school=world.other_school)
    with pytest.raises(ValidationError) as refused:
        services.report_round_create(
            actor=world.leader,
            school=world.school,
            name="  ",
            period_starts_on=TODAY,
            due_on=TODAY - datetime.timedelta(days=1),
            classes=[world.classroom, elsewhere],
        )
    assert set(refused.value.message_dict) == {"name", "due_on", "classes"}
    assert not ReportRound.objects.exists()
    assert not Report.objects.exists()


def test_a_second_round_of_the_same_name_is_refused(world):
    """“mid-year 2026” again, in any case: told the school has one already."""
    make_round(world)
    with pytest.raises(ValidationError) as refused:
        make_round(world, name="MID-YEAR 2026")
    assert "already has a round" in refused.value.message_dict["name"][0]
    assert ReportRound.objects.count() == 1


def test_students_who_join_later_get_their_draft_once(world, report):
    """A new student gets a draft; asking again makes no second one. Audited on the round."""
    newcomer = factories.StudentFactory(school=world.school, classroom=world.classroom)

    assert services.reports_start_missing(actor=world.leader, round_=report.round) == 1
    assert services.reports_start_missing(actor=world.leader, round_=report.round) == 0

    assert Report.objects.filter(round=report.round, student=newcomer).count() == 1
    summaries = AuditEvent.objects.filter(
        object_type="reports.reportround", object_id=report.round.pk
    ).values_list("summary", flat=True)
    assert "Draft reports started for 1 students who joined since" in summaries
    with pytest.raises(PermissionDenied):
        services.reports_start_missing(actor=world.teacher, round_=report.round)


# --- Writing the school's part ------------------------------------------------------------


def test_the_teacher_writes_the_report_and_it_is_audited(world, report):
    """Comment, judgements and dispositions saved; the trail names the parts in words."""
    maths = area(world)
    resilient = Disposition.objects.get(school=world.school, name="Resilient")

    changed = save(
        world,
        report,
        judgements={maths.pk: {"level": level(world, concern=False).pk, "comment": " Fractions "}},
        dispositions={resilient.pk: {"progress": "growing", "comment": ""}},
    )

    assert changed == ["teacher_comment", "judgements", "dispositions"]
    judgement = Judgement.objects.get(report=report)
    assert (judgement.learning_area, judgement.comment) == (maths, "Fractions")
    assert DispositionProgress.objects.get(report=report).progress == "growing"
    assert fresh(report).written_by == world.teacher
    assert trail(report) == [
        (
            world.teacher.pk,
            "Report written: Teacher’s comment, Achievement in learning areas, "
            "Learning dispositions",
        )
    ]


def test_saving_the_same_again_changes_and_records_nothing(world, report):
    """A double submit of the same form writes one audit row, not two."""
    maths = area(world)
    judgements = {maths.pk: {"level": level(world, concern=False).pk, "comment": ""}}
    assert save(world, report, judgements=judgements)
    assert save(world, report, judgements=judgements) == []
    assert len(trail(report)) == 1


def test_a_missing_level_takes_the_area_off_the_report(world, report):
    """Clearing a learning area's level removes that judgement."""
    maths = area(world)
    save(world, report, judgements={maths.pk: {"level": level(world, concern=True).pk}})
    assert save(world, report, judgements={maths.pk: {"level": None}}) == ["judgements"]
    assert not Judgement.objects.filter(report=report).exists()


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ("other_school_area", "judgements"),
        ("other_school_level", "judgements"),
        ("unknown_area", "judgements"),
        ("other_school_disposition", "dispositions"),
        ("unknown_progress", "dispositions"),
        ("long_comment", "teacher_comment"),
        ("long_support", "support_note"),
        ("long_judgement_comment", "comments"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_changed(world, report, bad, field):
    """Another school's ids, made-up values or over-long text: refused, the report untouched."""
    maths = area(world)
    good_level = level(world, concern=False).pk
    other_area = LearningArea.objects.filter(school=world.other_school).first()
    other_level = services.scale_for(world.other_school)[0]
    other_disposition = Disposition.objects.filter(school=world.other_school).first()
    resilient = Disposition.objects.get(school=world.school, name="Resilient")
    changes = {
        "other_school_area": {"judgements": {other_area.pk: {"level": good_level}}},
        "other_school_level": {"judgements": {maths.pk: {"level": other_level.pk}}},
        "unknown_area": {"judgements": {10**9: {"level": good_level}}},
        "other_school_disposition": {
            "dispositions": {other_disposition.pk: {"progress": "growing"}}
        },
        "unknown_progress": {"dispositions": {resilient.pk: {"progress": "superb"}}},
        "long_comment": {"teacher_comment": "a" * 4001},
        "long_support": {"support_note": "a" * 2001},
        "long_judgement_comment": {
            "judgements": {maths.pk: {"level": good_level, "comment": "a" * 501}}
        },
    }[bad]
    before = fresh(report)

    with pytest.raises(ValidationError) as refused:
        save(world, report, **({"teacher_comment": "Changed"} | changes))

    assert set(refused.value.message_dict) == {field}
    message = refused.value.message_dict[field][0]
    assert message.startswith(("Choose", "Please keep this under"))
    after = fresh(report)
    assert (after.teacher_comment, after.support_note, after.updated_at) == (
        before.teacher_comment,
        before.support_note,
        before.updated_at,
    )
    assert not Judgement.objects.filter(report=report).exists()
    assert not DispositionProgress.objects.filter(report=report).exists()
    assert trail(report) == []


def test_comments_given_as_nothing_are_saved_as_blank(world, report):
    """A form that sends no comment at all saves the judgement with a blank comment."""
    maths = area(world)
    save(
        world,
        report,
        judgements={maths.pk: {"level": level(world, concern=False).pk, "comment": None}},
    )
    assert Judgement.objects.get(report=report).comment == ""


@pytest.mark.parametrize("who", ["other_teacher", "whanau", "student_user", "other_school_leader"])
def test_only_the_students_teachers_and_leaders_write_it(world, report, who):
    """Another class's teacher, whānau or the student cannot write the school's part."""
    with pytest.raises(PermissionDenied):
        save(world, report, actor=getattr(world, who))
    assert fresh(report).teacher_comment == ""
    assert trail(report) == []


# --- The moves --------------------------------------------------------------------------------


def test_the_way_home_without_approval(world, report):
    """Draft → reflection → ready → published by the teacher, each step audited by whom."""
    assert services.report_ask_reflection(actor=world.teacher, report=report)
    assert fresh(report).status == Status.REFLECTION
    services.report_reflect(
        actor=world.student_user, report=report, text="I am proud of my fractions."
    )
    after = fresh(report)
    assert (after.status, after.student_reflection) == (Status.READY, "I am proud of my fractions.")
    assert after.reflected_at is not None

    result = publishing.report_publish(actor=world.teacher, report=report)

    assert result.created
    assert fresh(report).status == Status.PUBLISHED
    assert trail(report) == [
        (world.teacher.pk, "Report given to the student to reflect on"),
        (world.student_user.pk, "Reflection written by the student"),
        (world.teacher.pk, "Report published (version 1)"),
    ]


def test_a_move_already_made_is_no_second_write(world, report):
    """Asking twice for a reflection (a double click) records it once."""
    assert services.report_ask_reflection(actor=world.teacher, report=report)
    assert not services.report_ask_reflection(actor=world.teacher, report=report)
    assert len(trail(report)) == 1


def test_a_move_from_the_wrong_place_is_refused_in_plain_words(world, report):
    """A published report cannot be asked for a reflection: said, and nothing changed."""
    services.report_mark_ready(actor=world.teacher, report=report)
    with pytest.raises(ValidationError) as refused:
        services.report_ask_reflection(actor=world.teacher, report=report)
    assert refused.value.messages == ["This report is “Ready” now, so that cannot be done."]
    assert fresh(report).status == Status.READY
    with pytest.raises(ValidationError):
        services.report_approve(
            actor=world.leader,
            report=Report.objects.get(round=report.round, student=world.classmate),
        )


@pytest.mark.parametrize("who", ["other_teacher", "whanau", "student_user", "other_school_leader"])
@pytest.mark.parametrize("move", ["report_ask_reflection", "report_mark_ready"])
def test_only_the_students_teachers_and_leaders_move_it(world, report, who, move):
    """Anyone else asking to move a report is refused, with nothing written."""
    with pytest.raises(PermissionDenied):
        getattr(services, move)(actor=getattr(world, who), report=report)
    assert fresh(report).status == Status.DRAFT
    assert trail(report) == []


def test_a_leader_moves_any_report_of_the_school(world, report):
    """The principal may hand a report on as its teacher would."""
    assert services.report_mark_ready(actor=world.leader, report=report)
    assert trail(report) == [(world.leader.pk, "Report marked ready")]


# --- Approval -------------------------------------------------------------------------------


def test_with_approval_on_a_teacher_waits_for_a_leader(world, report):
    """The school asks for approval: the teacher cannot publish until a leader approves."""
    world.school.reports_need_approval = True
    world.school.save(update_fields=["reports_need_approval"])
    services.report_mark_ready(actor=world.teacher, report=report)

    assert not publishing.may_publish(world.teacher, fresh(report))
    with pytest.raises(ValidationError) as refused:
        publishing.report_publish(actor=world.teacher, report=report)
    assert refused.value.messages == ["A leader approves this report before it goes home."]
    assert not fresh(report).is_published

    with pytest.raises(PermissionDenied):
        services.report_approve(actor=world.teacher, report=report)
    assert services.report_approve(actor=world.leader, report=report)
    assert publishing.report_publish(actor=world.teacher, report=report).created
    assert [summary for _actor, summary in trail(report)][-2:] == [
        "Report approved to go home",
        "Report published (version 1)",
    ]


def test_with_approval_on_a_leaders_publishing_is_their_approval(world, report):
    """The principal publishes a ready report straight away."""
    world.school.reports_need_approval = True
    world.school.save(update_fields=["reports_need_approval"])
    services.report_mark_ready(actor=world.teacher, report=report)

    assert publishing.report_publish(actor=world.leader, report=report).created


def test_with_approval_off_the_teacher_publishes_a_ready_report(world, report):
    """No approval asked for: ready is enough. A draft is not."""
    with pytest.raises(ValidationError) as refused:
        publishing.report_publish(actor=world.teacher, report=report)
    assert refused.value.messages == ["This report is not ready yet: mark it ready first."]
    services.report_mark_ready(actor=world.teacher, report=report)
    assert publishing.report_publish(actor=world.teacher, report=report).created


def test_changing_an_approved_report_asks_for_approval_again(world, report):
    """What the leader approved has changed: it goes back to ready."""
    world.school.reports_need_approval = True
    world.school.save(update_fields=["reports_need_approval"])
    services.report_mark_ready(actor=world.teacher, report=report)
    services.report_approve(actor=world.leader, report=report)

    save(world, report, teacher_comment="A new sentence.")

    assert fresh(report).status == Status.READY


@pytest.mark.parametrize("who", ["teacher", "other_teacher", "whanau", "other_school_leader"])
def test_only_the_schools_leaders_approve(world, report, who):
    """A teacher, a parent or another school's leader cannot approve."""
    services.report_mark_ready(actor=world.teacher, report=report)
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=getattr(world, who), report=report)
    assert fresh(report).status == Status.READY


@pytest.mark.parametrize("who", ["other_teacher", "whanau", "student_user", "other_school_leader"])
def test_only_the_students_teachers_and_leaders_publish(world, report, who):
    """Anyone else publishing is refused: no version, no email, no audit row."""
    services.report_mark_ready(actor=world.teacher, report=report)
    with pytest.raises(PermissionDenied):
        publishing.report_publish(actor=getattr(world, who), report=report)
    assert not report.versions.exists()
    assert [summary for _actor, summary in trail(report)] == ["Report marked ready"]


# --- The student's reflection ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["teacher", "whanau", "leader", "anonymous"])
def test_only_the_student_writes_their_reflection(world, report, who):
    """Their teacher, whānau or someone signed out cannot write it for them."""
    services.report_ask_reflection(actor=world.teacher, report=report)
    actor = AnonymousUser() if who == "anonymous" else getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.report_reflect(actor=actor, report=report, text="I did well.")
    assert fresh(report).student_reflection == ""


def test_nobody_signed_out_writes_for_a_student_with_no_sign_in(world, report):
    """A young child with no sign-in of their own: nobody writes as them."""
    classmate_report = Report.objects.get(round=report.round, student=world.classmate)
    assert world.classmate.user_id is None
    services.report_ask_reflection(actor=world.teacher, report=classmate_report)
    with pytest.raises(PermissionDenied):
        services.report_reflect(actor=AnonymousUser(), report=classmate_report, text="Hi.")
    assert fresh(classmate_report).student_reflection == ""


def test_the_student_writes_only_when_asked(world, report):
    """Before the teacher asks, and once ready without asking, the student is told not yet."""
    with pytest.raises(ValidationError) as refused:
        services.report_reflect(actor=world.student_user, report=report, text="I did well.")
    assert refused.value.messages == ["Your teacher is not asking for a reflection just now."]
    services.report_mark_ready(actor=world.teacher, report=report)
    with pytest.raises(ValidationError):
        services.report_reflect(actor=world.student_user, report=report, text="I did well.")
    assert fresh(report).student_reflection == ""
    assert [summary for _actor, summary in trail(report)] == ["Report marked ready"]


def test_the_student_may_rewrite_until_it_goes_home(world, report):
    """A second go at the reflection while ready; none once published."""
    services.report_ask_reflection(actor=world.teacher, report=report)
    services.report_reflect(actor=world.student_user, report=report, text="First go.")
    services.report_reflect(actor=world.student_user, report=report, text="Second go.")
    assert fresh(report).student_reflection == "Second go."
    publishing.report_publish(actor=world.teacher, report=report)
    with pytest.raises(ValidationError):
        services.report_reflect(actor=world.student_user, report=report, text="Third go.")
    assert fresh(report).student_reflection == "Second go."


def test_a_correction_asks_again_before_the_student_rewrites(world, report):
    """After publishing, the old reflection is no licence to rewrite: the teacher asks anew."""
    services.report_ask_reflection(actor=world.teacher, report=report)
    services.report_reflect(actor=world.student_user, report=report, text="First go.")
    publishing.report_publish(actor=world.teacher, report=report)
    save(world, report, teacher_comment="Corrected.")
    services.report_mark_ready(actor=world.teacher, report=report)

    with pytest.raises(ValidationError):
        services.report_reflect(actor=world.student_user, report=report, text="Rewritten.")
    assert fresh(report).student_reflection == "First go."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Write a few words about your learning."),
        ("a" * 4001, "Please keep this under 4000 characters (it has 4001)."),
    ],
)
def test_an_empty_or_over_long_reflection_is_refused(world, report, text, message):
    """Nothing, or more than fits: said plainly, and the report is still waiting."""
    services.report_ask_reflection(actor=world.teacher, report=report)
    with pytest.raises(ValidationError) as refused:
        services.report_reflect(actor=world.student_user, report=report, text=text)
    assert refused.value.message_dict == {"text": [message]}
    assert fresh(report).status == Status.REFLECTION


def test_a_student_cannot_reflect_on_a_classmates_report(world, report):
    """Another student's report id: refused, nothing written."""
    classmate_report = Report.objects.get(round=report.round, student=world.classmate)
    services.report_ask_reflection(actor=world.teacher, report=classmate_report)
    with pytest.raises(PermissionDenied):
        services.report_reflect(actor=world.student_user, report=classmate_report, text="Hi.")
    assert fresh(classmate_report).student_reflection == ""


def test_the_reflection_is_timed_when_written(world, report, time_machine):
    """The report records when the student wrote it."""
    time_machine.move_to(timezone.now(), tick=False)
    services.report_ask_reflection(actor=world.teacher, report=report)
    services.report_reflect(actor=world.student_user, report=report, text="Done.")
    assert fresh(report).reflected_at == timezone.now()
