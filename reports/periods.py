"""The periods a dashboard shows: this week, the last four weeks, this term or chosen dates,
and the terms its trends compare. Dates are the school's own (its time zone)."""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partnerships.models import School, Term

TREND_TERMS = 4


@dataclass(frozen=True)
class Period:
    """From ``first`` to ``last`` (both days included), in the school's time zone."""

    label: str
    first: datetime.date
    last: datetime.date
    zone: zoneinfo.ZoneInfo
    # What is planned counts to the end of the term, though what happened counts to today.
    planned_until: datetime.date | None = None

    @property
    def plan_last(self) -> datetime.date:
        return max(self.last, self.planned_until or self.last)

    @property
    def plan_ends(self) -> datetime.datetime:
        day_after = self.plan_last + datetime.timedelta(days=1)
        return datetime.datetime.combine(day_after, datetime.time(), tzinfo=self.zone)

    @property
    def starts(self) -> datetime.datetime:
        return datetime.datetime.combine(self.first, datetime.time(), tzinfo=self.zone)

    @property
    def ends(self) -> datetime.datetime:
        """The first moment after the period (exclusive)."""
        day_after = self.last + datetime.timedelta(days=1)
        return datetime.datetime.combine(day_after, datetime.time(), tzinfo=self.zone)

    @property
    def weeks(self) -> list[datetime.date]:
        """The Mondays of the school weeks the period touches (weekly updates are by week)."""
        monday = self.first - datetime.timedelta(days=self.first.weekday())
        return [
            monday + datetime.timedelta(weeks=n) for n in range((self.last - monday).days // 7 + 1)
        ]

    @property
    def span(self) -> str:
        return f"{date_format(self.first)} – {date_format(self.last)}"


def this_week(school: School, today: datetime.date) -> Period:
    monday = today - datetime.timedelta(days=today.weekday())
    return Period(_("This week"), monday, today, school.zone)


def last_four_weeks(school: School, today: datetime.date) -> Period:
    return Period(_("Last 4 weeks"), today - datetime.timedelta(days=27), today, school.zone)


def this_term(school: School, today: datetime.date, terms: list[Term]) -> Period:
    """The current term so far; in the holidays, the term just ended; with no terms set, the
    school's last ten weeks."""
    if terms:
        term = terms[-1]
        last = min(term.ends_on, today)
        return Period(term.name, term.starts_on, last, school.zone, planned_until=term.ends_on)
    return Period(
        _("Last 10 weeks"), today - datetime.timedelta(weeks=10, days=-1), today, school.zone
    )


def trend_periods(school: School, today: datetime.date, terms: list[Term]) -> list[Period]:
    """The terms a trend compares, oldest first: the school's last terms, or with none set,
    the last four ten-week blocks."""
    if terms:
        return [
            Period(term.name, term.starts_on, min(term.ends_on, today), school.zone)
            for term in terms
        ]
    periods = []
    for n in reversed(range(TREND_TERMS)):
        last = today - datetime.timedelta(weeks=10 * n)
        first = last - datetime.timedelta(weeks=10, days=-1)
        periods.append(
            Period(f"{date_format(first)} – {date_format(last)}", first, last, school.zone)
        )
    return periods


def custom(school: School, first: datetime.date, last: datetime.date) -> Period:
    return Period(_("Chosen dates"), first, last, school.zone)
