"""The inquiry cycle for priority learners: adding steps, who sees them, the page, the figures."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from learners.access import inquiry_steps_visible_to
from learners.inquiry import inquiry_step_add, inquiry_summary, with_inquiry
from learners.models import InquiryStep
from partnerships.models import AuditEvent, School, Student, User, Voice
from tests import factories

pytestmark = pytest.mark.django_db

Stage = InquiryStep.Stage
NOW = datetime.datetime(2026, 8, 20, 9, 0, tzinfo=datetime.UTC)


def _shared_step(world, stage=Stage.KNOW, **fields) -> InquiryStep:
    return factories.InquiryStepFactory(
        student=world.student,
        stage=stage,
        author=world.teacher,
        shared_with_whanau=True,
        **fields,
    )


def _writes() -> tuple:
    """What an inquiry write may touch: its steps, the audit trail, who is a priority."""
    return (
        InquiryStep.objects.count(),
        AuditEvent.objects.count(),
        list(Student.objects.filter(is_priority_learner=True).values_list("pk", flat=True)),
    )


# Adding a step ----------------------------------------------------------------------------------


def test_staff_add_a_step_at_any_stage_and_it_is_audited(world):
    """A teacher's step carries their voice, is private unless shared, and leaves an audit row."""
    step = inquiry_step_add(
        actor=world.teacher, student=world.student, stage=Stage.IMPACT, text=" Reads to Nana. "
    )
    assert (step.stage, step.text, step.voice, step.author) == (
        Stage.IMPACT,
        "Reads to Nana.",
        Voice.TEACHER,
        world.teacher,
    )
    assert step.shared_with_whanau is False
    event = AuditEvent.objects.get(object_type="learners.inquirystep", object_id=step.pk)
    assert (event.action, event.actor, event.student) == (
        AuditEvent.Action.CREATED,
        world.teacher,
        world.student,
    )
    assert event.summary == "Inquiry step added: Evidence of impact"


def test_a_leader_speaks_as_a_leader_and_may_share(world):
    """A leader's shared step says so, in the step and in the audit summary."""
    step = inquiry_step_add(
        actor=world.leader,
        student=world.student,
        stage=Stage.KNOW,
        text="Loves waiata.",
        shared=True,
    )
    assert (step.voice, step.shared_with_whanau) == (Voice.LEADER, True)
    assert AuditEvent.objects.get(object_id=step.pk).summary.endswith("(shared with whānau)")


def test_a_first_why_step_makes_a_priority_learner_once(world):
    """Staff identifying a student makes them a priority learner, audited once, in one go."""
    assert not world.student.is_priority_learner
    for text in ("Avoids maths time.", "And reading too."):
        inquiry_step_add(
            actor=world.teacher, student=world.student, stage=Stage.IDENTIFY, text=text
        )
    assert Student.objects.get(pk=world.student.pk).is_priority_learner
    assert world.student.is_priority_learner  # the caller's object says so too
    made = AuditEvent.objects.filter(
        object_type="partnerships.student",
        action=AuditEvent.Action.CHANGED,
        student=world.student,
    )
    assert list(made.values_list("summary", flat=True)) == [
        "Now a priority learner: the inquiry has begun"
    ]


def test_other_stages_do_not_make_a_priority_learner(world):
    """Only a "why" step starts an inquiry: knowing the learner is not identifying them."""
    inquiry_step_add(actor=world.teacher, student=world.student, stage=Stage.KNOW, text="Kind.")
    assert not Student.objects.get(pk=world.student.pk).is_priority_learner


def test_whanau_add_only_to_a_stage_shared_with_them(world):
    """Whānau are refused a stage with nothing shared; on a shared one their step is shared."""
    factories.InquiryStepFactory(student=world.student, stage=Stage.RESPOND)  # school only
    before = _writes()
    for stage in (Stage.KNOW, Stage.RESPOND):
        with pytest.raises(PermissionDenied):
            inquiry_step_add(actor=world.whanau, student=world.student, stage=stage, text="Hi")
    assert _writes() == before
    _shared_step(world, Stage.KNOW)
    step = inquiry_step_add(
        actor=world.whanau, student=world.student, stage=Stage.KNOW, text="She sings at home."
    )
    assert (step.voice, step.shared_with_whanau, step.author) == (
        Voice.WHANAU,
        True,
        world.whanau,
    )
    assert AuditEvent.objects.filter(object_id=step.pk, actor=world.whanau).exists()


