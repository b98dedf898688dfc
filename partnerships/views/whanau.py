"""Whānau pages: the school's whānau, a student's whānau, their links and who lives with whom,
one's own preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnerships import audit, households, invitations, services
from partnerships.access import (
    own_whanau_links,
    students_led_by,
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
    WhanauLink,
    WhanauMember,
)
from partnerships.roles import leader_only, request_roles
from partnerships.submissions import once_per_form

PER_PAGE = 50


def _languages(request, school_id: int) -> list[str] | None:
    """The languages a student's school offers, from the staff member's own schools (read
    with their roles: no query); None, all of them, if it is not among those."""
    school = request_roles(request).schools.get(school_id)
    return school.languages if school else None


ON_THEIR_OWN = "alone"  # the household form's choice for "lives on their own"


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
    """A student's whānau: who is linked, with what access, whom each lives with (a form
    for staff to change it), and inviting someone new."""
    student = get_object_or_404(students_managed_by(request.user), pk=pk)
    form = WhanauInviteForm(request.POST or None, languages=_languages(request, student.school_id))
    if request.method == "POST" and form.is_valid():
        try:
            invitations.invitation_create_whanau(
                student=student, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("student_whanau", pk=student.pk)
    audit.viewed(request, student=student, what=_("Whānau and their contacts"))
    links = list(
        student.whanau_links.select_related("whanau").order_by("-has_access", "whanau__name")
    )
    pending = student.invitations.filter(accepted_at__isnull=True).order_by("-created_at")
    return render(
        request,
        "partnerships/student_whanau.html",
        {
            "student": student,
            "links": _with_households(request.user, student, links),
            "invitations": pending,
            "form": form,
            "on_their_own": ON_THEIR_OWN,
        },
    )


def _with_households(user, student, links: list) -> list:
    """Each link with whom its member lives (``lives_with``: the names this person may see;
    ``lives_with_unseen``: how many more, whānau of children they don't teach) and whom the
    form has chosen (``chosen``: a member of this student's whānau, ``ON_THEIR_OWN``, or
    ``""`` when they live only with people not listed here). One query, however many."""
    visible = whanau_members_visible_to(user).filter(pk=OuterRef("pk"))
    housemates = (
        WhanauMember.objects.filter(
            household_id__in=student.whanau_links.values("whanau__household_id")
        )
        .annotate(is_visible=Exists(visible))
        .order_by("name", "pk")
        .values_list("pk", "household_id", "name", "is_visible")
    )
    by_household = {}
    for pk, household_id, name, is_visible in housemates:
        by_household.setdefault(household_id, []).append((pk, name, is_visible))
    listed = {link.whanau_id for link in links}
    for link in links:
        others = [
            mate
            for mate in by_household.get(link.whanau.household_id, [])
            if mate[0] != link.whanau_id
        ]
        link.lives_with = [name for _pk, name, is_visible in others if is_visible]
        link.lives_with_unseen = sum(1 for *_rest, is_visible in others if not is_visible)
        here = [pk for pk, _name, _visible in others if pk in listed]
        link.chosen = str(here[0]) if here else ("" if others else ON_THEIR_OWN)
    return links


@login_required
@require_POST
def student_household(request, pk: int):
    """Staff say whom one of the student's whānau lives with: another of this student's
    whānau, or nobody (on their own). Someone not of this student's whānau is a 404."""
    student = get_object_or_404(students_managed_by(request.user), pk=pk)
    whanau = {str(m.pk): m for m in WhanauMember.objects.filter(links__student=student)}
    member = whanau.get(request.POST.get("member", ""))
    if member is None:
        raise Http404
    choice = request.POST.get("lives_with", "")
    other = whanau.get(choice)
    try:
        if choice == ON_THEIR_OWN:
            households.household_leave(member=member, by=request.user)
            done = _("%(name)s lives on their own.") % {"name": member.name}
        elif other is not None:
            households.household_join(member=member, other=other, by=request.user)
            done = _("%(name)s lives with %(other)s.") % {"name": member.name, "other": other.name}
        elif choice == "":  # "as now": they live with people not listed on this page
            done = _("Nothing changed: %(name)s lives where they did.") % {"name": member.name}
        else:
            raise ValidationError(
                _("Choose whom %(name)s lives with, or “On their own”.") % {"name": member.name}
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("student_whanau", pk=student.pk)


@login_required
@require_POST
@leader_only
def school_households(request):
    """A leader sets whether each household books its own conversation per child."""
    school = request_roles(request).led_school
    per_household = request.POST.get("per_household") == "on"
    households.school_bookings_per_household_set(
        school=school, by=request.user, per_household=per_household
    )
    if per_household:
        messages.success(
            request, _("Each household books its own conversation, in rounds opened from now.")
        )
    else:
        messages.success(request, _("One joint conversation per child, in rounds opened from now."))
    # The setting is also offered where rounds are opened: back to the page it was set on.
    # A path of this site only, never a view's name: ``redirect`` would look "0" up as one.
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        return HttpResponseRedirect(back)
    return redirect("school_whanau")


@login_required
@require_http_methods(["GET", "POST"])
def whanau_link_edit(request, pk: int, link_pk: int):
    """Change a link's access and the whānau member's details, together. A leaver's record
    is managed by nobody, but their leaders may still take a whānau member's access away (a
    court order can come after a child has left)."""
    leavers = students_led_by(request.user).exclude(left_on=None)
    links = whanau_links_managed_by(request.user) | WhanauLink.objects.filter(student__in=leavers)
    link = get_object_or_404(links.select_related("whanau", "student"), pk=link_pk, student_id=pk)
    data = request.POST or None
    link_form = WhanauLinkForm(data, instance=link, prefix="link")
    member_form = WhanauMemberForm(
        data,
        instance=link.whanau,
        prefix="member",
        languages=_languages(request, link.student.school_id),
    )
    if request.method == "POST" and link_form.is_valid() and member_form.is_valid():
        try:
            services.whanau_link_update(
                link=link,
                by=request.user,
                link_data=link_form.cleaned_data,
                member_data=member_form.cleaned_data,
            )
        except ValidationError as error:
            link_form.add_error(None, error)
        else:
            messages.success(request, _("Saved %(name)s’s details.") % {"name": link.whanau.name})
            if link.student.left_on:
                return redirect("student_detail", pk=link.student_id)
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
        .select_related("school")
        .order_by("pk")
        .first()
    )
    if member is None:
        raise Http404
    form = WhanauPreferencesForm(
        request.POST or None, instance=member, languages=member.school.languages
    )
    if request.method == "POST" and form.is_valid():
        preferences = {name: form.cleaned_data[name] for name in ["phone", *PREFERENCE_FIELDS]}
        services.whanau_preferences_update(user=request.user, preferences=preferences)
        messages.success(request, _("Thank you. Your preferences are saved."))
        return redirect("home")
    return render(request, "partnerships/whanau_preferences.html", {"form": form})
