"""The year rollover: a preview that writes nothing, then one confirm that does exactly what it
showed, once, at the leader's own school only."""

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from conversations.models import ConversationRound
from conversations.weekly.models import WeeklyUpdate
from partnerships.access import classes_visible_to
from partnerships.models import AuditEvent, Classroom, School, SignInCard, Student
from partnerships.year import services
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 16, 1, 0, tzinfo=datetime.UTC)  # Wed 2pm in Auckland
URL = "/school/year/"


@pytest.fixture
def school(world, time_machine):
    """Kōwhai School at the end of 2026: the world's two classes at year 4, and Tūī
    (a composite: two at year 5, one at year 6), and a year 6 top."""
    time_machine.move_to(TODAY, tick=False)
    School.objects.filter(pk=world.school.pk).update(year=2026)
    world.school.year = 2026
    tui = factories.ClassroomFactory(school=world.school, name="Tūī", year_level=5)
    for level in (5, 5, 6):
        factories.StudentFactory(school=world.school, classroom=tui, year_level=level)
    return world.school


def _counts() -> dict:
    """Rows of every table of the project's apps, and the students' classes and levels."""
    counts = {
        model._meta.label: model.objects.count()
        for app in ("partnerships", "learners", "conversations", "reports")
        for model in apps.get_app_config(app).get_models()
    }
    counts["students"] = list(
        Student.objects.order_by("pk").values_list("classroom_id", "year_level", "left_on")
    )
    counts["classes"] = list(
        Classroom.objects.order_by("pk").values_list("year_level", "archived_on")
    )
    return counts


def _body(school, **extra) -> dict:
    return {"from_year": school.year, "step": "1", "top_year": "6", **extra}


def _confirm(client, body: dict):
    """Preview the choices, then confirm what was previewed, as the page's buttons do."""
    preview = client.post(URL, {**body, "preview": "1"}).context["preview"]
    signed = {"previewed": preview.plan.signature()}
    return preview, client.post(URL, {**body, **signed, "confirm": "1"})


def test_page_shows_the_preview_of_the_usual_choices(client, world, school):
    """The page lists each class's students moving up, who leaves, and what closes."""
    factories.RoundFactory(school=school, title="Term 4 three-way conversations")
    client.force_login(world.leader)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Roll 2026 over into 2027" in page
    preview = response.context["preview"]
    assert preview.top_year == 6  # the highest year level in use
    assert preview.moving == 5  # three at year 4, two at year 5
    assert [s.year_level for s in preview.leavers] == [6]
    assert "The booking round “Term 4 three-way conversations” closes." in page
    assert "Kaiako stay with the classes they teach now" in page


def test_preview_writes_nothing(client, world, school):
    """Previewing any choices, on the page or by a POST with preview, changes no row."""
    before = _counts()
    client.force_login(world.leader)
    client.get(URL)
    body = _body(school, preview="1", **{f"new_{world.classroom.pk}": "Kea"})
    response = client.post(URL, body)
    assert response.status_code == 200
    assert response.context["preview"].new_classes == {"Kea": 5}
    assert _counts() == before


def test_confirm_moves_exactly_as_previewed(client, world, school):
    """The student's class goes to a new class, Kea; Tūī moves up as it is; year 6 leave."""
    tui = Classroom.objects.get(name="Tūī")
    body = _body(school, **{f"new_{world.classroom.pk}": "Kea"})
    client.force_login(world.leader)
    preview, response = _confirm(client, body)
    assert response.status_code == 302
    room9 = Classroom.objects.get(school=school, name="Kea")
    assert room9.year_level == 5
    moved = Student.objects.current().filter(school=school)
    other_room = world.other_student.classroom.name
    assert sorted(moved.values_list("classroom__name", "year_level")) == sorted(
        [("Kea", 5), ("Kea", 5), (other_room, 5), ("Tūī", 6), ("Tūī", 6)]
    )
    assert moved.count() == preview.moving
    left = Student.objects.filter(school=school, left_on__isnull=False)
    assert [s.pk for s in left] == [s.pk for s in preview.leavers]
    assert left.get().classroom is None
    world.classroom.refresh_from_db()
    tui.refresh_from_db()
    assert world.classroom.archived_on == timezone.localdate()  # left empty
    assert tui.year_level == 6
    assert tui.archived_on is None
    assert list(world.classroom.teachers.all()) == [world.teacher]  # teachers stay
    school.refresh_from_db()
    assert school.year == 2027


def test_a_class_with_two_year_levels(client, world, school):
    """Each student of a composite class moves up from their own year level, capped at 13."""
    tui = Classroom.objects.get(name="Tūī")
    factories.StudentFactory(school=school, classroom=tui, year_level=13)
    services.year_rollover(
        school=school,
        by=world.leader,
        from_year=2026,
        plan=services.Plan(step=2, top_year=14),  # nobody leaves (there is no year 14)
    )
    assert sorted(tui.students.values_list("year_level", flat=True)) == [7, 7, 8, 13]


def test_the_top_year_leaves(world, school):
    """Students at the top year level leave: read-only, out of class, cards revoked."""
    top = Student.objects.get(school=school, year_level=6)
    card = factories.SignInCardFactory(student=top)
    services.year_rollover(
        school=school, by=world.leader, from_year=2026, plan=services.Plan(top_year=6)
    )
    top.refresh_from_db()
    assert top.left_on == timezone.localdate()
    assert top.left_marked_at == timezone.now()
    assert top.classroom is None
    assert top.year_level == 6  # they leave at the level they reached
    assert not SignInCard.objects.active().filter(pk=card.pk).exists()
    event = AuditEvent.objects.filter(student=top).latest("pk")
    assert "Tūī" in event.summary


