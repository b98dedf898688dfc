"""What conversations adds to a student's page: their learning conversations."""

from django.urls import reverse
from django.utils.translation import gettext as _

from partnerships.pages import STUDENT_LINKS


@STUDENT_LINKS.register("conversations", order=20)
def conversations(request, student, relation) -> dict:
    return {"url": reverse("conversation_list", args=[student.pk]), "label": _("Conversations")}
