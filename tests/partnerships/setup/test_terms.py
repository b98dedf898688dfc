"""A school's terms: added (a year's four at once), changed and removed by its leaders."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from partnerships.models import AuditEvent, Term
from partnerships.setup import services

pytestmark = pytest.mark.django_db

D = datetime.date
FIRST_DAY, LAST_DAY = D(2026, 2, 2), D(2026, 4, 17)


def _term(world, name="Term 1 2026", starts=FIRST_DAY, ends=LAST_DAY) -> Term:
    return services.term_create(
        school=world.school, by=world.leader, name=name, starts_on=starts, ends_on=ends
    )


def _year(**rows) -> dict:
    """The add form: management fields, then each row given (index → (first, last))."""
    data = {
        "term-TOTAL_FORMS": "4",
        "term-INITIAL_FORMS": "0",
        "term-MIN_NUM_FORMS": "0",
        "term-MAX_NUM_FORMS": "4",
        "submission": str(uuid.uuid4()),
    }
    for index, (name, first, last) in rows.items():
        data |= {
            f"term-{index[-1]}-name": name,
            f"term-{index[-1]}-starts_on": first,
            f"term-{index[-1]}-ends_on": last,
        }
    return data


FOUR_TERMS = {
    "row0": ("Term 1 2026", "2026-02-02", "2026-04-17"),
    "row1": ("Term 2 2026", "2026-05-04", "2026-07-03"),
    "row2": ("Term 3 2026", "2026-07-20", "2026-09-25"),
    "row3": ("Term 4 2026", "2026-10-12", "2026-12-16"),
}


def test_create_audits_the_new_term(world):
    """A new term is saved and the audit trail says which dates."""
    term = _term(world)
    assert Term.objects.get(pk=term.pk).school == world.school
    event = AuditEvent.objects.get(object_type="partnerships.term", object_id=term.pk)
    assert event.action == AuditEvent.Action.CREATED
    assert "2 Feb 2026" in event.summary


def test_end_before_start_is_refused(world):
    """A last day before the first is refused on the last day, and nothing is saved."""
    with pytest.raises(ValidationError) as refused:
        _term(world, starts=D(2026, 4, 17), ends=D(2026, 2, 2))
    assert "before the first day" in refused.value.message_dict["ends_on"][0]
    assert not Term.objects.filter(school=world.school).exists()


def test_a_second_term_starting_the_same_day_is_refused(world):
    """Two terms cannot start on the same day: the message names the one already there."""
    _term(world)
    with pytest.raises(ValidationError) as refused:
        _term(world, name="Another", ends=D(2026, 2, 3))
    assert "Term 1 2026 already starts" in refused.value.message_dict["starts_on"][0]


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        (D(2026, 4, 17), D(2026, 5, 1)),
        (D(2026, 1, 20), D(2026, 2, 2)),
        (D(2026, 3, 1), D(2026, 3, 2)),
    ],
)
def test_overlapping_terms_are_refused(world, starts, ends):
    """A term whose days overlap another's is refused, naming the other and its dates."""
    _term(world)
    with pytest.raises(ValidationError) as refused:
        _term(world, name="Overlap", starts=starts, ends=ends)
    assert refused.value.messages == [
        "These dates overlap Term 1 2026 (2 Feb 2026 to 17 Apr 2026)."
    ]
    assert Term.objects.filter(school=world.school).count() == 1


def test_another_schools_terms_do_not_overlap_ours(world):
    """Terms are checked against the school's own only."""
    services.term_create(
        school=world.other_school,
        by=world.other_school_leader,
        name="Term 1",
        starts_on=D(2026, 2, 2),
        ends_on=D(2026, 4, 17),
    )
    assert _term(world).pk


def test_update_may_keep_its_own_dates_and_records_a_change_once(world):
    """Renaming a term is not an overlap with itself; saving it unchanged records nothing."""
    term = _term(world)
    kwargs = {"starts_on": term.starts_on, "ends_on": term.ends_on}
    assert services.term_update(term=term, by=world.leader, name="Term One", **kwargs)
    assert not services.term_update(term=term, by=world.leader, name="Term One", **kwargs)
    assert Term.objects.get(pk=term.pk).name == "Term One"
    changes = AuditEvent.objects.filter(
        object_type="partnerships.term", action=AuditEvent.Action.CHANGED
    )
    assert changes.count() == 1


