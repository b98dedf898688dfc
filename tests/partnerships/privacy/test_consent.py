"""Consent for photos and recordings: whānau with access choose where their child may be seen;
the change shows at once to the child's teacher, on the class list and in the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partnerships.models import AuditEvent, MediaConsent, Student
from partnerships.privacy.consent import media_consent_choice, media_consent_set
from partnerships.privacy.consent_hooks import CONSENT_NARROWED
from tests import factories

pytestmark = pytest.mark.django_db


def _url(world) -> str:
    return reverse("media_consent", args=[world.student.pk])


def _choose(client, world, consent, user=None):
    client.force_login(user or world.whanau)
    return client.post(_url(world), {"consent": consent})


def _consent_events(world):
    return AuditEvent.objects.filter(
        student=world.student, object_type="partnerships.student", action="changed"
    )


def test_whanau_see_both_choices_explained_and_the_default(client, world):
    """Nobody has chosen: the page says only their whānau see photos, and explains both."""
    client.force_login(world.whanau)
    page = client.get(_url(world)).content.decode()
    assert "Only by our own whānau" in page
    assert "By our whānau, and in class displays" in page
    assert "in class displays: on the classroom" in page  # what a class display is
    assert "Nobody has chosen yet" in page
    assert 'value="whanau" aria-describedby="consent-whanau-help" checked' in page


def test_whanau_choose_and_the_teacher_sees_it_at_once(client, world):
    """The choice is saved, said so, and the teacher's pages and the trail show it straight
    away: the student's page, the class list, and who chose on the consent page."""
    response = _choose(client, world, "class")
    assert response.status_code == 302
    assert response.url == _url(world)
    page = client.get(response.url).content.decode()
    assert "applies from now on" in page
    assert "You chose this on" in page
    student = Student.objects.get(pk=world.student.pk)
    assert student.media_consent == MediaConsent.CLASS_DISPLAYS
    assert student.media_consent_at is not None

    (event,) = _consent_events(world)
    assert event.actor == world.whanau
    assert event.summary == "Photos and recordings: only our whānau → class displays"

    client.force_login(world.teacher)
    detail = client.get(reverse("student_detail", args=[world.student.pk])).content.decode()
    assert "By our whānau, and in class displays" in detail
    classes = client.get(reverse("class_detail", args=[world.classroom.pk])).content.decode()
    row = classes.split(world.student.full_name)[1].split("</tr>")[0]
    assert "Class displays" in row
    classmate_row = classes.split(world.classmate.full_name)[1].split("</tr>")[0]
    assert "Whānau only" in classmate_row
    consent = client.get(_url(world)).content.decode()
    assert world.whanau.name in consent
    assert "Only their whānau can change this." in consent
    assert 'type="radio"' not in consent  # read only

    client.force_login(world.leader)
    history = client.get(reverse("student_history", args=[world.student.pk])).content.decode()
    assert "Photos and recordings: only our whānau → class displays" in history


def test_changing_back_is_audited_from_what_it_was(client, world):
    """A second change tells the trail what it changed from."""
    _choose(client, world, "class")
    _choose(client, world, "whanau")
    assert [event.summary for event in _consent_events(world).order_by("pk")] == [
        "Photos and recordings: only our whānau → class displays",
        "Photos and recordings: class displays → only our whānau",
    ]
    assert Student.objects.get(pk=world.student.pk).media_consent == MediaConsent.WHANAU_ONLY


def test_choosing_what_is_already_chosen_writes_nothing(client, world):
    """The same choice again: said plainly, no trail row, no new date."""
    _choose(client, world, "whanau")
    response = client.get(_url(world))
    assert "That was already your choice, so nothing changed." in response.content.decode()
    assert not _consent_events(world).exists()
    assert Student.objects.get(pk=world.student.pk).media_consent_at is None


@pytest.mark.parametrize("consent", ["", "everyone", "CLASS", "<b>class</b>"])
def test_a_bad_value_is_a_clear_error_and_changes_nothing(client, world, consent):
    response = _choose(client, world, consent)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please choose where photos and recordings of your child may be seen." in page
    assert Student.objects.get(pk=world.student.pk).media_consent == MediaConsent.WHANAU_ONLY
    assert not _consent_events(world).exists()


@pytest.mark.parametrize(
    "person", ["no_access_whanau", "other_whanau", "other_teacher", "other_school_leader"]
)
def test_people_outside_the_child_find_no_page_and_change_nothing(client, world, person):
    """Whānau with no access, another family, another class's teacher, another school: 404."""
    client.force_login(getattr(world, person))
    assert client.get(_url(world)).status_code == 404
    assert client.post(_url(world), {"consent": "class"}).status_code == 404
    assert Student.objects.get(pk=world.student.pk).media_consent == MediaConsent.WHANAU_ONLY
    assert not _consent_events(world).exists()


def test_the_student_finds_no_page(client, world):
    """The choice is their whānau's to make."""
    client.force_login(world.student_user)
    assert client.get(_url(world)).status_code == 404
    assert client.post(_url(world), {"consent": "class"}).status_code == 404
    assert Student.objects.get(pk=world.student.pk).media_consent == MediaConsent.WHANAU_ONLY


