"""Report rounds for staff: the school's rounds, a round's reports class by class, and
publishing a class in the background with its progress."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnerships.access import classes_visible_to, students_managed_by
from partnerships.models import Classroom
from partnerships.roles import request_roles, staff_only
from partnerships.submissions import once_per_form
from reports import publishing, services
from reports.access import reports_managed_by, rounds_visible_to, runs_visible_to
from reports.models import PublishRun, Report


class RoundForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=services.NAME_MAX,
        help_text=gettext_lazy("For example: Mid-year 2026."),
    )
    period_starts_on = forms.DateField(
        label=gettext_lazy("Covers learning since"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "Anything of concern in a report must have been talked through with whānau "
            "since this day."
        ),
    )
    due_on = forms.DateField(
        label=gettext_lazy("Reports go home by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    classes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Classes"),
        queryset=Classroom.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose the classes this round covers.")},
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classes"].queryset = Classroom.objects.filter(school=school)


def _school(request):
    school = request_roles(request).staff_school
    if school is None:
        raise Http404
    return school


@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
@once_per_form
def report_round_list(request):
    """The school's rounds, newest first, with how far each has gone; leaders open rounds."""
    school = _school(request)
    is_leader = request_roles(request).is_leader
    form = RoundForm(request.POST or None, school=school) if is_leader else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if request.POST.get("form") == "approval":
            services.school_reports_approval_set(
                actor=request.user, school=school, required=request.POST.get("required") == "on"
            )
            messages.success(request, _("Saved."))
            return redirect("report_round_list")
        if form.is_valid():
            try:
                round_ = services.report_round_create(
                    actor=request.user, school=school, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("“%(name)s” is open: a draft report waits for each student.")
                    % {"name": round_.name},
                )
                return redirect(round_)
    mine = Q(reports__student__in=students_managed_by(request.user))
    rounds = (
        rounds_visible_to(request.user)
        .filter(school=school)
        .annotate(
            report_count=Count("reports", filter=mine),
            published_count=Count("reports", filter=mine & Q(reports__published_version__gt=0)),
            held_count=Count(
                "reports",
                filter=mine
                & Q(reports__held_at__isnull=False)
                & ~Q(reports__status=Report.Status.PUBLISHED),
            ),
        )
    )
    return render(
        request,
        "reports/round_list.html",
        {"rounds": rounds, "form": form, "school": school, "is_leader": is_leader},
    )


@require_safe
@staff_only
def report_round_detail(request, pk: int):
    """A round's reports, class by class: where each stands, and a class to publish."""
    round_ = get_object_or_404(rounds_visible_to(request.user).select_related("school"), pk=pk)
    classes = list(
        classes_visible_to(request.user).filter(report_rounds=round_).order_by("year_level", "name")
    )
    reports = (
        reports_managed_by(request.user)
        .filter(round=round_)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "pk")
    )
    by_class = {classroom.pk: [] for classroom in classes}
    for report in reports:
        by_class.setdefault(report.student.classroom_id, []).append(report)
    runs = {
        run.classroom_id: run
        for run in runs_visible_to(request.user).filter(round=round_).order_by("created_at")
    }
    sections = [
        {
            "classroom": classroom,
            "reports": by_class.pop(classroom.pk),
            "run": runs.get(classroom.pk),
        }
        for classroom in classes
    ]
    # Students they support outside the classes they teach: listed, published one by one.
    others = [report for reports_of_class in by_class.values() for report in reports_of_class]
    if others:
        sections.append({"classroom": None, "reports": others, "run": None})
    for section in sections:
        section["to_publish"] = sum(
            1 for each in section["reports"] if each.status != Report.Status.PUBLISHED
        )
    return render(
        request,
        "reports/round_detail.html",
        {
            "round": round_,
            "sections": sections,
            "is_leader": request_roles(request).is_leader,
        },
    )


@login_required
@require_POST
@staff_only
@once_per_form
def report_class_publish(request, pk: int, class_pk: int):
    """Start publishing a class's reports; the run's page shows how it goes."""
    round_ = get_object_or_404(rounds_visible_to(request.user), pk=pk)
    classroom = get_object_or_404(classes_visible_to(request.user), pk=class_pk)
    try:
        run = publishing.publish_run_start(actor=request.user, round_=round_, classroom=classroom)
    except PermissionDenied as error:
        raise Http404 from error
    return redirect("publish_run_detail", pk=run.pk)


@require_safe
@staff_only
def publish_run_detail(request, pk: int):
    """How far publishing a class has gone; htmx asks again each second until it is done."""
    run = get_object_or_404(
        runs_visible_to(request.user).select_related("round", "classroom"), pk=pk
    )
    held = reports_managed_by(request.user).filter(pk__in=run.held).select_related("student")
    not_ready = (
        reports_managed_by(request.user).filter(pk__in=run.not_ready).select_related("student")
    )
    context = {
        "run": run,
        "held": held if run.held else [],
        "not_ready": not_ready if run.not_ready else [],
        "finished": run.status == PublishRun.Status.DONE,
    }
    template = "reports/run_detail.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, context)
