"""Privacy requests' pages: a person's own requests and the form to ask; the privacy
officer's list of the school's requests by due date, and one request to answer."""

import datetime

import holidays
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from partnerships.access import own_whanau_links
from partnerships.models import PrivacyExport, PrivacyRequest, Staff, Student, WhanauLink
from partnerships.privacy import requests as services
from partnerships.privacy.due import is_working_day
from partnerships.privacy.exports import exports_for
from partnerships.privacy.policy import is_officer
from partnerships.privacy.request_forms import (
    ME,
    CorrectForm,
    DeclineForm,
    ExportForm,
    RequestForm,
)
from partnerships.roles import leader_only, request_roles
from partnerships.submissions import once_per_form

Kind = PrivacyRequest.Kind
Status = PrivacyRequest.Status


def _of_a_school(request) -> None:
    """Only someone of a school asks it for their information: staff, whānau, a student."""
    roles = request_roles(request)
    if not (roles.is_staff or roles.is_whanau or roles.is_student):
        raise Http404


@login_required
@require_safe
def privacy_requests(request):
    """The person's own requests: what they asked, when it is due, how it stands, and for an
    answered access request, their download while it lasts."""
    _of_a_school(request)
    own = (
        PrivacyRequest.objects.filter(requester=request.user)
        .select_related("student", "export")
        # A child's record no longer theirs to see is no longer offered (``exports_for``).
        .annotate(offered=Exists(exports_for(request.user).filter(request=OuterRef("pk"))))
        .order_by("-received_at", "-pk")
    )
    rows, now = [], timezone.now()
    for asked in own:
        export = getattr(asked, "export", None)
        # Past its expiry the link leads nowhere, even before the sweep marks it expired.
        ready = (
            export is not None
            and export.status == PrivacyExport.Status.READY
            and asked.offered
            and (export.expires_at is None or export.expires_at > now)
        )
        rows.append((asked, export if ready else None))
    return render(request, "partnerships/privacy/requests.html", {"rows": rows})


def _choices(request) -> list[tuple[str, str]]:
    """Whom a request may be about: a whānau member's tamariki (with access), a student
    themself, and "just me" for anyone else (or whānau asking about themself)."""
    roles = request_roles(request)
    choices = []
    if roles.is_student:
        student = Student.objects.filter(user=request.user).first()
        if student is not None:
            choices.append((str(student.pk), _("Me (%(name)s)") % {"name": student.display_name}))
    if roles.is_whanau:
        links = own_whanau_links(request.user).select_related("student").order_by("student_id")
        seen = set()
        for link in links:
            if link.student_id not in seen:
                seen.add(link.student_id)
                choices.append(
                    (
                        str(link.student_id),
                        _("My child %(name)s, and me") % {"name": link.student.display_name},
                    )
                )
    if not roles.is_student or roles.is_staff or roles.is_whanau:
        choices.append((ME, _("Just me")))
    return choices


