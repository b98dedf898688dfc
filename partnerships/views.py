"""Pages for the partnership: home per role, staff, whānau, invitations and the audit trail."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from learners.models import Classroom, Student
from partnerships import services
from partnerships.access import (
    audit_events_visible_to,
    classes_visible_to,
    own_whanau_links,
    request_roles,
    staff_visible_to,
    students_managed_by,
    whanau_links_managed_by,
    whanau_members_visible_to,
)
from partnerships.forms import (
    PREFERENCE_FIELDS,
    StaffInviteForm,
    StaffJoinForm,
    WhanauInviteForm,
    WhanauJoinForm,
    WhanauLinkForm,
    WhanauMemberForm,
    WhanauPreferencesForm,
)
from partnerships.models import Invitation, School, User, WhanauMember

PER_PAGE = 50


def home(request):
    """Each person's starting page: the sections for every role they hold."""
    if not request.user.is_authenticated:
        return render(request, "partnerships/welcome.html")
    roles = request_roles(request)
    context = {}
    if roles.is_leader:
        school = School.objects.with_counts().get(pk=roles.led_school.pk)
        context["school"] = school
        context["school_classes"] = (
            Classroom.objects.filter(school=school)
            .annotate(student_count=Count("students"))
            .prefetch_related("teachers")
        )
    if roles.is_staff:
        my_classes = list(
            classes_visible_to(request.user)
            .filter(teachers=request.user)
            .annotate(student_count=Count("students", distinct=True))
        )
        if roles.is_teacher or my_classes:  # most leaders don't teach a class
            context["my_classes"] = my_classes
            context["my_assigned_students"] = (
                students_managed_by(request.user)
                .filter(assigned_teachers=request.user)
                .select_related("classroom")
            )
    if roles.is_whanau:
        context["my_tamariki"] = (
            own_whanau_links(request.user)
            .select_related("student__classroom", "student__school")
            .order_by("student__first_name")
        )
    if roles.is_student:
        context["me"] = Student.objects.select_related("classroom", "school").get(
            pk=roles.student_id
        )
    return render(request, "partnerships/home.html", context)


def _led_school(request) -> School:
    school = request_roles(request).led_school
    if school is None:
        raise Http404
    return school


