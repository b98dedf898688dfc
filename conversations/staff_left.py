"""What conversations do when a staff member leaves a school (``partnerships.setup.hooks``):
the times they offered that nobody has booked are withdrawn, so no family books someone who
is gone; times already booked stay, for a leader to move or cancel with the family."""

from django.utils import timezone
from django.utils.translation import ngettext

from conversations.models import Slot
from partnerships.models import Staff, User
from partnerships.setup.hooks import STAFF_LEFT


@STAFF_LEFT.register("conversations")
def times_withdrawn(staff: Staff, by: User) -> list[str]:
    ahead = Slot.objects.filter(
        round__school_id=staff.school_id, host_id=staff.user_id, starts_at__gt=timezone.now()
    )
    withdrawn, _by_model = ahead.filter(bookings__isnull=True).delete()
    booked = ahead.count()
    lines = []
    if withdrawn:
        lines.append(
            ngettext(
                "%(n)s conversation time they offered was withdrawn.",
                "%(n)s conversation times they offered were withdrawn.",
                withdrawn,
            )
            % {"n": withdrawn}
        )
    if booked:
        lines.append(
            ngettext(
                "%(n)s family has a conversation booked with them: move or cancel it from the "
                "round's schedule.",
                "%(n)s families have conversations booked with them: move or cancel them from "
                "the round's schedule.",
                booked,
            )
            % {"n": booked}
        )
    return lines
