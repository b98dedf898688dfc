"""Notices: the link in an email that opens one (and counts it read), each person's rhythm,
and what a student's whānau have been told and opened, for staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from partnerships import notices
from partnerships.access import students_managed_by
from partnerships.models import Notice, WhanauMember
from partnerships.notice_forms import NoticeSettingsForm, initial_for
from partnerships.roles import request_roles, staff_only

PER_PAGE = 50


@require_safe
def notice_open(request, token: str):
    """The link in a notice email: counted as opened, then on to the exact place."""
    try:
        notice = notices.notice_for_token(token)
    except (signing.BadSignature, Notice.DoesNotExist):
        return render(request, "partnerships/notice_link_problem.html", status=404)
    notices.notices_mark_read(Notice.objects.filter(pk=notice.pk))
    return redirect(notice.url)


def _kinds(roles) -> list:
    kinds = []
    if roles.is_whanau or roles.is_student:
        kinds += notices.kinds_for(notices.FAMILY)
    if roles.is_staff:
        kinds += notices.kinds_for(notices.STAFF)
    return kinds


@login_required
@require_http_methods(["GET", "POST"])
def notice_settings(request):
    """How often each person hears from us, per kind of notice, and when never."""
    roles = request_roles(request)
    kinds = _kinds(roles)
    # A whānau member's own rows hold what their emails follow; the account, the rest.
    person = WhanauMember.objects.filter(user=request.user).order_by("pk").first()
    person = person if roles.is_whanau and person else request.user
    form = NoticeSettingsForm(request.POST or None, kinds=kinds, initial=initial_for(person, kinds))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        quiet = data["quiet"]
        notices.notice_settings_save(
            user=request.user,
            rhythms=form.rhythms(),
            quiet_from=data["quiet_from"] if quiet else None,
            quiet_until=data["quiet_until"] if quiet else None,
            digest_time=data["digest_time"],
            digest_weekday=data["digest_weekday"],
        )
        messages.success(request, _("Saved. We will email you as you chose."))
        return redirect("notice_settings")
    return render(request, "partnerships/notice_settings.html", {"form": form})


@require_safe
@staff_only
def student_notices(request, pk: int):
    """What the student and their whānau have been told, when it went, and who opened it."""
    student = get_object_or_404(students_managed_by(request.user), pk=pk)
    told = (
        Notice.objects.filter(student=student)
        .filter(Q(whanau__isnull=False) | Q(user=student.user_id))
        .select_related("whanau", "user", "student")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(told, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {"notice": notice, "sentence": notices.sentence(notice, to_student=False)}
        for notice in page
    ]
    return render(
        request,
        "partnerships/student_notices.html",
        {"student": student, "page": page, "rows": rows},
    )
