"""What learners adds to other apps' pages: the student's own home panel, and their goals."""

from django.urls import reverse
from django.utils.translation import gettext as _

from partnerships.models import Student
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