def test_whanau_adding_to_a_shared_why_stage_do_not_make_a_priority_learner(world):
    """Only staff decide who is a priority learner."""
    _shared_step(world, Stage.IDENTIFY)
    inquiry_step_add(actor=world.whanau, student=world.student, stage=Stage.IDENTIFY, text="Yes")
    assert not Student.objects.get(pk=world.student.pk).is_priority_learner


@pytest.mark.parametrize(
    "role",
    ["student_user", "other_teacher", "no_access_whanau", "other_whanau", "other_school_leader"],
)
def test_anyone_else_is_refused_and_nothing_changes(world, role):
    """The student, other staff and other families may not add a step, even to a shared stage."""
    _shared_step(world, Stage.KNOW)
    before = _writes()
    with pytest.raises(PermissionDenied):
        inquiry_step_add(
            actor=getattr(world, role), student=world.student, stage=Stage.IDENTIFY, text="Hi"
        )
    with pytest.raises(PermissionDenied):
        inquiry_step_add(
            actor=getattr(world, role), student=world.student, stage=Stage.KNOW, text="Hi"
        )
    assert _writes() == before


def test_signed_out_is_refused(world):
    """Nobody signed in adds anything."""
    with pytest.raises(PermissionDenied):
        inquiry_step_add(
            actor=AnonymousUser(), student=world.student, stage=Stage.IDENTIFY, text="Hi"
        )
    assert not InquiryStep.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"stage": "celebrate"}, "stage", "Choose a stage of the inquiry."),
        ({"text": "   "}, "text", "Write a few words for this step."),
        ({"text": "x" * 4001}, "text", "Please keep a step under 4000 characters (it has 4001)."),
        ({"where": "marae"}, "where", "Choose at school, at home or both."),
    ],
)
def test_bad_input_is_a_clear_message_and_nothing_is_written(world, fields, field, message):
    """A stage not in the cycle, empty or overlong text, or an unknown place: said, not saved."""
    before = _writes()
    data = {"stage": Stage.IDENTIFY, "text": "Avoids maths time."} | fields
    with pytest.raises(ValidationError) as error:
        inquiry_step_add(actor=world.teacher, student=world.student, **data)
    assert error.value.message_dict == {field: [message]}
    assert _writes() == before


def test_where_is_kept_on_deliberate_actions_only(world):
    """At school, at home or both says where an action happens; other stages have no place."""
    action = inquiry_step_add(
        actor=world.teacher, student=world.student, stage=Stage.RESPOND, text="Buddy", where="both"
    )
    note = inquiry_step_add(
        actor=world.teacher, student=world.student, stage=Stage.KNOW, text="Kind", where="home"
    )
    assert (action.where, note.where) == ("both", "")


def test_the_database_keeps_whanau_steps_shared(world):
    """A whānau step written as private is refused by the database itself."""
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.InquiryStepFactory(
            student=world.student, voice=Voice.WHANAU, shared_with_whanau=False
        )


# Who sees which steps ---------------------------------------------------------------------------


def test_staff_see_every_step_whanau_the_shared_ones_the_student_none(world):
    """Staff of the student see all; whānau with access the shared; the child and others none."""
    private = factories.InquiryStepFactory(student=world.student, stage=Stage.IDENTIFY)
    shared = _shared_step(world)
    factories.InquiryStepFactory(student=world.other_student, shared_with_whanau=True)
    mine = {private.pk, shared.pk}
    assert set(inquiry_steps_visible_to(world.teacher).values_list("pk", flat=True)) >= mine
    assert (
        set(
            inquiry_steps_visible_to(world.leader)
            .filter(student=world.student)
            .values_list("pk", flat=True)
        )
        == mine
    )
    assert list(inquiry_steps_visible_to(world.whanau).values_list("pk", flat=True)) == [shared.pk]
    for role in ("student_user", "other_teacher", "no_access_whanau", "other_school_leader"):
        assert not inquiry_steps_visible_to(getattr(world, role)).filter(student=world.student)
    assert not inquiry_steps_visible_to(AnonymousUser()).exists()


