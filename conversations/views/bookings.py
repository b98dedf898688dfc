"""Booking conversation times, for whānau: every child's time in one visit (siblings back to
back), one time on its own or moving a booked one, and the household's bookings. (Staff's
side is ``views.rounds``.)

What the family typed is never lost to a refusal: a time taken a moment before, a form left
open while the school changed something, or a need half filled in brings the page back with
their choices and needs as they were, and says what happened and to which child.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from conversations import booking as services
from conversations.access import (
    Tamariki,
    bookings_visible_to,
    own_bookings,
    rounds_of_whanau,
    slots_bookable_by,
    slots_offered_to,
    tamariki_of,
    time_requests_visible_to,
)
from conversations.booking_forms import (
    BookingForm,
    TimeRequestForm,
    has_moved,
    needs_from,
)
from conversations.models import Booking, Slot
from conversations.views.round_page import RoundPage, when
from partnerships.access import own_whanau_links
from partnerships.forms import an_id
from partnerships.roles import whanau_only
from partnerships.submissions import once_per_form


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form
def round_book(request, pk: int):
    """Each of my tamariki's free times with their own teachers, to book together with what
    we need said once; suggested times back to back; and asking for another time."""
    page = RoundPage(request, pk)
    posted = request.POST if request.method == "POST" else None
    booking = posted is not None and posted.get("action") == "book"
    form = BookingForm(posted if booking else None, ways=page.ways(), initial=page.needs())
    ask = TimeRequestForm(posted if posted is not None and not booking else None)
    if posted is not None and not page.window:
        if booking:
            if (booked := page.book(request, form)) is not None:
                names = ", ".join(b.student.display_name for b in booked)
                messages.success(
                    request,
                    _("Booked for %(names)s. We’ve emailed you the details and a calendar file.")
                    % {"names": names},
                )
                return redirect("my_bookings")
        elif ask.is_valid():
            child = next(
                (c for c in page.children if str(c.student.pk) == posted.get("student")), None
            )
            if child is None:
                raise Http404
            services.time_request_create(
                conversation_round=page.round,
                student=child.student,
                whanau=child.link.whanau,
                message=ask.cleaned_data["message"],
            )
            messages.success(request, _("Thank you. The teacher will answer your request."))
            return redirect("my_bookings")
    picked = page.take(request.GET.getlist("take")) if posted is None else []
    return render(
        request,
        "conversations/round_book.html",
        {
            "round": page.round,
            "window": page.window,
            "refused": posted is not None and bool(page.window),
            "children": page.children,
            "to_book": page.to_book,
            "suggestions": page.suggestions() if not page.window else [],
            "picked": picked,
            "move": an_id(request.GET.get("move", "")),
            "needs": form,
            "form": ask,
        },
    )


def _stale(request, *, slot: Slot, student, moving: Booking | None) -> str:
    """What changed since the form was opened, in words, or "" if nothing did: the time
    itself, or the child's booking (moved, cancelled, or made by someone else at home)."""
    seen = request.POST.get("seen")
    if seen is not None and (an_id(seen) is None or has_moved(slot, an_id(seen))):
        return _(
            "This time has changed since the page was opened: it is now %(when)s. Check it and "
            "press Book again."
        ) % {"when": when(slot)}
    if "booking" not in request.POST:
        return ""
    expected = str(moving.pk) if moving else ""
    if request.POST["booking"] == expected:
        return ""
    if moving is None:
        return _(
            "The time for %(name)s was cancelled since the page was opened. Press Book to book "
            "this time instead."
        ) % {"name": student.display_name}
    return _(
        "Since the page was opened, a time for %(name)s has been booked: %(when)s, by %(who)s. "
        "Press Book again to move it to this time."
    ) % {"name": student.display_name, "when": when(moving.slot), "who": moving.whanau.name}


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form
def slot_book(request, pk: int, student_pk: int):
    """Book one time for one child, or move their booked time here, saying how to meet and
    what would help: what is typed here is what the teacher sees, moved or not."""
    # The member's links read once: the child's is among them, and the scopes are built on
    # their ids.
    links = list(own_whanau_links(request.user).select_related("student", "whanau"))
    tamariki = Tamariki.of_links(links)
    slot = get_object_or_404(
        slots_offered_to(request.user, tamariki).select_related("host", "round"), pk=pk
    )
    link = next((link for link in links if link.student_id == student_pk), None)
    if link is None:
        raise Http404
    member = link.whanau
    household = list(
        own_bookings(request.user, tamariki)
        .active()
        .filter(round_id=slot.round_id)
        .select_related("slot", "whanau")
        .order_by("pk")
    )
    moving = next((b for b in household if b.student_id == link.student_id), None)
    source = moving or (household[-1] if household else member)
    posted = request.POST if request.method == "POST" else None
    form = BookingForm(posted, ways=services.ways_for(slot, slot.round), initial=needs_from(source))
    window = slot.round.window() or ("passed" if slot.starts_at <= timezone.now() else "")
    alternatives = []
    if posted is not None and form.is_valid():
        stale = _stale(request, slot=slot, student=link.student, moving=moving)
        try:
            if stale:
                raise ValidationError(stale)
            if moving is not None:
                booking = services.booking_move(
                    booking=moving, slot=slot, details=form.cleaned_data, by=request.user
                )
            else:
                booking = services.booking_create(
                    slot=slot, student=link.student, whanau=member, details=form.cleaned_data
                )
        except services.SlotTakenError as taken:
            alternatives = taken.alternatives
            form.add_error(None, _("Sorry, someone has just booked that time."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if moving is not None:
                done = _("Moved. We’ve emailed you the new time and a calendar file.")
            else:
                done = _("Booked. We’ve emailed you the details and a calendar file.")
            messages.success(request, done)
            return redirect("booking_detail", pk=booking.pk)
    return render(
        request,
        "conversations/slot_book.html",
        {
            "slot": slot,
            "student": link.student,
            "moving": moving,
            "window": window,
            "form": form,
            "alternatives": alternatives,
        },
    )


@require_safe
@whanau_only
def my_bookings(request):
    """A household's conversation times to come, the rounds to book in, and requests."""
    tamariki = tamariki_of(request.user)
    bookings = (
        own_bookings(request.user, tamariki)
        .active()
        .filter(slot__starts_at__gt=timezone.now())
        .select_related("slot__host", "slot__round", "student", "whanau")
        .order_by("slot__starts_at", "pk")
    )
    now = timezone.now()
    rounds = (
        rounds_of_whanau(request.user, tamariki)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now), is_open=True)
        .filter(
            Q(opens_at__gt=now)
            | Exists(slots_bookable_by(request.user, tamariki).filter(round_id=OuterRef("pk")))
        )
        .order_by("-created_at")
    )
    requests = time_requests_visible_to(request.user).select_related("student", "round")
    return render(
        request,
        "conversations/my_bookings.html",
        {"bookings": bookings, "rounds": rounds, "requests": requests, "now": now},
    )


@require_safe
@login_required
def booking_detail(request, pk: int):
    """One booked time: when, with whom, how to meet (the meeting link only here, for the
    household and the child's staff), what would help, and who booked it."""
    booking = get_object_or_404(
        bookings_visible_to(request.user)
        .select_related("slot__host", "slot__round__school", "student", "whanau")
        .annotate(is_mine=Exists(own_bookings(request.user).filter(pk=OuterRef("pk")))),
        pk=pk,
    )
    return render(
        request,
        "conversations/booking_detail.html",
        {
            "booking": booking,
            "is_mine": booking.is_mine,
            "is_upcoming": booking.slot.starts_at > timezone.now(),
        },
    )


@login_required
@require_POST
def booking_cancel(request, pk: int):
    booking = get_object_or_404(own_bookings(request.user).select_related("student"), pk=pk)
    services.booking_cancel(booking=booking, by=request.user)
    messages.success(request, _("Your conversation time is cancelled."))
    return redirect("my_bookings")
