"""What every dashboard figure is made of: its headline, explanation, trend and tables."""

from dataclasses import dataclass, field

from django.db.models import Q

from reports.tables import Table


def share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def percent(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


@dataclass
class Point:
    label: str
    value: int | None  # a percentage, for the bar
    text: str


@dataclass
class Figure:
    key: str
    title: str
    headline: str
    explanation: str
    trend_caption: str = ""
    trend: list[Point] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # (drill-down key, label, number of students or None)
    drill: list[tuple[str, str, int | None]] = field(default_factory=list)
    students: int = 0  # how many students it counts over, where that is known

    @property
    def bars(self) -> list[dict]:
        """The trend as bar geometry for an SVG: the template cannot do arithmetic."""
        return [
            {
                "x": 10 + 70 * n,
                "y": 70 - round(0.6 * (point.value or 0)),
                "height": round(0.6 * (point.value or 0)),
                "label_x": 35 + 70 * n,
                "point": point,
            }
            for n, point in enumerate(self.trend)
        ]

    @property
    def chart_width(self) -> int:
        return 20 + 70 * len(self.trend)


def in_period(period, lookup: str) -> Q:
    return Q(**{f"{lookup}__gte": period.starts, f"{lookup}__lt": period.ends})


def scale(trend: list[Point]) -> None:
    """Bars for counts: as a share of the largest."""
    largest = max((int(point.text) for point in trend), default=0)
    for point in trend:
        point.value = share(int(point.text), largest) if largest else 0
