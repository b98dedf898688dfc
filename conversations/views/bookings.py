"""Conversation times: rounds and times staff offer, and the bookings whānau make (and
cancel; staff may cancel one too, saying why)."""

import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from conversations import services
from conversations.access import (
    bookings_visible_to,
    own_bookings,
    rounds_managed_by,
    slots_bookable_by,
    time_requests_visible_to,
)
from conversations.forms import (
    AnswerForm,
    BookingForm,
    RoundForm,
    SlotSeriesForm,
    TimeRequestForm,
)
from conversations.models import Booking, ConversationRound
from partnerships import audit
from partnerships.access import (
    own_whanau_links,
    request_roles,
    staff_only,
    students_managed_by,
    teacher_ids_by_student,
    whanau_only,
)
from partnerships.models import Student
from partnerships.submissions import once_per_form

# Rounds and times (staff) ----------------------------------------------------------


@staff_only
@require_http_methods(["GET", "POST"])
@once_per_form
def round_list(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        school = request_roles(request).staff_school
        conversation_round = services.round_create(
            school=school, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Round opened. Now add the times you can offer."))
        return redirect("round_detail", pk=conversation_round.pk)
    rounds = rounds_managed_by(request.user).select_related("school")
    return render(request, "conversations/round_list.html", {"rounds": rounds, "form": form})


def _cancel_for_family(request, conversation_round: ConversationRound) -> bool:
    """Staff cancel a family's booked time in this round, saying why; the family is told.
    False, with the message why, when it could not be cancelled."""
    booking_id = request.POST.get("booking", "")
    # ASCII digits only: "²" is a digit to str.isdigit(), and no number to the database.
    if not (booking_id.isascii() and booking_id.isdigit()):
        raise Http404
    reason = request.POST.get("reason", "")
    if "\x00" in reason:  # PostgreSQL cannot store it
        messages.error(
            request, _("The reason has characters we cannot read. Please type it again.")
        )
        return False
    booking = get_object_or_404(
        Booking.objects.filter(slot__round=conversation_round).select_related(
            "slot__round__school", "slot__host", "student", "whanau"
        ),
        pk=booking_id,
    )
    try:
        cancelled = services.booking_cancel(booking=booking, by=request.user, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    if not cancelled:  # someone else cancelled it a moment before
        messages.info(request, _("That time had already been cancelled."))
        return True
    messages.success(
        request,
        _("%(student)s’s time is cancelled, and %(whanau)s has been told why.")
        % {"student": booking.student.display_name, "whanau": booking.whanau.name},
    )
    return True


def _listed(request, conversation_round: ConversationRound):
    """The students whose bookings (who comes, what they need) or requests for another time
    the teacher's page for the round shows: each child's record is looked at there."""
    mine = Booking.objects.active().filter(slot__round=conversation_round, slot__host=request.user)
    asked = time_requests_visible_to(request.user).filter(round=conversation_round)
    return Student.objects.filter(
        Q(pk__in=mine.values("student_id")) | Q(pk__in=asked.values("student_id"))
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form
def round_detail(request, pk: int):
    """A teacher's schedule for a round: who is coming and what they need, who hasn't booked.
    They may cancel a booked time, with a reason the family is told."""
    conversation_round = get_object_or_404(
        rounds_managed_by(request.user).select_related("school"), pk=pk
    )
    form = SlotSeriesForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            if _cancel_for_family(request, conversation_round):
                return redirect("round_detail", pk=pk)
            form = SlotSeriesForm()  # not the form that was sent: shown empty again
        elif request.POST.get("action") in {"open", "close"}:
            services.round_set_open(
                conversation_round=conversation_round,
                is_open=request.POST["action"] == "open",
            )
            return redirect("round_detail", pk=pk)
        elif form.is_valid():
            try:
                made = services.slots_add(
                    conversation_round=conversation_round, host=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(n)s times added.") % {"n": made})
                return redirect("round_detail", pk=pk)
    active = Booking.objects.active().select_related("student", "whanau")
    my_slots = conversation_round.slots.filter(host=request.user).prefetch_related(
        Prefetch("bookings", queryset=active, to_attr="active_bookings")
    )
    my_students = students_managed_by(request.user).select_related("classroom")
    booked_ids = (
        Booking.objects.active().filter(slot__round=conversation_round).values("student_id")
    )
    audit.viewed(
        request,
        student=_listed(request, conversation_round),
        obj=conversation_round,
        what=conversation_round.title,
    )
    return render(
        request,
        "conversations/round_detail.html",
        {
            "round": conversation_round,
            "slots": my_slots,
            "not_booked": my_students.exclude(pk__in=booked_ids).order_by("last_name", "pk"),
            "requests": time_requests_visible_to(request.user)
            .filter(round=conversation_round)
            .select_related("student", "whanau"),
            "form": form,
            "answer_form": AnswerForm(),
        },
    )


@login_required
@require_POST
def time_request_answer(request, pk: int):
    time_request = get_object_or_404(
        time_requests_visible_to(request.user).filter(
            student__in=students_managed_by(request.user)
        ),
        pk=pk,
    )
    form = AnswerForm(request.POST)
    if form.is_valid():
        services.time_request_answer(
            request=time_request, by=request.user, answer=form.cleaned_data["answer"]
        )
        messages.success(request, _("Answer saved: the family sees it on their bookings page."))
    else:
        messages.error(request, _("Write an answer before saving it."))
    return redirect("round_detail", pk=time_request.round_id)


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
            .filter(student=link.student, slot__round=slot.round)
            .first()
        )
        try:
            if moving is not None:
                booking = services.booking_move(booking=moving, slot=slot)
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
