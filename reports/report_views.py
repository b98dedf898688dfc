"""A student's report: staff write it and send it home; the student reflects; whānau and the
student read it and write "how you can help at home" together."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learners.access import goals_visible_to
from learners.models import Disposition, Goal, LearningArea
from partnerships import audit, pdf
from partnerships.access import StudentLeftError, leads, relation_to, students_visible_to
from partnerships.models import Voice
from partnerships.submissions import once_per_form
from reports import content, publishing, services, surprises
from reports.access import reports_managed_by, reports_to_reflect_on, reports_visible_to
from reports.forms import HomeHelpForm, ReflectionForm, ReportForm, ResponseForm
from reports.models import AchievementLevel, Report

STATUS_MOVES = {
    "reflection": services.report_ask_reflection,
    "ready": services.report_mark_ready,
    "approve": services.report_approve,
}


def _report(request, pk: int, scope) -> Report:
    return get_object_or_404(
        scope(request.user).select_related("round__school", "student__classroom"), pk=pk
    )


def _viewed(request, report: Report, what: str) -> None:
    audit.viewed(request, student=report.student, obj=report, what=what)


@require_safe
@login_required
def report_detail(request, pk: int):
    """Staff: the report as it stands, the check, and the next step. Whānau and the student:
    the version that went home, and their part."""
    report = _report(request, pk, reports_visible_to)
    relation = relation_to(request.user, report.student)
    _viewed(request, report, _("The report: %(round)s") % {"round": report.round.name})
    versions = list(report.versions.order_by("-number").select_related("published_by"))
    context = {
        "report": report,
        "relation": relation,
        "versions": versions,
        "pdf_available": pdf.pdf_available(),
        "responses": report.responses.select_related("author"),
    }
    if relation.can_manage:
        context |= _staff_context(request, report, versions)
        return render(request, "reports/report_staff.html", context)
    current = versions[0]  # whānau and the student only reach published reports
    context |= {
        "content": content.present(current.content),
        "current": current,
        "changed_labels": content.section_labels(current.changed),
        "home_form": HomeHelpForm(initial={"text": report.home_help}),
        "respond_form": ResponseForm(),
        "is_whanau": relation.voice == Voice.WHANAU,
    }
    return render(request, "reports/report_family.html", context)


def _staff_context(request, report: Report, versions) -> dict:
    is_leader = leads(request.user, report.round.school_id)
    waiting = report.status != Report.Status.PUBLISHED
    unraised = surprises.unraised(report) if waiting else []
    return {
        "content": content.present(content.snapshot(report)),
        "unraised": unraised,
        "readers": surprises.readers_of(report),
        "is_leader": is_leader,
        "may_publish": waiting and publishing.may_publish(request.user, report),
        "needs_approval": report.round.school.reports_need_approval,
        "student_signs_in": report.student.user_id is not None,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@once_per_form
def report_edit(request, pk: int):
    """The school's part: achievement, dispositions, the teacher's comment, learning support."""
    report = _report(request, pk, reports_managed_by)
    school_id = report.round.school_id
    areas = list(LearningArea.objects.filter(school_id=school_id))
    dispositions = list(Disposition.objects.filter(school_id=school_id))
    levels = list(AchievementLevel.objects.filter(school_id=school_id))
    form = ReportForm(
        request.POST or None,
        report=report,
        areas=areas,
        dispositions=dispositions,
        levels=levels,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.report_save(actor=request.user, report=report, **form.for_service())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                messages.success(request, _("Saved."))
            else:
                messages.info(request, _("Nothing had changed."))
            return redirect(report)
    return render(
        request,
        "reports/report_edit.html",
        {"report": report, "form": form, "rows": form.rows(), "levels": levels},
    )


@login_required
@require_POST
@once_per_form
def report_status(request, pk: int):
    """Hand to the student, mark ready, approve."""
    report = _report(request, pk, reports_managed_by)
    move = STATUS_MOVES.get(request.POST.get("action", ""))
    if move is None:
        messages.error(request, _("Choose what to do with the report."))
        return redirect(report)
    try:
        move(actor=request.user, report=report)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        report.refresh_from_db(fields=["status"])
        messages.success(
            request, _("The report is now “%(status)s”.") % {"status": report.get_status_display()}
        )
    return redirect(report)


@login_required
@require_POST
@once_per_form
def report_publish(request, pk: int):
    """Send the report home, if nothing in it would surprise the family (or a leader says why
    it must go anyway)."""
    report = _report(request, pk, reports_managed_by)
    reason = request.POST.get("reason", "")
    if "\x00" in reason:  # PostgreSQL cannot store it
        messages.error(
            request, _("The reason has characters we cannot read. Please type it again.")
        )
        return redirect(report)
    try:
        result = publishing.report_publish(actor=request.user, report=report, reason=reason)
    except PermissionDenied as error:
        raise Http404 from error
    except publishing.HeldError:
        messages.error(
            request,
            _(
                "Not published: something in this report has not yet been talked through with "
                "the family. The list below says what, and with whom."
            ),
        )
        return redirect(f"{report.get_absolute_url()}#check")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(report)
    if result.created:
        messages.success(request, _("Published: the family has been sent the report."))
    else:
        messages.info(request, _("This report had already gone home: nothing was sent again."))
    return redirect(report)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@once_per_form
def report_reflection(request, pk: int):
    """The student writes their own reflection while their teacher asks for one."""
    report = _report(request, pk, reports_to_reflect_on)
    form = ReflectionForm(request.POST or None, initial={"text": report.student_reflection})
    if request.method == "POST" and form.is_valid():
        try:
            services.report_reflect(
                actor=request.user, report=report, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your reflection is with your teacher."))
            return redirect("home")
    goals = goals_visible_to(request.user).filter(
        student_id=report.student_id, status=Goal.Status.ACTIVE
    )
    return render(
        request, "reports/report_reflection.html", {"report": report, "form": form, "goals": goals}
    )


def _family_write(request, pk: int, *, form_class, write, done: str, anchor: str):
    report = _report(request, pk, reports_visible_to)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            write(actor=request.user, report=report, text=form.cleaned_data["text"])
        except StudentLeftError as error:
            messages.error(request, str(error))
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
    else:
        messages.error(request, " ".join(form.errors["text"]))
    return redirect(f"{reverse('report_detail', args=[report.pk])}#{anchor}")


@login_required
@require_POST
@once_per_form
def report_home_help(request, pk: int):
    """Whānau and the student write "how you can help at home"."""
    return _family_write(
        request,
        pk,
        form_class=HomeHelpForm,
        write=publishing.report_home_help_save,
        done=_("Saved: your teacher can read what you will do at home."),
        anchor="home",
    )


def _respond(*, actor, report, text):
    return publishing.report_respond(actor=actor, report=report, body=text)


@login_required
@require_POST
@once_per_form
def report_respond(request, pk: int):
    """Whānau and the student say something back to the school."""
    return _family_write(
        request,
        pk,
        form_class=ResponseForm,
        write=_respond,
        done=_("Sent to the school. Thank you."),
        anchor="responses",
    )


@require_safe
@login_required
def student_reports(request, pk: int):
    """A student's reports: every one to their teachers; those gone home to whānau and them."""
    student = get_object_or_404(students_visible_to(request.user), pk=pk)
    relation = relation_to(request.user, student)
    reports = (
        reports_visible_to(request.user)
        .filter(student=student)
        .select_related("round")
        .order_by("-round__due_on", "-pk")
    )
    reflect = reports_to_reflect_on(request.user).filter(student=student).select_related("round")
    return render(
        request,
        "reports/student_reports.html",
        {"student": student, "relation": relation, "reports": reports, "reflect": reflect},
    )
