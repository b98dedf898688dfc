"""Whānau pages: the school's whānau, a student's whānau and their links, one's own
preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from partnerships import audit, services
from partnerships.access import (
    leader_only,
    own_whanau_links,
    request_roles,
    students_managed_by,
    whanau_links_managed_by,
    whanau_members_visible_to,
)
from partnerships.forms import (
    PREFERENCE_FIELDS,
    WhanauInviteForm,
    WhanauLinkForm,
    WhanauMemberForm,
    WhanauPreferencesForm,
)
from partnerships.models import (
    WhanauMember,
)
from partnerships.submissions import once_per_form

PER_PAGE = 50


@require_safe
@leader_only
def school_whanau(request):
    """A leader's list of the school's whānau and whom they are linked to."""
    school = request_roles(request).led_school
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
@once_per_form
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
    audit.viewed(request, student=student, what=_("Whānau and their contacts"))
    return render(
        request,
        "partnerships/student_whanau.html",
        {"student": student, "links": links, "invitations": invitations, "form": form},
    )


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
        services.whanau_link_update(
            link=link,
            by=request.user,
            link_data=link_form.cleaned_data,
            member_data=member_form.cleaned_data,
        )
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
