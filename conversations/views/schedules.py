"""A round as the staff running it read it: the schedule (a leader every teacher's, with what
the school must arrange; a teacher their own), door lists to print, and the children whose
whānau have not booked, with a reminder to book."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from conversations import nudges, schedules
from conversations.access import rounds_managed_by
from conversations.models import ConversationRound
from partnerships import audit
from partnerships.forms import an_id
from partnerships.models import Classroom
from partnerships.roles import request_roles, staff_only
from partnerships.submissions import once_per_form

EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2199, 12, 31)
NO_CLASS = "none"  # the students of a whole-school round who are in no class


class ScheduleFilter(forms.Form):
    """A day and a teacher, from the address: whatever arrives, a filter that cannot be used
    is named and left out, never an error page."""

    day = forms.DateField(
        required=False,
        error_messages={"invalid": gettext_lazy("The day is not a date.")},
    )
    teacher = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            "invalid": gettext_lazy("We couldn’t find that teacher in this round."),
            "min_value": gettext_lazy("We couldn’t find that teacher in this round."),
            "max_value": gettext_lazy("We couldn’t find that teacher in this round."),
        },
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ValidationError(_("Choose a day of this round."))
        return day

    def chosen(self) -> tuple[datetime.date | None, int | None]:
        """The day and teacher to show, each ``None`` for all (or when it could not be read)."""
        if not self.is_bound:
            return None, None
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("day"), data.get("teacher")


def _round(request, pk: int) -> tuple[ConversationRound, bool]:
    """The round, if at one of this person's schools; and whether they lead that school."""
    conversation_round = get_object_or_404(
        rounds_managed_by(request.user).select_related("school"), pk=pk
    )
    return conversation_round, conversation_round.school_id in request_roles(request).led_school_ids


def _scope(request, conversation_round: ConversationRound, leads: bool):
    """The times shown: a leader's every teacher's (or the one chosen); a teacher's only
    their own, whichever teacher the address names."""
    form = ScheduleFilter(request.GET or None)
    day, teacher = form.chosen()
    if not leads:
        return (
            form,
            day,
            None,
            schedules.round_slots(conversation_round, host_ids=[request.user.pk], day=day),
        )
    host_ids = [teacher] if teacher else None
    return form, day, teacher, schedules.round_slots(conversation_round, host_ids=host_ids, day=day)


def _query(day: datetime.date | None, teacher: int | None) -> str:
    """The filters in use, for links between the schedule and its door lists."""
    chosen = {"day": day.isoformat() if day else "", "teacher": teacher or ""}
    return urlencode({name: value for name, value in chosen.items() if value})


def _viewed(request, conversation_round: ConversationRound, slots, what: str) -> None:
    audit.viewed(
        request,
        student=schedules.booked_students(conversation_round, slots),
        obj=conversation_round,
        what=f"{what}: {conversation_round.title}",
    )


@require_safe
@staff_only
def round_schedule(request, pk: int):
    """The round's schedule per day: each teacher's times in order, who comes and what they
    need. Leaders see every teacher and, above it, what the school must arrange."""
    conversation_round, leads = _round(request, pk)
    zone = conversation_round.school.zone
    form, day, teacher, slots = _scope(request, conversation_round, leads)
    hosts = schedules.round_hosts(conversation_round) if leads else []
    own = schedules.round_slots(conversation_round, host_ids=None if leads else [request.user.pk])
    days = schedules.round_days(own, zone)
    schedule = schedules.schedule_days(conversation_round, slots)
    _viewed(request, conversation_round, slots, _("Schedule"))
    context = {
        "round": conversation_round,
        "leads": leads,
        "form": form,
        "schedule": schedule,
        "labels": schedules.time_labels(),
        "hosts": hosts,
        "days": days,
        "day": day,
        "teacher": teacher,
        "query": _query(day, teacher),
    }
    if leads:
        context |= {
            "needs": schedules.needs_by_day(conversation_round, slots),
            "interpreters": schedules.interpreters_needed(conversation_round, slots),
            "without_times": list(
                schedules.teachers_without_times(conversation_round).values_list("name", flat=True)
            ),
        }
    return render(request, "conversations/schedule.html", context)


