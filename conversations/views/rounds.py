"""A school's rounds of conversations, for staff: opening a round, offering times, a
teacher's schedule with who is coming and what they need, and cancelling a family's time
(saying why)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conversations import booking as booking_services
from conversations import rounds as round_services
from conversations.access import rounds_managed_by, time_requests_visible_to
from conversations.forms import AnswerForm, RoundForm, SlotSeriesForm
from conversations.models import Booking, ConversationRound
from partnerships import audit
from partnerships.access import request_roles, staff_only, students_managed_by
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
        conversation_round = round_services.round_create(
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
        cancelled = booking_services.booking_cancel(booking=booking, by=request.user, reason=reason)
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
            round_services.round_set_open(
                conversation_round=conversation_round,
                is_open=request.POST["action"] == "open",
            )
            return redirect("round_detail", pk=pk)
        elif form.is_valid():
            try:
                made = round_services.slots_add(
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
        booking_services.time_request_answer(
            request=time_request, by=request.user, answer=form.cleaned_data["answer"]
        )
        messages.success(request, _("Answer saved: the family sees it on their bookings page."))
    else:
        messages.error(request, _("Write an answer before saving it."))
    return redirect("round_detail", pk=time_request.round_id)
