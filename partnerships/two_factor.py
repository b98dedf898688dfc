"""Two-factor sign-in for staff, and a school's rule that its leaders use it.

Staff turn it on themselves (allauth's MFA: an authenticator app, with recovery codes for a
lost phone). A school can require it of its leaders (``School.leaders_need_two_factor``):
a leader of such a school who has no authenticator app yet is sent to set one up before
anything else, and cannot turn theirs off while the school requires it.
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect

from partnerships.models import School, Staff
from partnerships.roles import request_roles
from partnerships.school_settings import school_setting_set

# Where a leader who must set it up may still go: setting it up, and signing out.
SETTING_UP = {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "account_logout",
    "set_language",
}


def has_authenticator_app(user) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def must_keep_two_factor(user) -> bool:
    """Whether ``user`` leads a school that requires two-factor sign-in of its leaders."""
    return Staff.objects.filter(
        user=user, role=Staff.Role.LEADER, school__leaders_need_two_factor=True
    ).exists()


def school_two_factor_set(*, school: School, by, required: bool) -> bool:
    """A leader requires two-factor sign-in of the school's leaders, or stops requiring it.

    Returns whether anything changed."""
    return school_setting_set(
        school=school,
        by=by,
        name="leaders_need_two_factor",
        value=required,
        summary=_("Leaders must sign in with two-factor authentication")
        if required
        else _("Leaders no longer need two-factor authentication"),
    )


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": gettext_lazy(
            "Your school asks its leaders to keep two-factor sign-in on."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return not must_keep_two_factor(authenticator.user)


class LeadersTwoFactorMiddleware:
    """A leader of a school that requires two-factor sign-in sets it up before anything else.

    No query for anyone else: the schools come with the roles every page works out anyway.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        roles = request_roles(request)
        required = any(
            roles.schools[school_id].leaders_need_two_factor for school_id in roles.led_school_ids
        )
        if not required or request.resolver_match.url_name in SETTING_UP:
            return None
        if has_authenticator_app(request.user):
            return None
        messages.warning(
            request,
            _(
                "Your school asks its leaders to sign in with two-factor authentication. "
                "Set up an authenticator app on your phone to carry on."
            ),
        )
        url = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(url)
        return redirect(url)
