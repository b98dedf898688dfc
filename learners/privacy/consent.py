"""When whānau narrow where their child may be seen, a photo or PDF of the child's class
already shared as showing other children is held again, for a teacher to check it against
the choice as it is now.

Only evidence on the goals of the child's classmates: on the child's own goals it is seen by
their own whānau and themself, which the narrower choice still allows.
"""

from django.utils.translation import gettext as _

from learners.models import Evidence
from partnerships import audit
from partnerships.models import AuditEvent, Student
from partnerships.privacy.consent_hooks import CONSENT_NARROWED


@CONSENT_NARROWED.register("learners")
def evidence_hold_again(student: Student) -> int:
    """Hold again the class's shared evidence that shows other children; how many."""
    if student.classroom_id is None:
        return 0
    held = list(
        # Locked so that two classmates' whānau narrowing at once hold each piece once.
        Evidence.objects.select_for_update(of=("self",))
        .filter(
            shows_others=True,
            confirmed_at__isnull=False,
            goal__student__school_id=student.school_id,
            goal__student__classroom_id=student.classroom_id,
        )
        .exclude(goal__student_id=student.pk)
        .select_related("goal__student")
        .order_by("pk")
    )
    if not held:
        return 0
    Evidence.objects.filter(pk__in=[evidence.pk for evidence in held]).update(
        confirmed_at=None, confirmed_by=None
    )
    # No actor and no name: the goal's history is read by another family, who are not told
    # whose choice it was.
    audit.record_many(
        actor=None,
        action=AuditEvent.Action.CHANGED,
        rows=[
            (
                evidence.goal,
                evidence.goal.student,
                _("Evidence held again (%(kind)s), for a kaiako to check for other children")
                % {"kind": evidence.get_kind_display()},
            )
            for evidence in held
        ],
    )
    return len(held)