# The page ---------------------------------------------------------------------------------------


def _url(world) -> str:
    return reverse("inquiry_detail", args=[world.student.pk])


def test_staff_see_the_cycle_in_order_with_the_profile_and_who_sees_what(client, world):
    """Five stages in cycle order; under knowing the learner, the profile and a link to edit it."""
    Student.objects.filter(pk=world.student.pk).update(
        is_priority_learner=True, strengths="Builds with blocks", aspirations="A vet"
    )
    factories.InquiryStepFactory(
        student=world.student, stage=Stage.IDENTIFY, author=world.leader, text="Avoids maths."
    )
    _shared_step(world, Stage.RESPOND, where="home", text="Counting games at dinner.")
    client.force_login(world.teacher)
    page = client.get(_url(world)).content.decode()
    labels = [str(stage.label) for stage in Stage]
    assert [page.index(f">{label}</h2>") for label in labels] == sorted(
        page.index(f">{label}</h2>") for label in labels
    )
    assert "Builds with blocks" in page
    assert "A vet" in page
    assert reverse("student_edit", args=[world.student.pk]) in page
    assert "Avoids maths." in page
    assert world.leader.name in page
    assert "School only" in page
    assert "Shared with whānau" in page
    assert "At home" in page
    assert "Priority learner" in page
    viewed = AuditEvent.objects.get(action=AuditEvent.Action.VIEWED, actor=world.teacher)
    assert (viewed.student, viewed.summary) == (world.student, "The inquiry")


def test_staff_start_an_inquiry_for_a_student_who_is_not_yet_a_priority(client, world):
    """With no steps yet, staff are asked why; saving it makes a priority learner (PRG)."""
    client.force_login(world.teacher)
    page = client.get(_url(world)).content.decode()
    assert "Start an inquiry" in page
    assert 'name="stage" value="identify"' in page
    response = client.post(_url(world), {"stage": "identify", "text": "Avoids maths time."})
    assert response.status_code == 302
    assert response.url == _url(world) + "#stage-identify"
    assert Student.objects.get(pk=world.student.pk).is_priority_learner
    page = client.get(response.url).content.decode()
    assert "Avoids maths time." in page
    assert "Start an inquiry" not in page


def test_staff_add_a_shared_step_from_the_page(client, world):
    """The form's choices reach the service: stage, text, where and sharing."""
    Student.objects.filter(pk=world.student.pk).update(is_priority_learner=True)
    client.force_login(world.leader)
    data = {"stage": "respond", "text": "Buddy reading.", "where": "school", "shared": "on"}
    response = client.post(_url(world), data)
    assert response.status_code == 302
    step = InquiryStep.objects.get()
    assert (step.stage, step.where, step.shared_with_whanau, step.voice) == (
        "respond",
        "school",
        True,
        Voice.LEADER,
    )


def test_a_bad_post_shows_the_page_again_with_the_error(client, world):
    """Empty text: the page again (200) saying what to fix, and nothing written."""
    _shared_step(world)
    client.force_login(world.teacher)
    before = _writes()
    response = client.post(_url(world), {"stage": "know", "text": "  "})
    assert response.status_code == 200
    assert "Write a few words for this step." in response.content.decode()
    assert _writes() == before


def test_whanau_see_what_is_shared_and_add_to_those_stages(client, world):
    """Whānau see the shared steps only, may choose only shared stages, and their step is kept."""
    Student.objects.filter(pk=world.student.pk).update(is_priority_learner=True)
    factories.InquiryStepFactory(student=world.student, stage=Stage.IDENTIFY, text="Why: private")
    _shared_step(world, Stage.KNOW, text="Loves the worm farm.")
    client.force_login(world.whanau)
    page = client.get(_url(world)).content.decode()
    assert "Loves the worm farm." in page
    assert "Why: private" not in page
    assert "Why a priority" not in page
    assert "Priority learner" not in page
    assert "School only" not in page
    assert reverse("student_edit", args=[world.student.pk]) not in page
    assert '<option value="know"' in page
    assert '<option value="identify"' not in page
    response = client.post(_url(world), {"stage": "know", "text": "He feeds the worms at home."})
    assert response.status_code == 302
    assert InquiryStep.objects.filter(author=world.whanau, voice=Voice.WHANAU).exists()


