"""When a privacy request must be answered: 20 working days after it is received (Privacy Act
2020, s 44), a working day being any day but a weekend or a New Zealand public holiday, and
the days from 25 December to 15 January not counting (the Act's definition of working day)."""

import datetime

import holidays

WORKING_DAYS = 20


def _summer_break(day: datetime.date) -> bool:
    return (day.month == 12 and day.day >= 25) or (day.month == 1 and day.day <= 15)


def is_working_day(day: datetime.date, public: holidays.HolidayBase) -> bool:
    return day.weekday() < 5 and day not in public and not _summer_break(day)


def due_on(received: datetime.date, days: int = WORKING_DAYS) -> datetime.date:
    """The last day to answer a request received on ``received`` (which does not count)."""
    public = holidays.country_holidays("NZ", years=range(received.year, received.year + 2))
    day = received
    while days:
        day += datetime.timedelta(days=1)
        if is_working_day(day, public):
            days -= 1
    return day
