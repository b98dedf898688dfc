"""Dates and numbers read the New Zealand way in both languages (config/formats).

Te reo Māori pages write "1 Hakihea 2026" with the glossary's month and day names (from the
libraries' catalogue, locale/libraries/mi); English pages "1 December 2026", not Django's
American "Dec. 1, 2026". A date typed "1/12/2026" is the 1st of December in either language.
"""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, translation

DAY = datetime.date(2026, 12, 1)
AFTERNOON = datetime.datetime(2026, 12, 1, 14, 30)  # noqa: DTZ001  shown as it is, no zone

MONTHS = [
    "Kohitātea",
    "Huitanguru",
    "Poutūterangi",
    "Paengawhāwhā",
    "Haratua",
    "Pipiri",
    "Hōngongoi",
    "Hereturikōkā",
    "Mahuru",
    "Whiringa-ā-nuku",
    "Whiringa-ā-rangi",
    "Hakihea",
]
DAYS = ["Rāhina", "Rātū", "Rāapa", "Rāpare", "Rāmere", "Rāhoroi", "Rātapu"]


class DatesForm(forms.Form):
    day = forms.DateField()
    at = forms.DateTimeField()


def localized(value) -> str:
    """The value as a template shows it with localisation on (the language's own formats)."""
    template = Template("{% load l10n %}{% localize on %}{{ value }}{% endlocalize %}")
    return template.render(Context({"value": value}))


@pytest.mark.parametrize(
    ("language", "date", "date_and_time", "short"),
    [
        ("mi", "1 Hakihea 2026", "1 Hakihea 2026, 14:30", "01/12/2026"),
        ("en", "1 December 2026", "1 December 2026, 2:30 p.m.", "01/12/2026"),
    ],
)
def test_a_date_reads_day_month_year(language, date, date_and_time, short):
    with translation.override(language):
        assert localized(DAY) == date
        assert formats.date_format(DAY) == date
        assert localized(AFTERNOON) == date_and_time
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == short
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


def test_te_reo_times_use_the_24_hour_clock():
    with translation.override("mi"):
        assert formats.time_format(AFTERNOON.time()) == "14:30"
        assert formats.date_format(DAY, "YEAR_MONTH_FORMAT") == "Hakihea 2026"
        assert formats.date_format(DAY, "MONTH_DAY_FORMAT") == "1 Hakihea"


def test_te_reo_month_and_day_names_are_the_glossarys():
    with translation.override("mi"):
        months = [formats.date_format(datetime.date(2026, m, 1), "F") for m in range(1, 13)]
        # 7 December 2026 is a Monday (Rāhina).
        days = [formats.date_format(datetime.date(2026, 12, 7 + d), "l") for d in range(7)]
    assert months == MONTHS
    assert days == DAYS


@pytest.mark.parametrize("language", ["mi", "en"])
@pytest.mark.parametrize("typed", ["1/12/2026", "01/12/2026", "1/12/26", "2026-12-01"])
def test_a_typed_date_is_read_day_first(language, typed):
    with translation.override(language):
        form = DatesForm({"day": typed, "at": f"{typed} 14:30"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == DAY
    assert form.cleaned_data["at"].replace(tzinfo=None) == AFTERNOON


@pytest.mark.parametrize("language", ["mi", "en"])
def test_numbers_group_thousands_with_a_comma(language):
    with translation.override(language):
        assert formats.number_format(1234567.5, decimal_pos=1, force_grouping=True) == (
            "1,234,567.5"
        )
