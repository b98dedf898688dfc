"""Writes for a student's whānau and record: each runs in one transaction.

Changes to a whānau link, sign-in cards and the student's details are audited; a whānau
member's own preferences are not. Invitations are ``partnerships.invitations``.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships import audit
from partnerships.models import (
    AuditEvent,
    SignInCard,
    Student,
    User,
    WhanauLink,
    WhanauMember,
)


def whanau_link_update(
    *, link: WhanauLink, by: User, link_data: dict, member_data: dict
) -> WhanauLink:
    """Change a student's whānau link and that person's details together, and audit it.

    ``link_data``: relationship, has_access, receives_weekly_update. ``member_data``: the
    person's name, phone and preferences.
    """
    with transaction.atomic():
        # Compared with the rows as stored: bound model forms have already changed the objects.
        link = WhanauLink.objects.select_for_update().select_related("student").get(pk=link.pk)
        member = WhanauMember.objects.select_for_update().get(pk=link.whanau_id)
        if link.student.left_on and not link.has_access and link_data.get("has_access"):
            # A leaver's record is kept to read; access taken away is not given back to it.
            raise ValidationError(
                {
                    "has_access": _(
                        "%(name)s has left the school: access to their record can be taken "
                        "away, not given back."
                    )
                    % {"name": link.student.display_name}
                }
            )
        link_changed = audit.apply_changes(link, link_data)
        member_changed = audit.apply_changes(member, member_data)
        if member_changed:
            member.save(update_fields=member_changed)
        if link_changed:
            link.save(update_fields=link_changed)
        if link_changed or member_changed:
            fields = ", ".join(
                summary
                for summary in (
                    audit.fields_summary(WhanauLink, link_changed),
                    audit.fields_summary(WhanauMember, member_changed),
                )
                if summary
            )
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=link,
                student=link.student,
                summary=_("%(name)s: %(fields)s") % {"name": member.name, "fields": fields},
            )
    return link


def whanau_preferences_update(*, user: User, preferences: dict) -> int:
    """A whānau member sets their own preferences, at every school that knows them."""
    with transaction.atomic():
        count = WhanauMember.objects.filter(user=user).update(**preferences)
        if "preferred_language" in preferences:
            user.preferred_language = preferences["preferred_language"]
            user.save(update_fields=["preferred_language"])
    return count


def cards_issue(students: list[Student], by: User, *, stop_old: bool = True) -> list[SignInCard]:
    """New sign-in cards for ``students`` (locked by the caller, in its transaction), in their
    order: any card they had stops working (``stop_old=False`` when the caller knows they have
    none), and each signs in as the student's own account, made where they have none. The same
    few queries for one student or a class."""
    if stop_old:
        SignInCard.objects.active().filter(student__in=students).update(revoked_at=timezone.now())
    without_account = [student for student in students if student.user_id is None]
    if without_account:
        accounts = [User(name=student.full_name) for student in without_account]
        for account in accounts:
            account.set_unusable_password()  # a card, never a password
        User.objects.bulk_create(accounts)
        for student, account in zip(without_account, accounts, strict=True):
            student.user = account
        Student.objects.bulk_update(without_account, ["user"])
    cards = SignInCard.objects.bulk_create(
        SignInCard(student=student, issued_by=by) for student in students
    )
    audit.record_many(
        actor=by,
        action=AuditEvent.Action.CREATED,
        rows=[(card, card.student, _("New sign-in card issued")) for card in cards],
    )
    return cards


def sign_in_card_issue(*, student: Student, by: User) -> SignInCard:
    """Issue a new sign-in card; any card the student had stops working."""
    with transaction.atomic():
        student = Student.objects.select_for_update().get(pk=student.pk)
        (card,) = cards_issue([student], by)
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


# What a leader or teacher may change on a student's record (``student_update``).
STUDENT_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "year_level",
    "classroom",
    "start_date",
    "is_priority_learner",
    *Student.PROFILE_FIELDS,
)


def student_update(*, student: Student, by: User, data: dict) -> Student:
    """Change a student's details and learner profile, recording what changed.

    ``data`` holds any of ``STUDENT_FIELDS``, and ``assigned_teachers`` (users).
    """
    audit.refuse_unknown(data, {*STUDENT_FIELDS, "assigned_teachers"}, what="student_update")
    with transaction.atomic():
        # Compared with the row as stored: a bound model form has already changed ``student``.
        student = Student.objects.select_for_update().get(pk=student.pk)
        fields = {name: value for name, value in data.items() if name in STUDENT_FIELDS}
        changed = audit.apply_changes(student, fields)
        if changed:
            student.save(update_fields=[*changed, "updated_at"])
        if "assigned_teachers" in data:
            changed += audit.apply_links(student, {"assigned_teachers": data["assigned_teachers"]})
        if changed:
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=student,
                student=student,
                summary=audit.fields_summary(Student, changed),
            )
    return student
