"""Evidence that shows other children is held from whānau and the student until a teacher has
checked the class's consent and confirmed it may be shared."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from learners import services
from learners.access import evidence_visible_to
from learners.models import Evidence
from partnerships.models import AuditEvent, MediaConsent, Notice, Student
from tests import factories
from tests.factories import PNG

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HELD_BADGE = "Held: shows other children"
CONFIRM = "Confirm it may be shared"


def _photo(name="class-trip.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _add(client, user, world, **data):
    client.force_login(user)
    return client.post(reverse("evidence_add", args=[world.goal.pk]), data)


def _page(client, user, world) -> str:
    client.force_login(user)
    return client.get(world.goal.get_absolute_url()).content.decode()


def _file(client, user, evidence):
    client.force_login(user)
    response = client.get(reverse("evidence_file", args=[evidence.pk]))
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def _confirm(client, user, evidence):
    client.force_login(user)
    return client.post(reverse("evidence_confirm", args=[evidence.pk]))


@pytest.fixture
def held(client, world):
    """A photo the teacher added, ticked as showing other children."""
    _add(
        client,
        world.teacher,
        world,
        note="Our trip to the museum",
        file=_photo(),
        shows_others="on",
    )
    return Evidence.objects.get()


def test_the_teacher_sees_held_evidence_with_its_badge_and_the_children_to_check(
    client, world, held
):
    """The teacher sees the photo, the badge, the class's children whose whānau chose only
    their own whānau (not those who agreed to class displays), and the button."""
    agreed = factories.StudentFactory(school=world.school, classroom=world.classroom)
    Student.objects.filter(pk=agreed.pk).update(media_consent=MediaConsent.CLASS_DISPLAYS)
    page = _page(client, world.teacher, world)
    assert "Our trip to the museum" in page
    assert HELD_BADGE in page
    assert CONFIRM in page
    kept = page.split(f'id="kept-to-whanau-{held.pk}"')[1].split("</p>")[0]
    assert world.classmate.full_name in kept
    assert agreed.full_name not in kept
    assert world.other_student.full_name not in page  # another class's child
    assert _file(client, world.teacher, held) == 200


@pytest.mark.parametrize("person", ["whanau", "student_user"])
def test_held_evidence_is_invisible_to_whanau_and_the_student(client, world, held, person):
    """Not on the goal page, not its file, not in the goal's history, nowhere in their scope."""
    user = getattr(world, person)
    page = _page(client, user, world)
    assert "Our trip to the museum" not in page
    assert HELD_BADGE not in page
    assert reverse("evidence_file", args=[held.pk]) not in page
    assert "No evidence yet" in page
    assert _file(client, user, held) == 404
    history = client.get(reverse("goal_history", args=[world.goal.pk])).content.decode()
    assert "Evidence added" not in history
    assert not evidence_visible_to(user).exists()
    home = client.get(reverse("home")).content.decode()
    assert "Our trip to the museum" not in home
    assert not Notice.objects.exists()  # nobody was told of it


def test_confirming_releases_it_to_whanau_and_is_audited(client, world, held):
    response = _confirm(client, world.teacher, held)
    assert response.status_code == 302
    assert response.url == world.goal.get_absolute_url("evidence")
    page = client.get(response.url).content.decode()
    assert "whānau and the student can see it now" in page
    assert HELD_BADGE not in page
    held.refresh_from_db()
    assert held.confirmed_by == world.teacher
    event = AuditEvent.objects.get(object_type="learners.goal", action="changed")
    assert event.actor == world.teacher
    assert event.summary == "Evidence shared (Photo), checked for other children"

    whanau_page = _page(client, world.whanau, world)
    assert "Our trip to the museum" in whanau_page
    assert HELD_BADGE not in whanau_page
    assert _file(client, world.whanau, held) == 200
    assert _file(client, world.student_user, held) == 200
    history = client.get(reverse("goal_history", args=[world.goal.pk])).content.decode()
    assert "Evidence shared (Photo)" in history


