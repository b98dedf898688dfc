"""Double submits are harmless: a create form carries a one-time token, and a second post of
the same form shows the first's result and creates nothing.

The token is recorded in the same transaction as whatever the view writes, under a unique
constraint: two posts racing each other both run the view, and the one that commits second
fails on the token and is rolled back, writes and all. Views opt in with ``@once_per_form``
and say ``{% submission_token %}`` inside the form; a form without a token posts as before.
"""

import datetime
import functools
import uuid

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from partnerships.models import Submission

FIELD = "submission"
# A form is sent twice within seconds or minutes (a double click, a reload); a day is ample.
KEPT_FOR = datetime.timedelta(days=1)


def submissions_forget() -> int:
    """Let go of tokens old enough that no second post of their form will come."""
    deleted, _by_model = Submission.objects.filter(
        created_at__lt=timezone.now() - KEPT_FOR
    ).delete()
    return deleted


def token_field() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4())


def succeeded(request) -> None:
    """For a view whose success is not a redirect (an htmx fragment): record the token."""
    request.submission_succeeded = True


def _token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def _already(request, token) -> HttpResponse | None:
    done = Submission.objects.filter(token=token, user=request.user).first()
    if done is None:
        return None
    if request.htmx:
        return HttpResponse(status=204)  # the page already shows the first post's result
    messages.info(request, _("That was already saved."))
    return redirect(done.url or "home")


def once_per_form(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        token = _token(request) if request.method == "POST" else None
        if token is None or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if (earlier := _already(request, token)) is not None:
            return earlier
        try:
            with transaction.atomic():
                response = view(request, *args, **kwargs)
                done = response.status_code in (301, 302, 303) or getattr(
                    request, "submission_succeeded", False
                )
                if done:
                    Submission.objects.create(
                        token=token, user=request.user, url=response.get("Location", "")
                    )
        except IntegrityError:
            # Raced by the same form's other post, which committed first: show its result.
            if (earlier := _already(request, token)) is not None:
                return earlier
            if not Submission.objects.filter(token=token).exists():
                raise  # not about the token: the view's own error
            # Someone else's token (only a forged form has one): nothing was written.
            messages.error(request, _("That form had already been sent. Please try again."))
            return redirect("home")
        return response

    return wrapper
