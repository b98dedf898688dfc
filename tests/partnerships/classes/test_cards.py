"""A class's sign-in cards: who has one, issuing the missing ones, and new cards for lost ones."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from partnerships import cards
from partnerships.classes.services import class_cards_issue
from partnerships.models import AuditEvent, SignInCard
from tests import factories

pytestmark = pytest.mark.django_db


def _url(world) -> str:
    return reverse("class_cards", args=[world.classroom.pk])


def _working(student) -> SignInCard | None:
    return SignInCard.objects.active().filter(student=student).first()


def test_page_lists_each_student_with_their_card(client, world):
    """Each student of the class is listed: since when their card works, or that they have none."""
    class_cards_issue(classroom=world.classroom, by=world.teacher, student_ids=[world.student.pk])
    client.force_login(world.teacher)
    content = client.get(_url(world)).content.decode()
    assert world.student.full_name in content
    assert world.classmate.full_name in content
    assert "Working since" in content
    assert "1 student has no card yet, so is not in the PDF" in content
    assert world.other_student.full_name not in content  # another class


def test_the_pdf_is_offered_in_each_of_the_schools_languages(client, world):
    """A school offering two languages gets a print button for each."""
    world.school.languages = ["en", "mi"]
    world.school.save(update_fields=["languages"])
    class_cards_issue(classroom=world.classroom, by=world.teacher)
    client.force_login(world.teacher)
    content = client.get(_url(world)).content.decode()
    pdf_url = reverse("class_cards_pdf", args=[world.classroom.pk])
    assert f'href="{pdf_url}"' in content
    assert f'href="{pdf_url}?lang=mi"' in content
    assert "Print the cards (PDF, Te reo Māori)" in content


def test_leavers_are_not_listed(client, world):
    """A student who has left is not on the class's cards page."""
    world.classmate.left_on = datetime.date(2026, 6, 30)
    world.classmate.save(update_fields=["left_on"])
    client.force_login(world.leader)
    content = client.get(_url(world)).content.decode()
    assert world.classmate.full_name not in content
    assert world.student.full_name in content


def test_issuing_the_missing_cards_gives_each_student_without_one_a_card(client, world):
    """One click gives every student without a card a card; a student's card is kept."""
    kept = class_cards_issue(
        classroom=world.classroom, by=world.teacher, student_ids=[world.student.pk]
    )[0]
    client.force_login(world.teacher)
    response = client.post(_url(world), {"action": "issue_missing"}, follow=True)
    assert "Issued 1 new card, ready to print." in response.content.decode()
    assert _working(world.student) == kept
    assert _working(world.classmate) is not None
    assert _working(world.other_student) is None
    assert AuditEvent.objects.filter(
        student=world.classmate, object_type="partnerships.signincard", actor=world.teacher
    ).exists()


def test_a_double_submit_issues_nothing_twice(client, world):
    """The same form sent twice issues each card once, and says it was already done."""
    client.force_login(world.teacher)
    form = {"action": "issue_missing", "submission": str(uuid.uuid4())}
    client.post(_url(world), form)
    first = SignInCard.objects.filter(student__classroom=world.classroom).count()
    response = client.post(_url(world), form, follow=True)
    assert first == 2
    assert SignInCard.objects.filter(student__classroom=world.classroom).count() == first
    assert "That was already saved." in response.content.decode()


def test_issuing_the_missing_again_finds_none_missing(client, world):
    """A second "issue the missing" (another form, another teacher) issues nothing new."""
    client.force_login(world.teacher)
    client.post(_url(world), {"action": "issue_missing"})
    client.force_login(world.leader)
    response = client.post(_url(world), {"action": "issue_missing"}, follow=True)
    assert SignInCard.objects.filter(student__classroom=world.classroom).count() == 2
    assert "Every student in the class already has a card." in response.content.decode()


