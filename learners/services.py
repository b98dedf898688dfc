"""Writes for ākonga: each one validates, runs in one transaction and is audited."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learners.models import SignInCard, Student
from partnerships import audit
from partnerships.models import AuditEvent, User


def student_update(*, form, by: User) -> Student:
    """Save a student's details and learner profile, recording what changed."""
    summary = audit.changes_summary(form)
    with transaction.atomic():
        student = form.save()
        if summary:
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=student,
                student=student,
                summary=summary,
            )
    return student


def sign_in_card_issue(*, student: Student, by: User) -> SignInCard:
    """Issue a new sign-in card; any card the student had stops working."""
    with transaction.atomic():
        student = Student.objects.select_for_update().get(pk=student.pk)
        SignInCard.objects.active().filter(student=student).update(revoked_at=timezone.now())
        if student.user_id is None:
            student.user = User.objects.create_user(name=student.full_name)
            student.save(update_fields=["user"])
        card = SignInCard.objects.create(student=student, issued_by=by)
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=card,
            student=student,
            summary=_("New sign-in card issued"),
        )
    return card


def sign_in_card_revoke(*, student: Student, by: User) -> int:
    """Stop the student's card working, e.g. when it is lost."""
    with transaction.atomic():
        revoked = (
            SignInCard.objects.active().filter(student=student).update(revoked_at=timezone.now())
        )
        if revoked:
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=student,
                student=student,
                summary=_("Sign-in card revoked"),
            )
    return revoked


def student_for_card_code(code: str) -> Student | None:
    """The student an active card code belongs to, if any."""
    card = (
        SignInCard.objects.active()
        .select_related("student__user")
        .filter(code=code, student__user__is_active=True)
        .first()
    )
    return card.student if card else None
