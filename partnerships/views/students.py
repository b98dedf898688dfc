"""The people graph's pages about ākonga: the school's list, a class, a student's page
(composed of panels from every app), their details, history and sign-in card."""

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from partnerships import audit, cards, services, sessions
from partnerships.access import (
    audit_events_visible_to,
    classes_visible_to,
    relation_to,
    students_led_by,
    students_managed_by,
    students_visible_to,
)
from partnerships.forms import (
    CardCodeForm,
    RecordHistoryForm,
    StudentForm,
)
from partnerships.models import (
    SignInCard,
    Student,
)
from partnerships.pages import STUDENT, STUDENT_LINKS
from partnerships.roles import request_roles, staff_only

PER_PAGE = 50


@require_safe
@staff_only
def school_students(request):
    """Every student a leader or teacher looks after, searchable, a page at a time; for a
    leader, ``?left=1`` lists the school's leavers instead (their records kept to read)."""
    leavers = request.GET.get("left") == "1" and request_roles(request).is_leader
    if leavers:
        students = students_led_by(request.user).exclude(left_on=None)
    else:
        students = students_managed_by(request.user).select_related("classroom")
    query = request.GET.get("q", "").strip()
    if query:
        students = students.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(preferred_name__icontains=query)
        )
    page = Paginator(students.in_class_order(), PER_PAGE).get_page(request.GET.get("page"))
    template = "partnerships/school_students.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"page": page, "query": query, "leavers": leavers})


@require_safe
@login_required
def class_detail(request, pk: int):
    classroom = get_object_or_404(
        classes_visible_to(request.user).select_related("school").prefetch_related("teachers"),
        pk=pk,
    )
    students = list(
        classroom.students.filter(pk__in=students_visible_to(request.user).values("pk"))
        .annotate(whanau_count=Count("whanau_links", filter=Q(whanau_links__has_access=True)))
        .order_by("last_name", "first_name", "pk")
    )
    # The audit names those listed by key: handed the query, it asked again whom I may see
    # (a whole school, for a leader).
    if students:
        listed = Student.objects.filter(pk__in=[student.pk for student in students])
        audit.viewed(request, student=listed, obj=classroom, what=classroom.name)
    return render(
        request, "partnerships/class_detail.html", {"classroom": classroom, "students": students}
    )


@require_safe
@login_required
def student_detail(request, pk: int):
    student = get_object_or_404(
        students_visible_to(request.user).select_related("classroom", "school"), pk=pk
    )
    relation = relation_to(request.user, student)
    can_manage = relation.can_manage
    whanau_links = []
    if relation.reads_as_staff:
        whanau_links = list(student.whanau_links.select_related("whanau").order_by("whanau__name"))
    audit.viewed(request, student=student)
    return render(
        request,
        "partnerships/student_detail.html",
        {
            "student": student,
            "can_manage": can_manage,
            "reads_as_staff": relation.reads_as_staff,
            "is_self": student.user_id == request.user.pk,
            "whanau_links": whanau_links,
            "is_leader": student.school_id in request_roles(request).led_school_ids,
            "links": STUDENT_LINKS.render(request, student, relation),
            "panels": STUDENT.render(request, student, relation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def student_edit(request, pk: int):
    student = get_object_or_404(students_managed_by(request.user), pk=pk)
    form = StudentForm(request.POST or None, instance=student)
    if request.method == "POST" and form.is_valid():
        services.student_update(student=student, by=request.user, data=form.cleaned_data)
        messages.success(request, _("Saved %(name)s’s details.") % {"name": student.display_name})
        return redirect("student_detail", pk=student.pk)
    return render(request, "partnerships/student_form.html", {"student": student, "form": form})


@require_safe
@login_required
def student_history(request, pk: int):
    """Who looked at or changed a student's record and when, newest first (leaders only);
    ``?show=views`` or ``changes`` for one kind. A look is a row a visit (``audit.viewed``)."""
    events = audit_events_visible_to(request.user).filter(student_id=pk)
    student = get_object_or_404(students_led_by(request.user), pk=pk)
    form = RecordHistoryForm(request.GET)
    show = form.cleaned_data["show"] if form.is_valid() else form.EVERYTHING
    if show == form.VIEWS:
        events = events.views()
    elif show == form.CHANGES:
        events = events.changes()
    page = Paginator(events.select_related("actor"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/student_history.html",
        {"student": student, "page": page, "form": form, "show": show},
    )


@login_required
@require_http_methods(["GET", "POST"])
def student_card(request, pk: int):
    """The printable sign-in card, and issuing or revoking it."""
    student = get_object_or_404(students_managed_by(request.user).select_related("school"), pk=pk)
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.sign_in_card_revoke(student=student, by=request.user)
            messages.success(request, _("The card no longer works. Issue a new one when needed."))
        else:
            services.sign_in_card_issue(student=student, by=request.user)
            messages.success(
                request, _("A new card is ready to print. Any old card no longer works.")
            )
        return redirect("student_card", pk=student.pk)
    audit.viewed(request, student=student, what=_("Sign-in card"))
    card = SignInCard.objects.active().filter(student=student).first()
    qr = None
    if card is not None:
        url = request.build_absolute_uri(card.qr_path)
        qr = segno.make(url, error="m").svg_data_uri(scale=6, border=2)
    return render(
        request, "partnerships/student_card.html", {"student": student, "card": card, "qr": qr}
    )


@require_http_methods(["GET", "POST"])
def card_sign_in(request, code: str = ""):
    """Sign in with the code on a printed card, typed in or read from its QR code (which also
    carries the card's key); wrong codes are limited (``partnerships.cards``)."""
    key = cards.clean_key(request.GET.get("key"))
    form = CardCodeForm(request.POST or None, initial={"code": code, "key": key})
    if request.method == "POST" and form.is_valid():
        attempt = cards.sign_in_attempt(
            request, code=form.cleaned_data["code"], key=form.cleaned_data["key"]
        )
        if attempt.student is not None:
            student_user = attempt.student.user
            login(request, student_user, backend="django.contrib.auth.backends.ModelBackend")
            sessions.card_session_start(request)
            return redirect("home")
        form.add_error("code" if attempt.error else None, attempt.error or attempt.refusal)
    return render(request, "partnerships/card_sign_in.html", {"form": form, "from_qr": bool(code)})
