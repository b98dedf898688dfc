"""A school's rounds of conversations, for staff: a leader opens a round; each teacher
offers times in it (a leader for every teacher at once), sees who is coming and what they
need, and may cancel a family's time (saying why)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from conversations import booking as booking_services
from conversations import rounds as round_services
from conversations.access import rounds_managed_by, time_requests_visible_to
from conversations.forms import AnswerForm, MeetingLinkForm, RoundForm, SlotSeriesForm
from conversations.models import Booking, ConversationRound, Place
from partnerships import audit
from partnerships.access import students_managed_by
from partnerships.forms import an_id
from partnerships.models import Student
from partnerships.roles import request_roles, staff_only
from partnerships.submissions import once_per_form

# Rounds and times (staff) ----------------------------------------------------------


@staff_only
@require_http_methods(["GET", "POST"])
@once_per_form
def round_list(request):
    """The school's rounds; its leaders open new ones (teachers offer times in them)."""
    school = request_roles(request).led_school
    form = RoundForm(request.POST or None, school=school) if school else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            fields = dict(form.cleaned_data)
            try:
                conversation_round = round_services.round_create(
                    school=school, by=request.user, classes=fields.pop("classes"), **fields
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Round opened. Now offer the times in it."))
                return redirect("round_detail", pk=conversation_round.pk)
    rounds = rounds_managed_by(request.user).select_related("school").prefetch_related("classes")
    return render(
        request,
        "conversations/round_list.html",
        {"rounds": rounds, "form": form, "school": school, "now": timezone.now()},
    )


def _cancel_for_family(request, conversation_round: ConversationRound) -> bool:
    """Staff cancel a family's booked time in this round, saying why; the family is told.
    False, with the message why, when it could not be cancelled."""
    booking_id = an_id(request.POST.get("booking", ""))
    if booking_id is None:
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


def _offer(request, conversation_round: ConversationRound, form: SlotSeriesForm) -> bool:
    """Offer the run of times the form holds: the teacher's own, or (a leader) every teacher's
    of the round or those ticked. False, with the form saying why, when none could be."""
    if not form.is_valid():
        return False
    run = dict(form.cleaned_data)
    who, chosen = run.pop("who", "me"), run.pop("teachers", None)
    try:
        if who == "me":
            made = round_services.slots_add(
                conversation_round=conversation_round, host=request.user, **run
            )
            teachers = None
        else:
            hosts = (
                chosen if who == "chosen" else round_services.teachers_of_round(conversation_round)
            )
            made, teachers = round_services.slots_add_for_teachers(
                conversation_round=conversation_round, by=request.user, hosts=hosts, **run
            )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    if not made:
        messages.info(request, _("Those times were already offered: nothing new was added."))
    elif teachers is None:
        messages.success(
            request, ngettext("%(n)s time added.", "%(n)s times added.", made) % {"n": made}
        )
    else:
        messages.success(
            request,
            ngettext(
                "%(times)s times added, for %(teachers)s teacher.",
                "%(times)s times added, for %(teachers)s teachers.",
                teachers,
            )
            % {"times": made, "teachers": teachers},
        )
    return True


def _set_link(request, conversation_round: ConversationRound, form: MeetingLinkForm) -> bool:
    """The teacher's one meeting link for all their online times in the round."""
    if not form.is_valid():
        return False
    try:
        count = round_services.meeting_link_set(
            conversation_round=conversation_round,
            host=request.user,
            link=form.cleaned_data["meeting_link"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    if not count:  # the link lives on the times: there are none to hold it yet
        messages.info(
            request,
            _("You have no online times in this round yet: give the link when you offer them."),
        )
        return True
    messages.success(
        request,
        ngettext(
            "Your meeting link is set for your %(n)s online time.",
            "Your meeting link is set for your %(n)s online times.",
            count,
        )
        % {"n": count},
    )
    return True


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form
def round_detail(request, pk: int):
    """A round for its school's staff: its settings; the teacher's own schedule, with who is
    coming and what they need, and who hasn't booked; offering times. Its leaders open and
    close it for booking, and offer times for every teacher of its classes at once."""
    conversation_round = get_object_or_404(
        rounds_managed_by(request.user).select_related("school").prefetch_related("classes"),
        pk=pk,
    )
    is_leader = conversation_round.school_id in request_roles(request).led_school_ids
    offers_online = Place.ONLINE in (conversation_round.ways or [])
    teachers = round_services.teachers_of_round(conversation_round) if is_leader else None
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if post else ""
    form = SlotSeriesForm(
        post if action == "" else None, conversation_round=conversation_round, teachers=teachers
    )
    link_form = MeetingLinkForm(post if action == "link" else None)
    if action == "cancel":
        if _cancel_for_family(request, conversation_round):
            return redirect("round_detail", pk=pk)
    elif action in {"open", "close"}:
        if not is_leader:
            raise Http404
        round_services.round_set_open(
            conversation_round=conversation_round, is_open=action == "open", by=request.user
        )
        return redirect("round_detail", pk=pk)
    elif action == "link":
        if not offers_online:
            raise Http404
        if _set_link(request, conversation_round, link_form):
            return redirect("round_detail", pk=pk)
    elif post is not None and _offer(request, conversation_round, form):
        return redirect("round_detail", pk=pk)
    active = Booking.objects.active().select_related("student", "whanau")
    my_slots = list(
        conversation_round.slots.filter(host=request.user).prefetch_related(
            Prefetch("bookings", queryset=active, to_attr="active_bookings")
        )
    )
    if offers_online and not link_form.is_bound:
        link = next((s.meeting_link for s in my_slots if s.meeting_link), "")
        link_form = MeetingLinkForm(initial={"meeting_link": link})
    classes = list(conversation_round.classes.all())
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
            "classes": classes,
            "ways": [Place(way).label for way in conversation_round.ways or [Place.AT_SCHOOL]],
            "is_leader": is_leader,
            "slots": my_slots,
            "requests": time_requests_visible_to(request.user)
            .filter(round=conversation_round)
            .select_related("student", "whanau"),
            "form": form,
            "link_form": link_form if offers_online else None,
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