def test_whanau_cannot_post_to_a_stage_not_shared_with_them(client, world):
    """A forged stage is a form error on the page again; nothing is written."""
    _shared_step(world, Stage.KNOW)
    client.force_login(world.whanau)
    before = _writes()
    response = client.post(_url(world), {"stage": "identify", "text": "Let me in"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert _writes() == before


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ValidationError({"text": "Said by the service."}), 200),
        (PermissionDenied("Refused by the service."), 404),
    ],
)
def test_what_the_service_says_reaches_the_page(client, world, monkeypatch, error, status):
    """A message the form could not foresee shows on the form; a refusal is a 404, never a 403."""
    _shared_step(world)

    def refuse(**kwargs):
        raise error

    monkeypatch.setattr("learners.inquiry.inquiry_step_add", refuse)
    client.force_login(world.whanau)
    response = client.post(_url(world), {"stage": "know", "text": "Hi"})
    assert response.status_code == status
    if status == 200:
        assert "Said by the service." in response.content.decode()


def test_whanau_with_nothing_shared_find_no_page(client, world):
    """A private inquiry, or none, is a 404 for whānau: GET and POST, nothing written."""
    factories.InquiryStepFactory(student=world.student, stage=Stage.IDENTIFY)
    client.force_login(world.whanau)
    before = _writes()
    assert client.get(_url(world)).status_code == 404
    assert client.post(_url(world), {"stage": "know", "text": "Hi"}).status_code == 404
    assert _writes() == before


@pytest.mark.parametrize("role", ["student_user", "other_teacher", "other_whanau"])
def test_the_student_and_outsiders_find_no_page(client, world, role):
    """Even with steps shared with whānau, the child and outsiders get a 404 and change nothing."""
    _shared_step(world)
    client.force_login(getattr(world, role))
    before = _writes()
    assert client.get(_url(world)).status_code == 404
    assert client.post(_url(world), {"stage": "know", "text": "Hi"}).status_code == 404
    assert _writes() == before


