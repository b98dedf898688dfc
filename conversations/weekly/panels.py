"""What the weekly update adds to other pages: a student's button to write it, and the list."""

from django.urls import reverse
from django.utils.translation import gettext as _

from partnerships.pages import HOME, STUDENT_LINKS


@HOME.register("weekly_update", template="conversations/weekly/panels/write.html", order=15)
def write(request, roles) -> dict | None:
    return {} if roles.is_student else None


@STUDENT_LINKS.register("weekly_updates", order=30)
def weekly_updates(request, student, relation) -> dict:
    return {"url": reverse("weekly_update_list", args=[student.pk]), "label": _("Weekly updates")}