@require_safe
@staff_only
def round_door_lists(request, pk: int):
    """Door lists to print: one page per teacher per day, with each time, the child and their
    class, who is coming and how, and what they need."""
    conversation_round, leads = _round(request, pk)
    form, day, teacher, slots = _scope(request, conversation_round, leads)
    schedule = schedules.schedule_days(conversation_round, slots)
    _viewed(request, conversation_round, slots, _("Door lists"))
    return render(
        request,
        "conversations/door_lists.html",
        {
            "round": conversation_round,
            "form": form,
            "schedule": schedule,
            "labels": schedules.time_labels(),
            "query": _query(day, teacher),
        },
    )


class ClassFilter(forms.Form):
    classroom = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": gettext_lazy("We couldn’t find that class here.")},
    )

    def __init__(self, *args, classes: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classroom"].choices = [("", "")] + [
            (str(row["classroom_id"] or NO_CLASS), row["classroom__name"] or "") for row in classes
        ]

    def chosen(self) -> str:
        """The class to list (an id, or ``NO_CLASS``); empty for none chosen or unknown."""
        return self.cleaned_data["classroom"] if self.is_bound and self.is_valid() else ""


def _nudge(request, conversation_round: ConversationRound, students) -> str:
    """Remind the whānau who have not booked (of the class sent, or all this person may).
    The address to go back to."""
    back = reverse("round_not_booked", args=[conversation_round.pk])
    value = request.POST.get("classroom", "")
    classroom = None
    if value:
        if an_id(value) is None:
            raise Http404
        classroom = get_object_or_404(
            Classroom.objects.filter(pk__in=students.values("classroom_id")), pk=value
        )
        back += f"?classroom={classroom.pk}"
    try:
        reach = nudges.round_nudge(
            conversation_round=conversation_round, by=request.user, classroom=classroom
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    if reach.people:
        messages.success(
            request,
            ngettext(
                "Reminders are on their way to %(people)d whānau member, each when it suits "
                "them (never in their quiet hours).",
                "Reminders are on their way to %(people)d whānau members, each when it suits "
                "them (never in their quiet hours).",
                reach.people,
            )
            % {"people": reach.people},
        )
    else:
        messages.info(request, _("Nobody is left to remind: they have booked, or been reminded."))
    return back


@staff_only
@require_http_methods(["GET", "POST"])
@once_per_form
def round_not_booked(request, pk: int):
    """Per class, the children without a booking (where each household books its own, each
    household of theirs still to book), and a reminder to book for their whānau: once per
    child and round. A leader sees every class of the round, a teacher their own students."""
    conversation_round, leads = _round(request, pk)
    students = nudges.nudge_scope(conversation_round=conversation_round, by=request.user)
    if request.method == "POST":
        return redirect(_nudge(request, conversation_round, students))
    classes = nudges.classes_summary(conversation_round, students)
    form = ClassFilter(request.GET or None, classes=classes)
    chosen = form.chosen()
    listed = students
    if chosen == NO_CLASS:
        listed = students.filter(classroom__isnull=True)
    elif chosen:
        listed = students.filter(classroom_id=chosen)
    show_children = bool(chosen) or not leads
    children = []
    if show_children:
        audit.viewed(
            request,
            student=listed.filter(nudges.not_booked(conversation_round)),
            obj=conversation_round,
            what=_("Not booked: %(title)s") % {"title": conversation_round.title},
        )
        children = nudges.not_booked_children(conversation_round, listed)
    # What the reminder button reaches: the class chosen, or everyone here (children in no
    # class are reminded with every class).
    reach = nudges.class_reach(classes, None if chosen in ("", NO_CLASS) else int(chosen))
    return render(
        request,
        "conversations/not_booked.html",
        {
            "round": conversation_round,
            "leads": leads,
            "form": form,
            "classes": classes,
            "chosen": chosen,
            "chosen_id": chosen if chosen and chosen != NO_CLASS else "",
            "show_children": show_children,
            "children": children,
            "reach": reach,
            "refusal": nudges.refusal(conversation_round),
            "reminders": nudges.reminders_asked(conversation_round),
        },
    )
