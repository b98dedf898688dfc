"""The privacy notice (for the signed-in person's schools, or any school's from an email's
link), the first reading of it, and the leaders' privacy settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnerships.models import School
from partnerships.privacy.notice import (
    leaders_of,
    notice_path,
    notice_read,
    notice_text,
    school_id_from_token,
    schools_of,
)
from partnerships.privacy.notice_forms import PrivacySettingsForm
from partnerships.privacy.policy import policy_of, privacy_policy_update
from partnerships.roles import leader_only, request_roles


def _safe_next(request, value: str) -> str:
    """A path of this site only; anything else is no place to go back to."""
    if (
        value.startswith("/")
        and "\x00" not in value
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()})
    ):
        return value
    return ""


@require_GET
def privacy_notice(request):
    """Signed in: the notice of each school the person belongs to, and how to ask for their
    information. Signed out: where each school's notice is found."""
    if not request.user.is_authenticated:
        return render(request, "partnerships/privacy/notice_general.html")
    schools = schools_of(request.user)
    leaders = leaders_of([school for school in schools if not policy_of(school).notice.strip()])
    notices = [(school, notice_text(school, leaders=leaders.get(school.pk))) for school in schools]
    return render(
        request,
        "partnerships/privacy/notice.html",
        {
            "notices": notices,
            "to_read": request.user.privacy_notice_seen_at is None,
            "next": _safe_next(request, request.GET.get("next", "")),
        },
    )


@require_GET
def privacy_notice_public(request, token: str):
    """A school's notice for anyone with the link every email carries."""
    school_id = school_id_from_token(token)
    if school_id is None:
        raise Http404
    school = get_object_or_404(School.objects.select_related("privacy"), pk=school_id)
    return render(
        request,
        "partnerships/privacy/notice_public.html",
        {"school": school, "notice": notice_text(school)},
    )


@login_required
@require_POST
def privacy_notice_read(request):
    """ "I have read it": the notice stops coming first, and they carry on where they were."""
    notice_read(actor=request.user)
    return HttpResponseRedirect(_safe_next(request, request.POST.get("next", "")) or "/")


@leader_only
@require_http_methods(["GET", "POST"])
def privacy_settings(request):
    """The school's notice, privacy officer and retention periods; and the way to its
    requests, retention preview and export."""
    school = request_roles(request).led_school
    school = School.objects.select_related("privacy").get(pk=school.pk)
    policy = policy_of(school)
    leaders = leaders_of([school])[school.pk]
    form = PrivacySettingsForm(
        request.POST or None,
        policy=policy,
        leaders=leaders,
        shown_notice=notice_text(school, policy, leaders),
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = privacy_policy_update(
                actor=request.user, school_id=school.pk, data=form.policy_data()
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if changed:
                messages.success(request, _("The privacy settings are saved."))
            else:
                messages.info(request, _("Nothing had changed, so nothing was saved."))
            return redirect("privacy_settings")
    return render(
        request,
        "partnerships/privacy/settings.html",
        {
            "school": school,
            "policy": policy,
            "form": form,
            "public_url": request.build_absolute_uri(notice_path(school.pk)),
        },
    )