@login_required
@require_http_methods(["GET", "POST"])
def school_staff(request):
    """A leader's staff list, and inviting someone to join."""
    school = _led_school(request)
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create_staff(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("school_staff")
    staff = staff_visible_to(request.user).filter(school=school).select_related("user")
    invitations = Invitation.objects.pending().filter(school=school, kind=Invitation.Kind.STAFF)
    return render(
        request,
        "partnerships/school_staff.html",
        {
            "school": school,
            "staff": staff.order_by("user__name"),
            "invitations": invitations,
            "form": form,
        },
    )


@login_required
def school_whanau(request):
    """A leader's list of the school's whānau and whom they are linked to."""
    school = _led_school(request)
    members = whanau_members_visible_to(request.user).filter(school=school)
    query = request.GET.get("q", "").strip()
    if query:
        members = members.filter(Q(name__icontains=query) | Q(email__icontains=query))
    members = members.prefetch_related("links__student").order_by("name", "pk")
    page = Paginator(members, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "partnerships/school_whanau.html", {"school": school, "page": page, "query": query}
    )


@login_required
@require_http_methods(["GET", "POST"])
def student_whanau(request, pk: int):
    """A student's whānau: who is linked, with what access, and inviting someone new."""
    student = get_object_or_404(students_managed_by(request.user), pk=pk)
    form = WhanauInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create_whanau(student=student, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("student_whanau", pk=student.pk)
    links = student.whanau_links.select_related("whanau").order_by("-has_access", "whanau__name")
    invitations = student.invitations.filter(accepted_at__isnull=True).order_by("-created_at")
    return render(
        request,
        "partnerships/student_whanau.html",
        {"student": student, "links": links, "invitations": invitations, "form": form},
    )


@login_required
@require_POST
def invitation_resend(request, pk: int):
    """Send a fresh link for an invitation that was lost or ran out."""
    invitation = get_object_or_404(
        Invitation.objects.filter(
            Q(student__in=students_managed_by(request.user))
            | Q(kind=Invitation.Kind.STAFF, school__in=request_roles(request).led_school_ids)
        ),
        pk=pk,
        accepted_at__isnull=True,
    )
    services.invitation_resend(invitation=invitation, by=request.user)
    messages.success(request, _("A new link was sent to %(email)s.") % {"email": invitation.email})
    if invitation.student_id:
        return redirect("student_whanau", pk=invitation.student_id)
    return redirect("school_staff")


@login_required
@require_http_methods(["GET", "POST"])
def whanau_link_edit(request, pk: int, link_pk: int):
    """Change a link's access and the whānau member's details, together."""
    link = get_object_or_404(
        whanau_links_managed_by(request.user).select_related("whanau", "student"),
        pk=link_pk,
        student_id=pk,
    )
    data = request.POST or None
    link_form = WhanauLinkForm(data, instance=link, prefix="link")
    member_form = WhanauMemberForm(data, instance=link.whanau, prefix="member")
    if request.method == "POST" and link_form.is_valid() and member_form.is_valid():
        services.whanau_link_update(link_form=link_form, member_form=member_form, by=request.user)
        messages.success(request, _("Saved %(name)s’s details.") % {"name": link.whanau.name})
        return redirect("student_whanau", pk=link.student_id)
    return render(
        request,
        "partnerships/whanau_link_form.html",
        {"link": link, "student": link.student, "link_form": link_form, "member_form": member_form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def whanau_preferences(request):
    """A whānau member's own preferences: language, contact, times that suit, needs."""
    member = (
        WhanauMember.objects.filter(user=request.user, links__in=own_whanau_links(request.user))
        .order_by("pk")
        .first()
    )
    if member is None:
        raise Http404
    form = WhanauPreferencesForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        preferences = {name: form.cleaned_data[name] for name in ["phone", *PREFERENCE_FIELDS]}
        services.whanau_preferences_update(user=request.user, preferences=preferences)
        messages.success(request, _("Thank you. Your preferences are saved."))
        return redirect("home")
    return render(request, "partnerships/whanau_preferences.html", {"form": form})


@login_required
def student_history(request, pk: int):
    """Who viewed or changed a student's record, newest first (leaders only)."""
    events = audit_events_visible_to(request.user).filter(student_id=pk)
    student = get_object_or_404(
        Student.objects.filter(school__in=request_roles(request).led_school_ids), pk=pk
    )
    page = Paginator(events.select_related("actor"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "partnerships/student_history.html", {"student": student, "page": page})


@require_http_methods(["GET", "POST"])
def invitation_accept(request, key: str):
    """Join from an invitation link: it works once, and only until it expires."""
    try:
        invitation = services.invitation_for_key(key)
    except services.InvitationError as error:
        return render(
            request,
            "partnerships/invitation_unusable.html",
            {"reason": error.reason, "invitation": error.invitation},
            status=410 if error.invitation else 404,
        )
    is_staff = invitation.kind == Invitation.Kind.STAFF
    existing = User.objects.filter(email=invitation.email).first()
    if is_staff:
        form = StaffJoinForm(
            request.POST or None,
            initial={"name": existing.name if existing else invitation.name},
            email=invitation.email,
            needs_password=existing is None or not existing.has_usable_password(),
        )
    else:
        form = WhanauJoinForm(
            request.POST or None,
            initial={
                "name": existing.name if existing else invitation.name,
                "language": invitation.language,
            },
        )
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="accept_invitation"):
            form.add_error(None, _("Too many tries. Wait a minute, then try again."))
        else:
            try:
                user = services.invitation_accept(
                    key=key,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data.get("password1"),
                    language=form.cleaned_data.get("language"),
                )
            except services.InvitationError as error:
                return render(
                    request,
                    "partnerships/invitation_unusable.html",
                    {"reason": error.reason, "invitation": error.invitation},
                    status=410,
                )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Kia ora, %(name)s. Welcome to %(school)s.")
                % {"name": user.get_short_name(), "school": invitation.school.name},
            )
            if invitation.student_id:
                return redirect("student_detail", pk=invitation.student_id)
            return redirect("home")
    return render(
        request,
        "partnerships/invitation_accept.html",
        {"invitation": invitation, "form": form, "is_staff": is_staff},
    )