def test_update_into_another_term_is_refused(world):
    """Moving a term over another's days is refused, and the term keeps its dates."""
    first = _term(world)
    second = _term(world, name="Term 2 2026", starts=D(2026, 5, 4), ends=D(2026, 7, 3))
    with pytest.raises(ValidationError):
        services.term_update(
            term=second,
            by=world.leader,
            name="Term 2",
            starts_on=D(2026, 4, 1),
            ends_on=D(2026, 7, 3),
        )
    assert Term.objects.get(pk=second.pk).starts_on == D(2026, 5, 4)
    assert Term.objects.get(pk=first.pk).ends_on == D(2026, 4, 17)


def test_delete_is_audited(world):
    """A removed term is gone, and the audit trail keeps its name and dates."""
    term = _term(world)
    services.term_delete(term=term, by=world.leader)
    assert not Term.objects.filter(pk=term.pk).exists()
    event = AuditEvent.objects.get(object_type="partnerships.term", action="deleted")
    assert "Term 1 2026" in event.summary


def test_only_a_leader_of_the_school_changes_its_terms(world):
    """A teacher or another school's leader cannot add, change or remove the school's terms."""
    term = _term(world)
    for person in (world.teacher, world.other_school_leader):
        with pytest.raises(PermissionDenied):
            services.term_create(
                school=world.school,
                by=person,
                name="X",
                starts_on=D(2027, 1, 1),
                ends_on=D(2027, 1, 2),
            )
        with pytest.raises(PermissionDenied):
            services.term_delete(term=term, by=person)
    assert list(Term.objects.filter(school=world.school)) == [term]


def test_a_leader_adds_a_years_four_terms_at_once(client, world):
    """The terms page offers four rows named for the year; filled in, all four are added."""
    world.school.year = 2026
    world.school.save(update_fields=["year"])
    client.force_login(world.leader)
    page = client.get(reverse("school_terms")).content.decode()
    assert 'value="Term 4 2026"' in page
    response = client.post(reverse("school_terms"), _year(**FOUR_TERMS), follow=True)
    assert "4 terms added." in response.content.decode()
    names = list(Term.objects.filter(school=world.school).values_list("name", flat=True))
    assert names == ["Term 1 2026", "Term 2 2026", "Term 3 2026", "Term 4 2026"]
    # With this year's terms in, the rows offered are next year's.
    assert 'value="Term 1 2027"' in client.get(reverse("school_terms")).content.decode()


def test_one_bad_row_adds_none_and_says_which(client, world):
    """A row that overlaps another is shown with its message, and no term at all is added."""
    client.force_login(world.leader)
    rows = FOUR_TERMS | {"row2": ("Term 3 2026", "2026-06-20", "2026-09-25")}
    response = client.post(reverse("school_terms"), _year(**rows))
    assert response.status_code == 200
    assert "These dates overlap Term 2 2026" in response.content.decode()
    assert not Term.objects.filter(school=world.school).exists()


def test_rows_without_dates_are_skipped_and_an_empty_form_says_so(client, world):
    """One row filled adds one term; none filled asks for a term's days."""
    client.force_login(world.leader)
    empty = client.post(reverse("school_terms"), _year())
    assert "at least one term its first and last day" in empty.content.decode()
    client.post(reverse("school_terms"), _year(row0=FOUR_TERMS["row0"]))
    assert Term.objects.filter(school=world.school).count() == 1


def test_terms_posted_twice_are_added_once(client, world):
    """A double click on "Add these terms" adds them once."""
    client.force_login(world.leader)
    data = _year(**FOUR_TERMS)
    first = client.post(reverse("school_terms"), data)
    second = client.post(reverse("school_terms"), data)
    assert first.status_code == second.status_code == 302
    assert Term.objects.filter(school=world.school).count() == 4


def test_edit_and_delete_pages(client, world):
    """The leader renames a term on its page, then removes it."""
    term = _term(world)
    client.force_login(world.leader)
    url = reverse("term_edit", args=[term.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"name": "Term One", "starts_on": "2026-02-03", "ends_on": "2026-04-17"})
    assert Term.objects.get(pk=term.pk).starts_on == D(2026, 2, 3)
    bad = client.post(url, {"name": "Term One", "starts_on": "2026-05-01", "ends_on": "2026-04-17"})
    assert "before the first day" in bad.content.decode()
    client.post(reverse("term_delete", args=[term.pk]))
    assert not Term.objects.filter(pk=term.pk).exists()


def test_another_schools_term_is_no_page(client, world):
    """Another school's leader, given our term's id, gets a 404 and changes nothing."""
    term = _term(world)
    client.force_login(world.other_school_leader)
    assert client.get(reverse("term_edit", args=[term.pk])).status_code == 404
    assert client.post(reverse("term_delete", args=[term.pk])).status_code == 404
    assert Term.objects.filter(pk=term.pk).exists()
