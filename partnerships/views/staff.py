"""A school's staff, and invitations to staff and whānau: sending again, and accepting."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partnerships import invitations
from partnerships.access import invitations_managed_by
from partnerships.forms import (
    StaffInviteForm,
    StaffJoinForm,
    WhanauJoinForm,
)
from partnerships.models import (
    Invitation,
    Staff,
    User,
)
from partnerships.roles import leader_only, request_roles
from partnerships.submissions import once_per_form

PER_PAGE = 50


@leader_only
@require_http_methods(["GET", "POST"])
@once_per_form
def school_staff(request):
    """A leader's staff list, and inviting someone to join."""
    school = request_roles(request).led_school
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.invitation_create_staff(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("school_staff")
    # The school is one they lead (``leader_only``): its staff, with those who left, at once.
    everyone = list(
        Staff.everyone.filter(school=school).select_related("user").order_by("user__name")
    )
    pending = Invitation.objects.pending().filter(school=school, kind=Invitation.Kind.STAFF)
    return render(
        request,
        "partnerships/school_staff.html",
        {
            "school": school,
            "staff": [member for member in everyone if member.left_at is None],
            "former_staff": [member for member in everyone if member.left_at is not None],
            "invitations": pending,
            "form": form,
        },
    )


@login_required
@require_POST
def invitation_resend(request, pk: int):
    """Send a fresh link for an invitation that was lost or ran out."""
    invitation = get_object_or_404(
        invitations_managed_by(request.user), pk=pk, accepted_at__isnull=True
    )
    invitations.invitation_resend(invitation=invitation, by=request.user)
    messages.success(request, _("A new link was sent to %(email)s.") % {"email": invitation.email})
    if invitation.student_id:
        return redirect("student_whanau", pk=invitation.student_id)
    return redirect("school_staff")


@require_http_methods(["GET", "POST"])
def invitation_accept(request, key: str):
    """Join from an invitation link: it works once, and only until it expires."""
    try:
        invitation = invitations.invitation_for_key(key)
    except invitations.InvitationError as error:
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
            languages=invitation.school.languages,
        )
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="accept_invitation"):
            form.add_error(None, _("Too many tries. Wait a minute, then try again."))
        else:
            try:
                user = invitations.invitation_accept(
                    key=key,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data.get("password1"),
                    language=form.cleaned_data.get("language"),
                )
            except invitations.InvitationError as error:
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
