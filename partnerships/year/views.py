"""A leader's year pages: a student leaving (or back after a mistake), and the year rollover:
preview the choices as often as needed, then confirm once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partnerships.access import students_led_by
from partnerships.roles import leader_only, request_roles
from partnerships.year import services
from partnerships.year.forms import LeaveForm, RolloverForm


@login_required
@require_POST
@leader_only
def student_leave(request, pk: int):
    """Mark a student of the leader's school as having left, on a date (today if none)."""
    student = get_object_or_404(students_led_by(request.user), pk=pk)
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the leaving date as a date, or leave it empty."))
        return redirect("student_detail", pk=student.pk)
    left_on = form.left_on_or_today()
    try:
        left = services.student_leave(student=student, by=request.user, left_on=left_on)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("student_detail", pk=student.pk)
    if left:
        messages.success(
            request,
            _(
                "%(name)s is marked as having left on %(date)s. Their record is kept to read; "
                "their sign-in card no longer works."
            )
            % {"name": student.display_name, "date": formats.date_format(left_on)},
        )
    else:
        messages.info(request, _("%(name)s had already left.") % {"name": student.display_name})
    return redirect("student_detail", pk=student.pk)


@login_required
@require_POST
@leader_only
def student_return(request, pk: int):
    """Undo a leaving marked by mistake."""
    student = get_object_or_404(students_led_by(request.user), pk=pk)
    if services.student_return(student=student, by=request.user):
        messages.success(
            request,
            _(
                "%(name)s is back at the school. Put them in a class, and issue a new sign-in "
                "card if they need one."
            )
            % {"name": student.display_name},
        )
    else:
        messages.info(request, _("%(name)s had not left.") % {"name": student.display_name})
    return redirect("student_detail", pk=student.pk)


@leader_only
@require_http_methods(["GET", "POST"])
def year_rollover(request):
    """The rollover's preview: GET with the usual choices; a POST with ``preview`` shows the
    submitted choices (nothing written); one with ``confirm`` does what the page last
    previewed, once (choices changed since are shown again, to preview first)."""
    school = request_roles(request).led_school
    classes = services.school_classes(school)
    if request.method == "GET":
        preview = services.rollover_preview(school=school, plan=services.Plan(), classes=classes)
        form = RolloverForm(classes=classes, year=school.year, top_year=preview.top_year)
        return _page(request, school, form, preview)
    form = RolloverForm(request.POST, classes=classes, year=school.year, top_year=0)
    if not form.is_valid():
        return _page(request, school, form, None)
    plan = form.plan()
    if "confirm" in request.POST:
        if request.POST.get("previewed") != plan.signature():
            form.add_error(
                None,
                _("Your choices changed after the preview. Check what will happen, then confirm."),
            )
        else:
            try:
                done = services.year_rollover(
                    school=school,
                    by=request.user,
                    from_year=form.cleaned_data["from_year"],
                    plan=plan,
                )
            except services.AlreadyRolledOverError as error:
                messages.info(request, " ".join(error.messages))
                return redirect("year_rollover")
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, services.rollover_summary(done, form.cleaned_data["from_year"])
                )
                return redirect("home")
    preview = services.rollover_preview(school=school, plan=plan, classes=classes)
    for classroom_id, error in preview.errors.items():
        form.add_error(f"new_{classroom_id}", error)
    return _page(request, school, form, preview)


def _page(request, school, form, preview):
    students = (
        {move.classroom.pk: move.moving + move.leaving for move in preview.moves} if preview else {}
    )
    return render(
        request,
        "partnerships/year/rollover.html",
        {
            "school": school,
            "form": form,
            "rows": [(*row, students.get(row[0].pk)) for row in form.rows()],
            "preview": preview,
            "can_confirm": preview is not None and not preview.errors,
            "next_year": school.year + 1,
        },
    )
