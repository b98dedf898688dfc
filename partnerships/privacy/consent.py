"""Consent for photos and recordings: where a child may be seen, as their whānau chose.

Whānau linked to the child with access choose (``media_consent_set``); the child's teachers and
leaders read the choice (their class list shows it), so they know which children may appear in
class displays. The choice takes effect at once: nothing is cached, every page reads the field,
and when it narrows, what was already shared on the strength of the wider choice is held back
again for a teacher to check (``consent_hooks.CONSENT_NARROWED``).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerships import audit
from partnerships.access import own_whanau_links
from partnerships.models import AuditEvent, MediaConsent, Student, User
from partnerships.privacy.consent_hooks import consent_narrowed, is_narrower

# The choice in a few words, for the audit trail: "only our whānau → class displays".
SHORT = {
    MediaConsent.WHANAU_ONLY: gettext_lazy("only our whānau"),
    MediaConsent.CLASS_DISPLAYS: gettext_lazy("class displays"),
}


def media_consent_set(*, actor: User, student_id: int, consent: str) -> bool:
    """Set where photos and recordings of the student may be seen. Only their whānau with
    access choose: anyone else is refused (``PermissionDenied``, which pages show as "no such
    page"). A value that is not a choice is a ``ValidationError``. True if it changed; when it
    is already so, nothing is written."""
    if consent not in MediaConsent.values:
        raise ValidationError(
            _("Please choose where photos and recordings of your child may be seen.")
        )
    with transaction.atomic():
        # Whānau of one child in two households may choose at once: the second waits here and
        # sees the first's choice, so the trail tells each change once, from what it was.
        student = (
            Student.objects.select_for_update(of=("self",))
            .filter(pk__in=own_whanau_links(actor).values("student_id"))
            .filter(pk=student_id)
            .first()
        )
        if student is None:
            raise PermissionDenied
        if student.media_consent == consent:
            return False
        before = student.media_consent
        event = audit.record(
            actor=actor,
            action=AuditEvent.Action.CHANGED,
            obj=student,
            student=student,
            summary=_("Photos and recordings: %(before)s → %(after)s")
            % {"before": SHORT[before], "after": SHORT[consent]},
        )
        # The same moment as the trail's row: it tells who chose (``media_consent_choice``).
        student.media_consent, student.media_consent_at = consent, event.at
        student.save(update_fields=["media_consent", "media_consent_at", "updated_at"])
        if is_narrower(consent, before):
            consent_narrowed(student)
    return True


@dataclass(frozen=True)
class Choice:
    """The choice as it stands: what, when, and by whom (``None`` when nobody has chosen yet,
    or the person has gone)."""

    consent: str
    label: str
    at: object  # datetime | None
    by: User | None


def media_consent_choice(student: Student) -> Choice:
    """The student's consent and who last chose it: one query, when someone has chosen."""
    by = None
    if student.media_consent_at is not None:
        event = (
            AuditEvent.objects.filter(
                student=student,
                object_type=Student._meta.label_lower,
                action=AuditEvent.Action.CHANGED,
                at=student.media_consent_at,
            )
            .select_related("actor")
            .first()
        )
        by = event.actor if event else None
    return Choice(
        consent=student.media_consent,
        label=student.get_media_consent_display(),
        at=student.media_consent_at,
        by=by,
    )