def test_reissuing_stops_the_old_printed_card_working(client, rf, world):
    """A new card for a chosen student: the old code no longer signs in, the new one does."""
    old = class_cards_issue(classroom=world.classroom, by=world.teacher)
    old_card = next(card for card in old if card.student_id == world.student.pk)
    client.force_login(world.teacher)
    response = client.post(
        _url(world),
        {"action": "reissue", "students": [world.student.pk], "confirm": "on"},
        follow=True,
    )
    content = response.content.decode()
    assert "Their old printed cards no longer work." in content
    assert world.student.full_name in content
    new = _working(world.student)
    assert new.pk != old_card.pk
    request = rf.post("/card/")
    assert cards.sign_in_attempt(request, code=old_card.code).student is None
    assert cards.sign_in_attempt(request, code=new.code).student == world.student
    # The classmate, not chosen, keeps theirs.
    assert _working(world.classmate).pk in {card.pk for card in old}


def test_reissuing_asks_which_students_and_to_confirm(client, world):
    """Without a student chosen, or without the box ticked, nothing changes and the page says
    what is missing."""
    class_cards_issue(classroom=world.classroom, by=world.teacher)
    before = set(SignInCard.objects.active().values_list("pk", flat=True))
    client.force_login(world.teacher)
    unchosen = client.post(_url(world), {"action": "reissue", "confirm": "on"})
    unconfirmed = client.post(_url(world), {"action": "reissue", "students": [world.student.pk]})
    assert unchosen.status_code == unconfirmed.status_code == 200
    assert "Choose the students who need a new card" in unchosen.content.decode()
    assert "old printed cards will stop working" in unconfirmed.content.decode()
    assert set(SignInCard.objects.active().values_list("pk", flat=True)) == before


def test_a_student_of_another_class_is_never_reissued(client, world):
    """An id from elsewhere in the form is refused, and their card is untouched."""
    theirs = factories.SignInCardFactory(student=world.other_student)
    client.force_login(world.teacher)
    response = client.post(
        _url(world),
        {"action": "reissue", "students": [world.other_student.pk], "confirm": "on"},
    )
    assert response.status_code == 200
    assert "no longer in this class" in response.content.decode()
    assert _working(world.other_student) == theirs


def test_the_service_leaves_out_students_it_was_not_asked_about(world):
    """Given ids of another class's or school's students, the service issues them nothing."""
    issued = class_cards_issue(
        classroom=world.classroom,
        by=world.leader,
        student_ids=[world.other_student.pk, world.other_school_student.pk, world.student.pk],
    )
    assert [card.student_id for card in issued] == [world.student.pk]


def test_the_service_refuses_a_class_that_is_not_theirs(world):
    """A teacher of another class, or another school's leader, cannot issue this class's cards."""
    for outsider in (world.other_teacher, world.other_school_leader, world.whanau):
        with pytest.raises(PermissionDenied):
            class_cards_issue(classroom=world.classroom, by=outsider)
    assert not SignInCard.objects.exists()


def test_a_card_signs_in_a_student_who_had_no_account(world):
    """A student without an account of their own gets one with their first card."""
    assert world.classmate.user_id is None
    class_cards_issue(classroom=world.classroom, by=world.teacher)
    world.classmate.refresh_from_db()
    assert world.classmate.user is not None
    card = _working(world.classmate)
    assert cards.sign_in_attempt(None, code=card.code, key=card.qr_key).student == world.classmate


def test_each_issued_card_is_audited_in_one_write(world, django_assert_num_queries):
    """Every card issued has its audit row, written together whatever the class's size."""
    for _ in range(3):
        factories.StudentFactory(school=world.school, classroom=world.classroom)
    class_cards_issue(classroom=world.classroom, by=world.teacher)  # accounts made once
    SignInCard.objects.all().delete()
    AuditEvent.objects.all().delete()
    # Visible? the students, locked; which have a card; the cards; the audit rows: in a
    # savepoint.
    with django_assert_num_queries(7):
        issued = class_cards_issue(classroom=world.classroom, by=world.teacher)
    assert len(issued) == 5
    assert AuditEvent.objects.filter(object_type="partnerships.signincard").count() == 5
