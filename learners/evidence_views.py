"""Evidence on a goal: what each person sees of it (held evidence for staff only, with the
class's children whose whānau keep photos to themselves), a teacher confirming held evidence,
and the files themselves, streamed only to those the access rules allow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from learners import services
from learners.access import evidence_managed_by, evidence_on_goal_seen_by, evidence_visible_to
from learners.models import goal_url
from partnerships import audit
from partnerships.access import students_visible_to
from partnerships.files import private_file_response
from partnerships.models import MediaConsent, Student


def evidence_context(request, goal, relation) -> dict:
    """The goal's evidence this person may see; with any held, for its teachers and leaders,
    the children of the class whose whānau keep photos to themselves (one more query, only
    then), to check none of them is shown before confirming it."""
    evidence = list(
        evidence_on_goal_seen_by(goal, relation).select_related("added_by", "confirmed_by")
    )
    for item in evidence:
        item.is_held = item.shows_others and item.confirmed_at is None
    kept_to_whanau = []
    if relation.reads_as_staff and goal.student.classroom_id and any(e.is_held for e in evidence):
        kept_to_whanau = list(
            students_visible_to(request.user)
            .current()
            .filter(classroom_id=goal.student.classroom_id, media_consent=MediaConsent.WHANAU_ONLY)
            .exclude(pk=goal.student_id)
            .in_class_order()
        )
    return {"evidence": evidence, "kept_to_whanau": kept_to_whanau}


@login_required
@require_POST
def evidence_confirm(request, pk: int):
    """A teacher or leader releases held evidence to whānau and the student, once checked.
    Whānau, the student and anyone else find no such page."""
    evidence = get_object_or_404(evidence_managed_by(request.user).only("goal_id"), pk=pk)
    try:
        confirmed = services.evidence_confirm(actor=request.user, evidence_id=evidence.pk)
    except PermissionDenied:
        raise Http404 from None
    if confirmed:
        messages.success(request, _("Confirmed: whānau and the student can see it now."))
    else:
        messages.info(request, _("It was already shared: nothing has changed."))
    return redirect(goal_url(evidence.goal_id, "evidence"))


@require_safe
@login_required
def evidence_file(request, pk: int):
    """Stream a photo or PDF to someone the access rules allow. There is no public URL."""
    evidence = get_object_or_404(evidence_visible_to(request.user).exclude(file=""), pk=pk)
    audit.viewed(request, student=Student.objects.filter(goals=evidence.goal_id), obj=evidence)
    return private_file_response(
        evidence.file,
        content_type=evidence.content_type,
        filename=evidence.original_name or "evidence",
        as_attachment=evidence.kind == evidence.Kind.PDF,  # a PDF downloads; photos show
    )