def test_confirming_twice_is_harmless(client, world, held):
    """The second confirm says it was already shared, and writes nothing."""
    _confirm(client, world.teacher, held)
    confirmed_at = Evidence.objects.get().confirmed_at
    response = _confirm(client, world.leader, held)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "It was already shared: nothing has changed." in page
    held.refresh_from_db()
    assert (held.confirmed_at, held.confirmed_by) == (confirmed_at, world.teacher)
    assert AuditEvent.objects.filter(object_type="learners.goal", action="changed").count() == 1


@pytest.mark.parametrize(
    "person", ["whanau", "student_user", "other_teacher", "other_whanau", "other_school_leader"]
)
def test_only_the_students_staff_confirm(client, world, held, person):
    """Whānau, the student and anyone outside: no such page, still held."""
    assert _confirm(client, getattr(world, person), held).status_code == 404
    held.refresh_from_db()
    assert held.confirmed_at is None
    with pytest.raises(PermissionDenied):
        services.evidence_confirm(actor=getattr(world, person), evidence_id=held.pk)


def test_confirm_takes_only_posts(client, world, held):
    client.force_login(world.teacher)
    assert client.get(reverse("evidence_confirm", args=[held.pk])).status_code == 405


@pytest.mark.parametrize("person", ["whanau", "student_user"])
def test_a_photo_whanau_or_the_student_tick_is_held_too(client, world, person):
    """They are thanked and told a kaiako will check it; it does not show for them yet, and
    the teacher finds it held."""
    user = getattr(world, person)
    response = _add(client, user, world, file=_photo("party.png"), shows_others="on")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "a kaiako will check it may be shared" in page
    evidence = Evidence.objects.get()
    assert evidence.shows_others
    assert evidence.confirmed_at is None
    assert _file(client, user, evidence) == 404
    assert HELD_BADGE in _page(client, world.teacher, world)


def test_a_pdf_can_be_held(client, world):
    upload = SimpleUploadedFile("group-work.pdf", PDF, content_type="application/pdf")
    _add(client, world.teacher, world, file=upload, shows_others="on")
    evidence = Evidence.objects.get()
    assert evidence.kind == Evidence.Kind.PDF
    assert evidence.shows_others
    assert "group-work.pdf" not in _page(client, world.whanau, world)
    assert _file(client, world.whanau, evidence) == 404


def test_a_note_alone_is_never_held(client, world):
    """A note shows no child: the box is ignored and whānau see it."""
    _add(client, world.teacher, world, note="Read to the class today.", shows_others="on")
    assert Evidence.objects.get().shows_others is False
    assert "Read to the class today." in _page(client, world.whanau, world)


def test_unticked_evidence_is_shared_at_once(client, world):
    _add(client, world.teacher, world, note="Solo photo", file=_photo())
    evidence = Evidence.objects.get()
    assert not evidence.shows_others
    assert "Solo photo" in _page(client, world.whanau, world)
    assert _file(client, world.whanau, evidence) == 200


# Whānau narrowing their consent --------------------------------------------------------


@pytest.fixture
def narrowing(world):
    """The classmate's whānau, who had agreed to class displays."""
    Student.objects.filter(pk=world.classmate.pk).update(media_consent=MediaConsent.CLASS_DISPLAYS)
    return factories.WhanauLinkFactory(student=world.classmate).whanau.user


def _shared(goal, *, shows_others=True, by=None, kind=Evidence.Kind.PHOTO):
    """Evidence already on the goal and shared: a photo (confirmed, if it shows others)."""
    photo = kind == Evidence.Kind.PHOTO
    return Evidence.objects.create(
        goal=goal,
        kind=kind,
        note="Our class at the museum",
        file=_photo() if photo else "",
        content_type="image/png" if photo else "",
        voice="teacher",
        added_by=by,
        shows_others=shows_others,
        confirmed_at=timezone.now() if shows_others else None,
        confirmed_by=by if shows_others else None,
    )


def _held_again():
    return AuditEvent.objects.filter(summary__startswith="Evidence held again")


def _narrow(client, user, student):
    client.force_login(user)
    return client.post(reverse("media_consent", args=[student.pk]), {"consent": "whanau"})


