"""Booking conversation times, for whānau: the open times for each of their tamariki, booking,
moving and cancelling a time, and asking for another. (Staff's side is ``views.rounds``.)"""

import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from conversations import booking as services
from conversations.access import (
    bookings_visible_to,
    own_bookings,
    slots_bookable_by,
    time_requests_visible_to,
)
from conversations.forms import (
    BookingForm,
    TimeRequestForm,
)
from conversations.models import ConversationRound
from partnerships.access import (
    own_whanau_links,
    teacher_ids_by_student,
    whanau_only,
)
from partnerships.submissions import once_per_form

# Booking (whānau) ------------------------------------------------------------------


@require_safe
@whanau_only
def my_bookings(request):
    """A whānau member's conversation times, and the open times they can book."""
    bookings = (
        own_bookings(request.user)
        .active()
        .select_related("slot__host", "student")
        .order_by("slot__starts_at")
    )
    rounds = ConversationRound.objects.filter(
        pk__in=slots_bookable_by(request.user).values("round_id")
    )
    requests = time_requests_visible_to(request.user).select_related("student", "round")
    return render(
        request,
        "conversations/my_bookings.html",
        {"bookings": bookings, "rounds": rounds, "requests": requests},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form
def round_book(request, pk: int):
    """Open times for each of my tamariki with their teachers, side by side to book together."""
    slots = slots_bookable_by(request.user).filter(round_id=pk)
    conversation_round = get_object_or_404(
        ConversationRound.objects.filter(pk__in=slots.values("round_id")), pk=pk
    )
    links = list(own_whanau_links(request.user).select_related("student", "whanau"))
    teachers = teacher_ids_by_student([link.student_id for link in links])
    children = []
    slots = list(slots.with_booking_state().select_related("host"))
    for link in links:
        own = [slot for slot in slots if slot.host_id in teachers[link.student_id]]
        by_day = [
            (day, list(day_slots))
            for day, day_slots in itertools.groupby(own, key=lambda s: s.starts_at.date())
        ]
        children.append({"link": link, "days": by_day})
    form = TimeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = next(
            (
                c["link"]
                for c in children
                if str(c["link"].student_id) == request.POST.get("student")
            ),
            None,
        )
        if link is None:
            raise Http404
        services.time_request_create(
            conversation_round=conversation_round,
            student=link.student,
            whanau=link.whanau,
            message=form.cleaned_data["message"],
        )
        messages.success(request, _("Thank you. The teacher will answer your request."))
        return redirect("my_bookings")
    return render(
        request,
        "conversations/round_book.html",
        {"round": conversation_round, "children": children, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form
def slot_book(request, pk: int, student_pk: int):
    """Book one time for one child, saying how to meet and what would help."""
    slot = get_object_or_404(slots_bookable_by(request.user).select_related("host", "round"), pk=pk)
    link = get_object_or_404(
        own_whanau_links(request.user).select_related("student", "whanau"), student_id=student_pk
    )
    member = link.whanau
    form = BookingForm(
        request.POST or None,
        initial={
            "needs_childcare": member.needs_childcare,
            "needs_interpreter": member.needs_interpreter,
            "interpreter_language": member.interpreter_language,
        },
    )
    alternatives = []
    if request.method == "POST" and form.is_valid():
        moving = (
            own_bookings(request.user)
            .active()
            .filter(student=link.student, round=slot.round)
            .first()
        )
        try:
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
            messages.success(
                request, _("Booked. We’ve emailed you the details and a calendar file.")
            )
            return redirect("booking_detail", pk=booking.pk)
    return render(
        request,
        "conversations/slot_book.html",
        {"slot": slot, "student": link.student, "form": form, "alternatives": alternatives},
    )


@require_safe
@login_required
def booking_detail(request, pk: int):
    booking = get_object_or_404(
        bookings_visible_to(request.user).select_related(
            "slot__host", "slot__round", "student", "whanau"
        ),
        pk=pk,
    )
    return render(
        request,
        "conversations/booking_detail.html",
        {"booking": booking, "is_mine": booking.whanau.user_id == request.user.pk},
    )


@login_required
@require_POST
def booking_cancel(request, pk: int):
    booking = get_object_or_404(own_bookings(request.user).select_related("student"), pk=pk)
    services.booking_cancel(booking=booking, by=request.user)
    messages.success(request, _("Your conversation time is cancelled."))
    return redirect("my_bookings")