@pytest.mark.parametrize("person", ["teacher", "leader"])
def test_staff_read_but_a_post_is_refused_with_a_404(client, world, person):
    """Staff may read who chose; posting anyway (no form is shown them) is a 404."""
    client.force_login(getattr(world, person))
    assert client.get(_url(world)).status_code == 200
    assert client.post(_url(world), {"consent": "class"}).status_code == 404
    assert Student.objects.get(pk=world.student.pk).media_consent == MediaConsent.WHANAU_ONLY


def test_the_service_refuses_anyone_but_whanau_with_access(world):
    for person in ("teacher", "leader", "student_user", "no_access_whanau", "other_whanau"):
        with pytest.raises(PermissionDenied):
            media_consent_set(
                actor=getattr(world, person), student_id=world.student.pk, consent="class"
            )
    with pytest.raises(ValidationError):
        media_consent_set(actor=world.whanau, student_id=world.student.pk, consent="all")
    assert not _consent_events(world).exists()


def test_whanau_of_the_other_household_also_choose(world):
    """Any whānau member linked with access may choose; the page then names who chose."""
    second = factories.WhanauLinkFactory(student=world.student).whanau.user
    assert media_consent_set(actor=second, student_id=world.student.pk, consent="class")
    choice = media_consent_choice(Student.objects.get(pk=world.student.pk))
    assert (choice.consent, choice.by) == ("class", second)


def test_whanau_reach_the_page_from_home_and_from_their_childs_page(client, world):
    client.force_login(world.whanau)
    home = client.get(reverse("home")).content.decode()
    assert _url(world) in home
    detail = client.get(reverse("student_detail", args=[world.student.pk])).content.decode()
    assert _url(world) in detail


# A narrower choice takes effect at once on what was already shared ------------------------


@pytest.fixture
def told(monkeypatch):
    """The students each app above was told had a narrower choice, in order."""
    monkeypatch.setattr(CONSENT_NARROWED, "_entries", dict(CONSENT_NARROWED._entries))
    students = []

    @CONSENT_NARROWED.register("test")
    def note(student):
        students.append((student.pk, student.media_consent))
        return 0

    return students


def test_narrowing_tells_the_apps_above_with_the_choice_made(world, told):
    Student.objects.filter(pk=world.student.pk).update(media_consent=MediaConsent.CLASS_DISPLAYS)
    assert media_consent_set(actor=world.whanau, student_id=world.student.pk, consent="whanau")
    assert told == [(world.student.pk, MediaConsent.WHANAU_ONLY)]


def test_widening_or_the_same_choice_tells_no_one(world, told):
    media_consent_set(actor=world.whanau, student_id=world.student.pk, consent="whanau")
    media_consent_set(actor=world.whanau, student_id=world.student.pk, consent="class")
    media_consent_set(actor=world.whanau, student_id=world.student.pk, consent="class")
    assert told == []


def test_the_choice_and_what_follows_from_it_happen_together(world, monkeypatch):
    """Should holding back what was shared fail, the choice is not saved either, so it can
    never stand while what it forbids is still shown."""
    monkeypatch.setattr(CONSENT_NARROWED, "_entries", dict(CONSENT_NARROWED._entries))

    @CONSENT_NARROWED.register("failing")
    def fail(student):
        raise RuntimeError("no")

    Student.objects.filter(pk=world.student.pk).update(media_consent=MediaConsent.CLASS_DISPLAYS)
    with pytest.raises(RuntimeError):
        media_consent_set(actor=world.whanau, student_id=world.student.pk, consent="whanau")
    student = Student.objects.get(pk=world.student.pk)
    assert student.media_consent == MediaConsent.CLASS_DISPLAYS
    assert not _consent_events(world).exists()


def test_narrowing_holds_a_classmates_shared_group_photo_for_a_teacher(client, world):
    """The whole way through: the classmate's whānau narrow on their page; the group photo
    on another child's goal, shared before, is held until a teacher checks it again."""
    from learners.models import Evidence

    Student.objects.filter(pk=world.classmate.pk).update(media_consent=MediaConsent.CLASS_DISPLAYS)
    classmate_whanau = factories.WhanauLinkFactory(student=world.classmate).whanau.user
    photo = Evidence.objects.create(
        goal=world.goal,
        kind=Evidence.Kind.PHOTO,
        voice="teacher",
        shows_others=True,
        confirmed_at=timezone.now(),
        confirmed_by=world.teacher,
    )
    client.force_login(classmate_whanau)
    client.post(reverse("media_consent", args=[world.classmate.pk]), {"consent": "whanau"})
    photo.refresh_from_db()
    assert photo.confirmed_at is None
    client.post(reverse("media_consent", args=[world.classmate.pk]), {"consent": "class"})
    photo.refresh_from_db()
    assert photo.confirmed_at is None  # widening again does not release it: a teacher does
