"""A leader's choice that the school's leaders sign in with two-factor authentication.

The two-factor pages themselves are allauth's (``/accounts/2fa/``), in our templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partnerships import two_factor
from partnerships.roles import leader_only, request_roles


@login_required
@require_POST
@leader_only
def school_two_factor(request):
    """Require it (only once the leader uses it themselves, so nobody is locked out by
    surprise), or stop requiring it."""
    school = request_roles(request).led_school
    required = request.POST.get("required") == "on"
    if required and not two_factor.has_authenticator_app(request.user):
        messages.error(
            request, _("Set up your own authenticator app first, then ask it of every leader.")
        )
    elif two_factor.school_two_factor_set(school=school, by=request.user, required=required):
        if required:
            messages.success(
                request,
                _("Leaders of %(school)s now sign in with two-factor authentication.")
                % {"school": school.name},
            )
        else:
            messages.success(
                request,
                _("Leaders of %(school)s no longer need two-factor authentication.")
                % {"school": school.name},
            )
    return redirect("mfa_index")
