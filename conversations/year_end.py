"""What conversations do when a school's year rolls over (``partnerships.year.hooks``): every
booking round still open closes (the preview names each, so a round already opened for the
new year can be seen and opened again afterwards), and weekly updates not yet sent stay
unsent. Nothing is sent."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conversations.models import ConversationRound
from conversations.weekly.models import WeeklyUpdate
from conversations.weekly.sending import LATE_WEEKS
from partnerships.models import School, User
from partnerships.year.hooks import YEAR_END


def _open_rounds(school: School):
    return ConversationRound.objects.filter(school=school, is_open=True).order_by("title", "pk")


def _unsent_updates(school: School):
    """Written updates the weekly send could still take home: not gone, of a week it still
    looks at (older ones are history, never sent)."""
    week = school.week_of(timezone.now()) - datetime.timedelta(weeks=LATE_WEEKS)
    return WeeklyUpdate.objects.filter(
        student__school=school, queued_at__isnull=True, week__gte=week
    ).exclude(status=WeeklyUpdate.Status.DRAFT)


def _round_lines(titles) -> list[str]:
    return [_("The booking round “%(title)s” closes.") % {"title": title} for title in titles]


def _update_line(count: int) -> list[str]:
    if not count:
        return []
    return [
        ngettext(
            "%(n)s weekly update written but not sent yet will not be sent: it is kept as a draft.",
            "%(n)s weekly updates written but not sent yet will not be sent: they are kept as "
            "drafts.",
            count,
        )
        % {"n": count}
    ]


def year_end_preview(school: School) -> list[str]:
    titles = list(_open_rounds(school).values_list("title", flat=True))
    return _round_lines(titles) + _update_line(_unsent_updates(school).count())


@YEAR_END.register("conversations", preview=year_end_preview)
def year_end(school: School, by: User) -> list[str]:
    """Close the open rounds (bookings made stay, as when a leader closes one) and turn the
    unsent updates back into drafts, which the weekly send never takes."""
    rounds = dict(_open_rounds(school).select_for_update().values_list("pk", "title"))
    ConversationRound.objects.filter(pk__in=list(rounds)).update(is_open=False)
    count = _unsent_updates(school).update(
        status=WeeklyUpdate.Status.DRAFT, approved_at=None, approved_by=None
    )
    return _round_lines(rounds.values()) + _update_line(count)
