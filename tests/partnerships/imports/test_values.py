"""Cells read the way a person meant them, and columns recognised by their headings."""

import csv
import datetime

import pytest

from partnerships.imports.fields import FIELDS, guess_mapping, missing_required
from partnerships.imports.values import (
    BadValueError,
    describe,
    looks_like_formula,
    parse_contact,
    parse_date,
    parse_flag,
    parse_language,
    parse_relationship,
    parse_year,
)
from partnerships.models import WhanauLink
from tests.partnerships.imports import files

TODAY = datetime.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("5", 5),
        ("Y5", 5),
        ("Year 5", 5),
        ("yr 05", 5),
        ("5.0", 5),
        ("Tau 5", 5),
        ("NE", 0),
        ("13", 13),
    ],
)
def test_year_levels_in_the_ways_schools_write_them(text, year):
    """“Y5”, “Year 5”, “Tau 5” and “5” are all Year 5; a new entrant is Year 0."""
    assert parse_year(text) == year


@pytest.mark.parametrize("text", ["14", "Year 14", "five", "-1"])
def test_a_year_level_out_of_range_is_refused(text):
    """A year level beyond 0–13 is refused, saying what one looks like."""
    with pytest.raises(BadValueError) as bad:
        parse_year(text)
    assert "0 to 13" in describe(bad.value.entry)


@pytest.mark.parametrize(
    "text", ["2015-03-04", "4/03/2015", "04-Mar-2015", "4 March 2015", "4/3/15", "2015-03-04 00:00"]
)
def test_dates_day_first_as_new_zealand_writes_them(text):
    """ISO, day-first and month-name dates all read as 4 March 2015."""
    assert parse_date(text, today=TODAY) == datetime.date(2015, 3, 4)


@pytest.mark.parametrize("text", ["31/02/2015", "last Tuesday", "2015-13-01"])
def test_a_date_that_is_no_date_is_refused(text):
    """An impossible or unreadable date is refused with examples of what is read."""
    with pytest.raises(BadValueError) as bad:
        parse_date(text, today=TODAY)
    assert "2015-03-04" in describe(bad.value.entry)


@pytest.mark.parametrize(
    ("text", "relationship"),
    [
        ("Mum", WhanauLink.Relationship.MOTHER),
        ("Mother", WhanauLink.Relationship.MOTHER),
        ("Whaea", WhanauLink.Relationship.MOTHER),
        ("Dad", WhanauLink.Relationship.FATHER),
        ("Matua", WhanauLink.Relationship.FATHER),
        ("Koro", WhanauLink.Relationship.GRANDPARENT),
        ("Nan", WhanauLink.Relationship.GRANDPARENT),
        ("Grandmother", WhanauLink.Relationship.GRANDPARENT),
        ("Caregiver", WhanauLink.Relationship.CAREGIVER),
        ("Aunt", WhanauLink.Relationship.AUNT_UNCLE),
        ("Legal Guardian", WhanauLink.Relationship.PARENT),
        # The labels a te reo page shows, as a file exported from one writes them.
        ("Mātua", WhanauLink.Relationship.PARENT),
        ("Whaea kēkē, matua kēkē rānei", WhanauLink.Relationship.AUNT_UNCLE),
        ("Whānau kē atu", WhanauLink.Relationship.OTHER),
    ],
)
def test_relationship_words(text, relationship):
    """The words a student system uses for whānau become the app's relationships."""
    assert parse_relationship(text) == relationship


def test_an_unknown_relationship_is_a_warning_not_a_refusal():
    """A relationship we do not know does not stop the row."""
    with pytest.raises(BadValueError) as bad:
        parse_relationship("Neighbour")
    assert not bad.value.blocking


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("English", "en"),
        ("Reo Pākehā", "en"),
        ("Māori", "mi"),
        ("Maori", "mi"),
        ("te reo", "mi"),
        ("Te reo Māori", "mi"),
    ],
)
def test_languages_the_school_offers(text, code):
    """English and te reo Māori, however written, become the school's language codes."""
    assert parse_language(text, offered=["en", "mi"]) == code


def test_a_language_the_school_does_not_offer_is_a_warning():
    """Te reo at a school offering only English: the row goes in, with a warning."""
    with pytest.raises(BadValueError) as bad:
        parse_language("Māori", offered=["en"])
    assert not bad.value.blocking


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Y", True),
        ("Yes", True),
        ("Āe", True),
        ("TRUE", True),
        ("1", True),
        ("x", True),
        ("", False),
        ("No", False),
        ("Kāo", False),
        ("kao", False),
        ("n", False),
        ("0", False),
    ],
)
def test_no_contact_flags(text, flag):
    """Yes, Āe, Y, True, 1 and X mark no contact; empty, No, Kāo and 0 do not."""
    assert parse_flag(text) is flag


def test_an_unclear_no_contact_flag_stops_the_row():
    """“Maybe” for no contact is not guessed: the row waits for a clear answer."""
    with pytest.raises(BadValueError) as bad:
        parse_flag("Maybe")
    assert bad.value.blocking


def test_contact_ways():
    """Email, phone (or text) and in person are read."""
    assert parse_contact("Text") == "phone"
    assert parse_contact("E-mail") == "email"
    assert parse_contact("In person") == "in_person"


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=SUM(A1:A3)", True),
        ("@cmd", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3+cmd", False),
        ("+64 21 555 0101", False),
        ("-5", False),
        ("Mere", False),
    ],
)
def test_formula_looking_cells(text, formula):
    """A cell a spreadsheet would run is a formula; a phone number or a number is not."""
    assert looks_like_formula(text) is formula


def test_the_shipped_sample_maps_every_column_without_help():
    """Every heading of the sample export is recognised."""
    with files.SAMPLE.open(encoding="utf-8-sig", newline="") as sample:
        headers = next(csv.reader(sample))
    mapping = guess_mapping("students", headers)
    assert sorted(mapping.values()) == sorted(headers)
    assert not missing_required("students", mapping)


def test_caregiver_file_headings():
    """A caregivers export's headings find the student's NSN and the caregiver's details."""
    headers = ["Student NSN", "Student ID", "Caregiver Name", "Email", "Mobile", "Relationship"]
    assert guess_mapping("caregivers", headers) == {
        "student_nsn": "Student NSN",
        "student_ref": "Student ID",
        "name": "Caregiver Name",
        "email": "Email",
        "phone": "Mobile",
        "relationship": "Relationship",
    }


def test_missing_required_names_an_id_when_neither_is_chosen():
    """With neither the NSN nor the school id chosen, the NSN is asked for (either will do)."""
    names = [field.name for field in missing_required("students", {"first_name": "F"})]
    assert names == ["nsn", "last_name", "year_level"]


def test_every_field_has_a_label_in_the_readers_language():
    """Each field's label, group and help are text a form can show."""
    for kind, fields in FIELDS.items():
        for field in fields:
            assert str(field.label), (kind, field.name)
            assert str(field.group), (kind, field.name)