def test_double_confirm_rolls_over_once(client, world, school):
    """A second confirm (another tab, a double click) is told it is done, and changes nothing."""
    client.force_login(world.leader)
    preview, response = _confirm(client, _body(school))
    assert response.status_code == 302
    after_first = _counts()
    body = _body(school, confirm="1", previewed=preview.plan.signature())
    response = client.post(URL, body, follow=True)
    assert "already been rolled over: it is now 2027" in response.content.decode()
    assert _counts() == after_first
    assert AuditEvent.objects.filter(object_type="partnerships.school").count() == 1


def test_other_school_is_untouched(world, school):
    """Another school's students, classes and year stay as they were."""
    other = world.other_school_student
    other_year = School.objects.get(pk=world.other_school.pk).year
    services.year_rollover(
        school=school, by=world.leader, from_year=2026, plan=services.Plan(top_year=6)
    )
    other.refresh_from_db()
    assert (other.year_level, other.left_on) == (4, None)
    assert other.classroom.archived_on is None
    assert School.objects.get(pk=world.other_school.pk).year == other_year


def test_year_end_closes_rounds_and_unsent_updates(world, school):
    """Last year's open rounds close; written updates not sent go back to drafts, unsent."""
    conversation_round = factories.RoundFactory(school=school)
    other_round = factories.RoundFactory(school=world.other_school)
    week = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    update = WeeklyUpdate.objects.create(
        student=world.classmate,
        week=week,
        learned="Tides",
        status=WeeklyUpdate.Status.APPROVED,
        approved_at=timezone.now(),
        approved_by=world.teacher,
    )
    done = services.year_rollover(
        school=school, by=world.leader, from_year=2026, plan=services.Plan(top_year=6)
    )
    assert not ConversationRound.objects.get(pk=conversation_round.pk).is_open
    assert ConversationRound.objects.get(pk=other_round.pk).is_open
    update.refresh_from_db()
    assert update.status == WeeklyUpdate.Status.DRAFT
    assert update.queued_at is None
    assert any("kept as a draft" in line for line in done.year_end)


def test_a_new_class_may_not_take_an_archived_name(client, world, school):
    """An archived class's name for a new class is a field error, and nothing is written."""
    factories.ClassroomFactory(
        school=school, name="Pīwakawaka", archived_on=datetime.date(2025, 12, 1)
    )
    before = _counts()
    client.force_login(world.leader)
    _preview, response = _confirm(
        client, _body(school, **{f"new_{world.classroom.pk}": "pīwakawaka"})
    )
    assert response.status_code == 200
    assert "archived class called “Pīwakawaka”" in response.content.decode()
    assert _counts() == before


def test_moving_into_a_class_whose_students_move_on(world, school):
    """The student's class into Tūī while Tūī moves into a new class: nobody moves twice."""
    tui = Classroom.objects.get(name="Tūī")
    plan = services.Plan(
        top_year=6,
        classes={
            world.classroom.pk: services.ClassPlan(to_classroom_id=tui.pk),
            tui.pk: services.ClassPlan(new_name="Kākā"),
        },
    )
    services.year_rollover(school=school, by=world.leader, from_year=2026, plan=plan)
    assert sorted(tui.students.values_list("year_level", flat=True)) == [5, 5]
    assert sorted(
        Classroom.objects.get(name="Kākā").students.values_list("year_level", flat=True)
    ) == [6, 6]
    world.classroom.refresh_from_db()
    assert world.classroom.archived_on is not None


def test_choices_changed_after_the_preview_are_previewed_first(client, world, school):
    """Confirming choices other than those previewed writes nothing and shows their preview."""
    client.force_login(world.leader)
    preview = client.post(URL, _body(school, preview="1")).context["preview"]
    before = _counts()
    changed = _body(
        school,
        confirm="1",
        previewed=preview.plan.signature(),
        **{f"new_{world.classroom.pk}": "Kea"},
    )
    response = client.post(URL, changed)
    assert response.status_code == 200
    assert "Your choices changed after the preview" in response.content.decode()
    assert response.context["preview"].new_classes == {"Kea": 5}
    assert _counts() == before


def test_an_archived_class_leaves_its_teachers_pages(world, school):
    """Its teacher no longer has the archived class among theirs; its leaders still find it."""
    plan = services.Plan(
        top_year=6, classes={world.classroom.pk: services.ClassPlan(new_name="Kea")}
    )
    services.year_rollover(school=school, by=world.leader, from_year=2026, plan=plan)
    assert world.classroom not in classes_visible_to(world.teacher)
    assert world.classroom in classes_visible_to(world.leader)


def test_one_new_class_however_its_name_is_typed(world, school):
    """Two classes sent to “Kea” and “kea ” go into one new class, not two."""
    other = world.other_student.classroom
    plan = services.Plan(
        top_year=6,
        classes={
            world.classroom.pk: services.ClassPlan(new_name="Kea"),
            other.pk: services.ClassPlan(new_name="kea "),
        },
    )
    services.year_rollover(school=school, by=world.leader, from_year=2026, plan=plan)
    (kea,) = Classroom.objects.filter(school=school, name__iexact="kea")
    assert kea.name in {"Kea", "kea"}  # as typed for the first class in the list
    assert kea.students.count() == 3