def test_signed_out_is_sent_to_sign_in(client, world):
    """The page asks who you are first."""
    response = client.get(_url(world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_student_page_links_to_the_inquiry_for_staff_and_for_whanau_once_shared(client, world):
    """Staff always see the button; whānau once a priority learner's stage is shared; never the
    student."""
    url = _url(world)
    client.force_login(world.teacher)
    assert url in client.get(reverse("student_detail", args=[world.student.pk])).content.decode()
    client.force_login(world.whanau)
    student_page = reverse("student_detail", args=[world.student.pk])
    assert url not in client.get(student_page).content.decode()
    _shared_step(world)
    Student.objects.filter(pk=world.student.pk).update(is_priority_learner=True)
    assert url in client.get(student_page).content.decode()
    client.force_login(world.student_user)
    assert url not in client.get(student_page).content.decode()


# The figures for dashboards ---------------------------------------------------------------------


def _priority(school, *steps: tuple[str, int]) -> Student:
    """A priority learner with steps at (stage, days before NOW)."""
    student = factories.StudentFactory(school=school, is_priority_learner=True)
    for stage, days in steps:
        factories.InquiryStepFactory(
            student=student, stage=stage, created_at=NOW - datetime.timedelta(days=days)
        )
    return student


def test_with_inquiry_gives_each_student_their_latest_stage_and_when(world):
    """The latest step by date (not by order written) gives the stage; no step gives None."""
    student = _priority(world.school, (Stage.RESPOND, 3), (Stage.IDENTIFY, 30), (Stage.KNOW, 20))
    rows = {
        row.pk: (row.inquiry_stage, row.inquiry_last_at)
        for row in with_inquiry(Student.objects.filter(pk__in=[student.pk, world.classmate.pk]))
    }
    assert rows == {
        student.pk: (Stage.RESPOND, NOW - datetime.timedelta(days=3)),
        world.classmate.pk: (None, None),
    }


def test_inquiry_summary_counts_priority_learners_at_each_stage(world):
    """Not started first, then the cycle; the oldest wait per stage; only the given students'
    priority learners count."""
    school = world.school
    _priority(school)  # not started
    _priority(school)
    _priority(school, (Stage.IDENTIFY, 50), (Stage.KNOW, 45))
    _priority(school, (Stage.KNOW, 10))
    _priority(school, (Stage.IDENTIFY, 30), (Stage.REFOCUS, 2))
    not_priority = factories.StudentFactory(school=school)
    factories.InquiryStepFactory(student=not_priority, stage=Stage.IMPACT)
    _priority(world.other_school, (Stage.IMPACT, 1))  # not among the students asked about
    summary = inquiry_summary(Student.objects.filter(school=school), now=NOW)
    assert summary == [
        {"stage": "", "label": "Not started", "count": 2, "oldest_days": None},
        {"stage": "identify", "label": "Why a priority", "count": 0, "oldest_days": None},
        {"stage": "know", "label": "Knowing the learner", "count": 2, "oldest_days": 45},
        {"stage": "respond", "label": "Deliberate actions", "count": 0, "oldest_days": None},
        {"stage": "impact", "label": "Evidence of impact", "count": 0, "oldest_days": None},
        {"stage": "refocus", "label": "Next focus", "count": 1, "oldest_days": 2},
    ]


def test_inquiry_summary_of_no_priority_learners_is_all_zeros(world):
    """A class with none still has a row for each stage, every count 0."""
    summary = inquiry_summary(Student.objects.filter(pk=world.student.pk), now=NOW)
    assert [row["count"] for row in summary] == [0] * 6


def test_inquiry_summary_takes_a_queryset_with_joins_and_ordering(world):
    """A students queryset that joins (and could repeat a student) still counts each once."""
    student = _priority(world.school, (Stage.KNOW, 4))
    factories.WhanauLinkFactory(student=student)
    factories.WhanauLinkFactory(student=student)
    students = Student.objects.filter(whanau_links__has_access=True).order_by("first_name")
    know = inquiry_summary(students, now=NOW)[2]
    assert (know["stage"], know["count"]) == ("know", 1)


def test_inquiry_summary_is_one_query_however_many_learners(world, django_assert_num_queries):
    """One SQL query by aggregation, the same with three priority learners as with thirty."""
    students = Student.objects.filter(school=world.school)
    for size in (3, 30):
        while Student.objects.filter(school=world.school, is_priority_learner=True).count() < size:
            _priority(world.school, (Stage.KNOW, 5), (Stage.RESPOND, 1))
        with django_assert_num_queries(1):
            summary = inquiry_summary(students, now=NOW)
        assert summary[3]["count"] == size


def test_with_inquiry_lists_students_in_one_query(world, django_assert_num_queries):
    """The annotations are subqueries: listing students with their stage is one query."""
    for _ in range(5):
        _priority(world.school, (Stage.IDENTIFY, 9))
    with django_assert_num_queries(1):
        stages = [
            s.inquiry_stage for s in with_inquiry(Student.objects.filter(school=world.school))
        ]
    assert stages.count(Stage.IDENTIFY) == 5


# The demo ---------------------------------------------------------------------------------------


def test_the_demo_has_inquiries_at_every_kind_of_stage_once(client):
    """Priority learners at different stages, one stalled over six weeks, one not started,
    and the demo whānau can see and add to a shared stage; seeding again changes nothing."""
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    school = School.objects.get(name="Kōwhai Primary School")
    students = Student.objects.filter(school=school)
    summary = {row["stage"]: row for row in inquiry_summary(students, now=timezone.now())}
    assert summary[""]["count"] >= 1
    assert len([stage for stage, row in summary.items() if stage and row["count"]]) >= 4
    assert max(row["oldest_days"] or 0 for row in summary.values()) > 42
    assert InquiryStep.objects.filter(student__school=school, voice=Voice.WHANAU).count() == 1
    whanau = User.objects.get(email="whanau@kowhai.example")
    shared = inquiry_steps_visible_to(whanau)
    assert shared.exists()
    client.force_login(whanau)
    client.post(reverse("privacy_notice_read"))  # the first sign-in's notice, read
    assert client.get(reverse("inquiry_detail", args=[shared[0].student_id])).status_code == 200
    steps = InquiryStep.objects.count()
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    assert InquiryStep.objects.count() == steps