def test_narrowing_holds_a_classmates_shared_group_photo_again(client, world, narrowing):
    """The classmate's whānau choose only their own whānau: the group photo already shared on
    another child's goal is held again, whānau stop seeing it, the teacher sees it to check,
    and the goal's history says so without naming who chose."""
    photo = _shared(world.goal, by=world.teacher)
    assert _file(client, world.whanau, photo) == 200

    assert _narrow(client, narrowing, world.classmate).status_code == 302

    photo.refresh_from_db()
    assert (photo.confirmed_at, photo.confirmed_by) == (None, None)
    assert "Our class at the museum" not in _page(client, world.whanau, world)
    assert _file(client, world.whanau, photo) == 404
    assert _file(client, world.student_user, photo) == 404
    teacher_page = _page(client, world.teacher, world)
    assert HELD_BADGE in teacher_page
    assert CONFIRM in teacher_page
    kept = teacher_page.split(f'id="kept-to-whanau-{photo.pk}"')[1].split("</p>")[0]
    assert world.classmate.full_name in kept

    (event,) = _held_again()
    assert (event.object_type, event.object_id) == ("learners.goal", world.goal.pk)
    assert event.actor is None
    assert event.summary == "Evidence held again (Photo), for a kaiako to check for other children"
    client.force_login(world.whanau)
    history = client.get(reverse("goal_history", args=[world.goal.pk])).content.decode()
    assert "Evidence held again (Photo)" in history
    assert world.classmate.full_name not in history
    assert narrowing.name not in history

    assert _confirm(client, world.teacher, photo).status_code == 302
    assert _file(client, world.whanau, photo) == 200  # checked again, and shared again


def test_widening_holds_nothing(client, world):
    """Agreeing to class displays changes nothing already shared."""
    photo = _shared(world.goal, by=world.teacher)
    whanau = factories.WhanauLinkFactory(student=world.classmate).whanau.user
    client.force_login(whanau)
    client.post(reverse("media_consent", args=[world.classmate.pk]), {"consent": "class"})
    assert Student.objects.get(pk=world.classmate.pk).media_consent == "class"
    photo.refresh_from_db()
    assert photo.confirmed_at is not None
    assert not _held_again().exists()


def test_evidence_showing_no_one_else_is_untouched(client, world, narrowing):
    alone = _shared(world.goal, shows_others=False, by=world.teacher)
    note = _shared(world.goal, shows_others=False, kind=Evidence.Kind.NOTE)
    _narrow(client, narrowing, world.classmate)
    assert "Our class at the museum" in _page(client, world.whanau, world)
    assert _file(client, world.whanau, alone) == 200
    assert Evidence.objects.filter(pk__in=[alone.pk, note.pk], confirmed_at=None).count() == 2
    assert not _held_again().exists()


def test_another_classes_and_the_childs_own_evidence_are_untouched(client, world, narrowing):
    """Another class's photo does not show the child; on the child's own goal, the photo is
    seen by their own whānau and themself, which their choice still allows."""
    other_goal = factories.GoalFactory(student=world.other_student)
    elsewhere = _shared(other_goal, by=world.other_teacher)
    own_goal = factories.GoalFactory(student=world.classmate)
    own = _shared(own_goal, by=world.teacher)
    other_school_goal = factories.GoalFactory(student=world.other_school_student)
    other_school = _shared(other_school_goal)
    _narrow(client, narrowing, world.classmate)
    for evidence in (elsewhere, own, other_school):
        evidence.refresh_from_db()
        assert evidence.confirmed_at is not None
    assert _file(client, world.other_whanau, elsewhere) == 200
    assert not _held_again().exists()


def test_held_evidence_stays_held_and_is_not_told_twice(client, world, narrowing):
    """Evidence not yet confirmed is left as it is: no second line in its history."""
    _add(client, world.teacher, world, note="Trip", file=_photo(), shows_others="on")
    _narrow(client, narrowing, world.classmate)
    assert Evidence.objects.get().confirmed_at is None
    assert not _held_again().exists()
