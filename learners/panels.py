"""What learners adds to other apps' pages: the student's own home panel, their goals, and the
inquiry of a priority learner."""

from django.urls import reverse
from django.utils.translation import gettext as _

from learners.access import inquiry_steps_visible_to
from partnerships.models import Student, Voice
from partnerships.pages import HOME, STUDENT_LINKS


@HOME.register("me", template="learners/panels/me.html", order=10)
def me(request, roles) -> dict | None:
    if not roles.is_student:
        return None
    return {"me": Student.objects.select_related("classroom", "school").get(pk=roles.student_id)}


@STUDENT_LINKS.register("goals", order=10)
def goals(request, student, relation) -> dict:
    is_self = student.user_id == request.user.pk
    return {
        "url": reverse("goal_list", args=[student.pk]),
        "label": _("My goals") if is_self else _("Goals"),
    }


@STUDENT_LINKS.register("inquiry", order=40)
def inquiry(request, student, relation) -> dict | None:
    """Staff may start or follow an inquiry for any of their students. Whānau see the button
    only for a priority learner with a step shared with them (and only then is it asked)."""
    link = {"url": reverse("inquiry_detail", args=[student.pk]), "label": _("Learning inquiry")}
    if relation.can_manage:
        return link
    if relation.voice != Voice.WHANAU or not student.is_priority_learner:
        return None
    shared = inquiry_steps_visible_to(request.user).filter(student=student)
    return link if shared.exists() else None
