"""The consent page for photos and recordings: whānau with access choose; the child's teachers
and leaders read who chose and when. The student themself, and anyone else, find no page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partnerships import audit
from partnerships.access import relation_to, students_visible_to
from partnerships.models import Voice
from partnerships.privacy.consent import media_consent_choice, media_consent_set
from partnerships.privacy.consent_forms import MediaConsentForm


@login_required
@require_http_methods(["GET", "POST"])
def media_consent(request, pk: int):
    student = get_object_or_404(
        students_visible_to(request.user).select_related("school", "classroom"), pk=pk
    )
    relation = relation_to(request.user, student)
    chooses = relation.voice == Voice.WHANAU
    if not (chooses or relation.reads_as_staff):
        raise Http404  # the student: the choice is their whānau's
    if request.method == "POST" and not chooses:
        raise Http404  # staff read the choice; only whānau make it
    form = None
    if chooses:
        form = MediaConsentForm(request.POST or None, initial={"consent": student.media_consent})
    if request.method == "POST" and form.is_valid():
        try:
            changed = media_consent_set(
                actor=request.user, student_id=student.pk, consent=form.cleaned_data["consent"]
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            form.add_error("consent", error)
        else:
            if changed:
                messages.success(
                    request,
                    _("Thank you. Your choice for %(name)s applies from now on.")
                    % {"name": student.display_name},
                )
            else:
                messages.info(request, _("That was already your choice, so nothing changed."))
            return redirect("media_consent", pk=student.pk)
    if request.method == "GET":
        audit.viewed(request, student=student, what=_("Photos and recordings"))
    return render(
        request,
        "partnerships/privacy/consent.html",
        {
            "student": student,
            "form": form,
            "choice": media_consent_choice(student),
            "reads_as_staff": relation.reads_as_staff and not chooses,
        },
    )
