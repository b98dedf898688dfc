"""Rows for the privacy pages: consent for photos and recordings, and releasing evidence held
because it shows other children."""

from django.core.files.base import ContentFile
from django.urls import reverse

from learners.models import Evidence
from partnerships.models import Voice
from tests.access.outcomes import (
    PAGE,
    POST_ONLY,
    SAVED,
    STAFF_OF_STUDENT,
    Row,
    only,
)
from tests.factories import PNG

# Whānau choose; the student's teachers and leaders read who chose and when. Staff posting
# anyway (no form is shown to them) find no such page: a 404, nothing changed. The student
# themself, and everyone outside the child's whānau and staff, find no page at all.
CONSENT_READERS = ("leader", "teacher", "whanau")


def _held_photo_url(things) -> str:
    """A photo the teacher added showing other children, not yet confirmed: held."""
    held = Evidence.objects.create(
        goal=things.world.goal,
        kind=Evidence.Kind.PHOTO,
        voice=Voice.TEACHER,
        added_by=things.world.teacher,
        content_type="image/png",
        original_name="class-trip.png",
        file=ContentFile(PNG, name="class-trip.png"),
        shows_others=True,
    )
    return reverse("evidence_confirm", args=[held.pk])


ROWS = {
    "media_consent": Row(
        url=lambda t: reverse("media_consent", args=[t.world.student.pk]),
        get=only(CONSENT_READERS, PAGE),
        post=only(["whanau"], SAVED),
        data=lambda t: {"consent": "class"},
    ),
    # Held evidence is released by the student's teachers and leaders; whānau, the student and
    # anyone else find no such page.
    "evidence_confirm": Row(
        url=_held_photo_url,
        get=POST_ONLY,
        post=only(STAFF_OF_STUDENT, SAVED),
    ),
}