def _record_asked(request):
    """The record a correction is about, from ``?record=<type>:<id>``: (its kind, the record)
    if the person may ask about it, else (None, None) and a reason."""
    record_type, _sep, record_id = request.GET.get("record", "").partition(":")
    kind_of = services.correctable(record_type)
    if kind_of is None or not (record_id.isascii() and record_id.isdigit()) or len(record_id) > 18:
        return record_type, None, None
    return record_type, kind_of, kind_of.find(request.user, int(record_id))


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form
def privacy_request_new(request):
    """Ask: for one's information (``kind=access``), or for a correction of a record
    (``kind=correction&record=<type>:<id>``, shown as it reads now)."""
    _of_a_school(request)
    kind = Kind.CORRECTION if request.GET.get("kind") == Kind.CORRECTION else Kind.ACCESS
    context = {"kind": kind, "Kind": Kind}
    record = kind_of = None
    if kind == Kind.CORRECTION:
        record_type, kind_of, record = _record_asked(request)
        if record is None:
            # Nothing to say about what was asked for: not found, whatever the reason.
            context["missing"] = bool(request.GET.get("record"))
            if request.method == "POST":
                messages.error(request, _("We could not find that among your records."))
            return render(request, "partnerships/privacy/request_new.html", context)
        labels = {field.name: field.label for field in kind_of.fields}
        context |= {
            "record_label": kind_of.label,
            "record_text": [(labels[n], v) for n, v in kind_of.text(record).items()],
        }
    form = RequestForm(
        request.POST if request.method == "POST" else None, kind=kind, choices=_choices(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = services.privacy_request_make(
                actor=request.user,
                kind=kind,
                student_id=form.student_id() if kind == Kind.ACCESS else None,
                details=form.cleaned_data["details"],
                record_type=record_type if record is not None else "",
                record_id=record.pk if record is not None else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("We have your request. We will answer by %(date)s.")
                % {"date": formats.date_format(made.due_on)},
            )
            return redirect("privacy_requests")
    context["form"] = form
    return render(request, "partnerships/privacy/request_new.html", context)


# The privacy officer's pages -------------------------------------------------------------


def _officer_school(request):
    """The school whose requests the officer answers; not its officer, no such page."""
    school = request_roles(request).led_school
    if school is None or not is_officer(request.user, school):
        raise Http404
    return school


def working_days_left(today: datetime.date, due: datetime.date, public) -> int:
    """Working days from tomorrow to the due day, inclusive (0 on the day itself or after)."""
    days, day = 0, today
    while day < due:
        day += datetime.timedelta(days=1)
        if is_working_day(day, public):
            days += 1
    return days


@leader_only
@require_safe
def privacy_requests_school(request):
    """Open requests first, soonest due first, with working days left (overdue marked); then
    those answered, the latest first."""
    school = _officer_school(request)
    everything = list(
        PrivacyRequest.objects.filter(school=school)
        .select_related("requester", "student")
        .order_by("due_on", "pk")
    )
    today = timezone.localdate(timezone=school.zone)
    public = holidays.country_holidays("NZ", years=range(today.year - 1, today.year + 2))
    open_rows = [
        (asked, working_days_left(today, asked.due_on, public), asked.due_on < today)
        for asked in everything
        if asked.status == Status.OPEN
    ]
    closed = sorted(
        (asked for asked in everything if asked.status != Status.OPEN),
        key=lambda asked: (asked.closed_at or asked.received_at, asked.pk),
        reverse=True,
    )
    return render(
        request,
        "partnerships/privacy/requests_school.html",
        {"school": school, "open_rows": open_rows, "closed": closed},
    )


def _who_asked(asked: PrivacyRequest) -> str:
    """The requester's part: the student themself, whānau of the child (how related), staff."""
    student = asked.student
    if student is not None and student.user_id == asked.requester_id:
        return _("The ākonga themself")
    if student is not None:
        link = WhanauLink.objects.filter(student=student, whanau__user=asked.requester).first()
        if link is not None:
            return _("%(relationship)s of %(name)s") % {
                "relationship": link.get_relationship_display(),
                "name": student.display_name,
            }
    if Staff.objects.filter(school=asked.school_id, user=asked.requester).exists():
        return _("Staff")
    if WhanauLink.objects.filter(
        whanau__user=asked.requester, student__school=asked.school_id
    ).exists():
        return _("Whānau")
    return _("Someone no longer at the school")


@leader_only
@require_http_methods(["GET", "POST"])
@once_per_form
def privacy_request_detail(request, pk: int):
    """One request, for its school's privacy officer: send the export (access), or correct
    the record or decline with the person's statement attached (correction)."""
    school = _officer_school(request)
    asked = get_object_or_404(
        PrivacyRequest.objects.filter(school=school).select_related(
            "requester", "student", "export", "closed_by"
        ),
        pk=pk,
    )
    kind_of = record = None
    if asked.kind == Kind.CORRECTION:
        kind_of = services.correctable(asked.record_type)
        if kind_of is not None and asked.record_id is not None:
            record = kind_of.find_for_officer(request.user, school, asked.record_id)
    current = kind_of.text(record) if record is not None else {}
    data = request.POST if request.method == "POST" else None
    action = data.get("action") if data is not None else None
    export_form = ExportForm(data if action == "export" else None)
    correct_form = (
        CorrectForm(data if action == "correct" else None, correctable=kind_of, current=current)
        if record is not None
        else None
    )
    decline_form = DeclineForm(
        data if action == "decline" else None, initial={"statement": asked.details}
    )
    if data is not None:
        done = _answer(request, asked, action, export_form, correct_form, decline_form)
        if done:
            return redirect("privacy_request_detail", pk=asked.pk)
    labels = {field.name: field.label for field in kind_of.fields} if kind_of else {}
    return render(
        request,
        "partnerships/privacy/request_detail.html",
        {
            "asked": asked,
            "who": _who_asked(asked),
            "export": getattr(asked, "export", None),
            "is_open": asked.status == Status.OPEN,
            "record": record,
            "record_label": kind_of.label if kind_of else "",
            "record_text": [(labels[name], value) for name, value in current.items()],
            "export_form": export_form,
            "correct_form": correct_form,
            "decline_form": decline_form,
            "about_themself": asked.student is not None
            and asked.student.user_id == asked.requester_id,
        },
    )


def _answer(request, asked, action, export_form, correct_form, decline_form) -> bool:
    """Do what the officer asked; True when done (or already done), False to show the page
    again with what to fix."""
    try:
        if action == "export" and export_form.is_valid():
            try:
                services.privacy_request_export(
                    actor=request.user,
                    request_id=asked.pk,
                    include_student=export_form.cleaned_data["include_student"],
                )
            except services.ExportAlreadyAskedError:
                messages.info(request, _("The export is already on its way: nothing more to do."))
            else:
                messages.success(
                    request,
                    _(
                        "The export is being built. We will email %(name)s when it is ready "
                        "to download."
                    )
                    % {"name": asked.requester.name},
                )
            return True
        if action == "correct" and correct_form is not None and correct_form.is_valid():
            services.privacy_request_correct(
                actor=request.user,
                request_id=asked.pk,
                values=correct_form.values(),
                response=correct_form.cleaned_data["response"],
            )
            messages.success(request, _("Corrected. We have emailed the person who asked."))
            return True
        if action == "decline" and decline_form.is_valid():
            services.privacy_request_decline(
                actor=request.user,
                request_id=asked.pk,
                response=decline_form.cleaned_data["response"],
                statement=decline_form.cleaned_data["statement"],
            )
            messages.success(
                request,
                _(
                    "Declined. Their statement is now shown with the record, and we have "
                    "emailed them."
                ),
            )
            return True
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        if not hasattr(error, "error_dict"):  # closed already, or the record is gone
            messages.error(request, " ".join(error.messages))
            return True
        form = correct_form if action == "correct" else decline_form
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    if action not in ("export", "correct", "decline"):
        messages.error(request, _("Please choose what to do with this request."))
        return True
    return False
