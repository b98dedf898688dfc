"""Query counts of the privacy pages: consent for photos and recordings, and the goal page
with evidence held because it shows other children."""

from django.core.files.base import ContentFile
from django.urls import reverse

from learners.models import Evidence
from partnerships.models import MediaConsent, Voice
from partnerships.privacy.consent import media_consent_set
from tests import factories
from tests.factories import PNG
from tests.query_counts.pages import AUDIT_VIEWED, RELATION, SIGNED_IN, Page
from tests.query_counts.rows_learners import GOAL_DETAIL
from tests.query_counts.scene import MORE

CONSENT = (
    *SIGNED_IN,
    "the student, with class and school, if visible to me",
    RELATION,
    *AUDIT_VIEWED,
    "who chose: the trail's row of that moment, with its author",
)


def _chosen(scene) -> None:
    """The student's whānau chose class displays: the page says who, and when."""
    world = scene.world
    media_consent_set(
        actor=world.whanau, student_id=world.student.pk, consent=MediaConsent.CLASS_DISPLAYS
    )


def _consent(scene) -> str:
    return reverse("media_consent", args=[scene.world.student.pk])


def _held(scene, n: int = 0) -> Evidence:
    return Evidence.objects.create(
        goal=scene.goal,
        kind=Evidence.Kind.PHOTO,
        voice=Voice.TEACHER,
        added_by=scene.world.teacher,
        content_type="image/png",
        original_name=f"class-trip-{n}.png",
        file=ContentFile(PNG, name=f"class-trip-{n}.png"),
        shows_others=True,
    )


def _more_held(scene) -> list[str]:
    """More held photos, and more classmates whose whānau keep photos to themselves."""
    shown = []
    for n in range(1, 1 + MORE):
        _held(scene, n)
        classmate = factories.StudentFactory(
            school=scene.world.school, classroom=scene.world.classroom
        )
        shown.append(classmate.full_name)
    return shown


PAGES: list = [
    Page("media_consent", "whanau", _consent, CONSENT, given=_chosen),
    Page("media_consent", "teacher", _consent, CONSENT, given=_chosen),
    Page("media_consent", "leader", _consent, CONSENT, given=_chosen),
    # The goal page as its teacher sees it with a held photo: the class's children whose whānau
    # chose "only our own whānau", to check none of them is shown (one query, only when
    # something is held).
    Page(
        "goal_detail",
        "teacher",
        lambda s: reverse("goal_detail", args=[s.goal.pk]),
        (
            *GOAL_DETAIL,
            "held evidence: the class's children whose whānau chose only our own whānau",
        ),
        given=_held,
        more=_more_held,
    ),
]
# URL names with no GET page, each with what its POST does.
POST_ONLY: dict[str, str] = {
    "evidence_confirm": "releases evidence held because it shows other children",
}
