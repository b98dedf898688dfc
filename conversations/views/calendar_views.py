"""A booked time as a calendar file to download, for anyone who may see the booking."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from conversations.access import bookings_visible_to
from conversations.calendar import CONTENT_TYPE, booking_ics, filename


@require_safe
@login_required
def booking_calendar(request, pk: int):
    """The booking's .ics, in the reader's language: the same event the emails carry, so
    opening it again after a move updates the calendar rather than adding a second time."""
    booking = get_object_or_404(
        bookings_visible_to(request.user).select_related("slot__host", "round__school", "student"),
        pk=pk,
    )
    response = HttpResponse(booking_ics(booking), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(booking)}"'
    return response
