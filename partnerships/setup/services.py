"""Writes for setting a school up: its details, its terms, and staff who leave or come back.

Each checks that the person leads the school, runs in one transaction and is audited on the
school. Nothing here deletes what a person wrote: a leaver keeps their row and their name.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from partnerships import audit
from partnerships.access import require_leader
from partnerships.models import (
    AuditEvent,
    Classroom,
    Invitation,
    School,
    Staff,
    Student,
    Term,
    User,
    WhanauMember,
)
from partnerships.setup.hooks import staff_left

# What ``school_update`` may change, in the order the audit trail names them.
SCHOOL_FIELDS = (
    "name",
    "timezone",
    "weekly_update_weekday",
    "weekly_update_time",
    "languages",
    "transition_days",
    "update_reminder_hours",
    "updates_need_approval",
)


# The school's details ---------------------------------------------------------------


def _clean_school(data: dict) -> dict:
    """The plain data, checked as the form checks it: a command or an import may call this too."""
    unknown = set(data) - set(SCHOOL_FIELDS)
    if unknown:
        raise ValueError(f"not a school setting: {sorted(unknown)}")
    errors = {}
    cleaned = dict(data)
    if "name" in cleaned:
        cleaned["name"] = str(cleaned["name"]).strip()
        if not cleaned["name"]:
            errors["name"] = _("Give the school its name.")
    if "timezone" in cleaned and cleaned["timezone"] not in zoneinfo.available_timezones():
        errors["timezone"] = _("Choose a time zone from the list.")
    if "languages" in cleaned:
        offered = [code for code, _name in settings.LANGUAGES]
        chosen = set(cleaned["languages"])
        if not chosen or not chosen <= set(offered):
            errors["languages"] = _("Offer whānau at least one of the languages listed.")
        # Kept in the site's order, so the same choice always reads the same.
        cleaned["languages"] = [code for code in offered if code in chosen]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _shown(name: str, value) -> str:
    if name == "weekly_update_weekday":
        return str(School.Weekday(value).label)
    if name == "weekly_update_time":
        return value.strftime("%H:%M")
    if name == "languages":
        return ", ".join(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def school_update(*, school: School, by: User, data: dict) -> list[str]:
    """Change the school's details to ``data`` (any of ``SCHOOL_FIELDS``); the names of those
    that changed. Nothing changed: nothing is written or audited."""
    require_leader(by, school.pk)
    data = _clean_school(data)
    with transaction.atomic():
        current = School.objects.select_for_update().get(pk=school.pk)
        changes = {name: value for name, value in data.items() if getattr(current, name) != value}
        if not changes:
            return []
        School.objects.filter(pk=school.pk).update(**changes)
        said = "; ".join(
            f"{School._meta.get_field(name).verbose_name}: "
            f"{_shown(name, getattr(current, name))} → {_shown(name, value)}"
            for name, value in changes.items()
        )
        for name, value in changes.items():
            setattr(school, name, value)
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=school,
            summary=_("School settings changed: %(changes)s") % {"changes": said},
        )
    return list(changes)


# Terms ------------------------------------------------------------------------------


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "j M Y")


def _check_term(school_id: int, *, name: str, starts_on, ends_on, term: Term | None = None) -> str:
    """The name, trimmed; or why these dates cannot be a term of the school."""
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the term a name, such as “Term 1 2027”.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The last day comes before the first day.")
    if errors:
        raise ValidationError(errors)
    others = Term.objects.filter(school_id=school_id).exclude(pk=term.pk if term else None)
    same_start = others.filter(starts_on=starts_on).first()
    if same_start is not None:
        raise ValidationError(
            {
                "starts_on": _("%(term)s already starts on %(day)s.")
                % {"term": same_start.name, "day": _day(starts_on)}
            }
        )
    overlapping = (
        others.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).order_by("starts_on").first()
    )
    if overlapping is not None:
        raise ValidationError(
            _("These dates overlap %(term)s (%(first)s to %(last)s).")
            % {
                "term": overlapping.name,
                "first": _day(overlapping.starts_on),
                "last": _day(overlapping.ends_on),
            }
        )
    return name


def term_create(
    *, school: School, by: User, name: str, starts_on: datetime.date, ends_on: datetime.date
) -> Term:
    require_leader(by, school.pk)
    with transaction.atomic():
        School.objects.lock(school.pk)  # two leaders adding overlapping terms at once
        name = _check_term(school.pk, name=name, starts_on=starts_on, ends_on=ends_on)
        term = Term.objects.create(school=school, name=name, starts_on=starts_on, ends_on=ends_on)
        audit.record(
            actor=by,
            action=AuditEvent.Action.CREATED,
            obj=term,
            summary=_("Added %(term)s: %(first)s to %(last)s")
            % {"term": term.name, "first": _day(starts_on), "last": _day(ends_on)},
        )
    return term


def term_update(
    *, term: Term, by: User, name: str, starts_on: datetime.date, ends_on: datetime.date
) -> bool:
    """Whether anything changed (the same dates again record nothing)."""
    require_leader(by, term.school_id)
    with transaction.atomic():
        School.objects.lock(term.school_id)
        name = _check_term(
            term.school_id, name=name, starts_on=starts_on, ends_on=ends_on, term=term
        )
        if (term.name, term.starts_on, term.ends_on) == (name, starts_on, ends_on):
            return False
        term.name, term.starts_on, term.ends_on = name, starts_on, ends_on
        term.save(update_fields=["name", "starts_on", "ends_on"])
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=term,
            summary=_("Changed %(term)s: %(first)s to %(last)s")
            % {"term": name, "first": _day(starts_on), "last": _day(ends_on)},
        )
    return True


def term_delete(*, term: Term, by: User) -> None:
    require_leader(by, term.school_id)
    with transaction.atomic():
        audit.record(
            actor=by,
            action=AuditEvent.Action.DELETED,
            obj=term,
            summary=_("Removed %(term)s (%(first)s to %(last)s)")
            % {"term": term.name, "first": _day(term.starts_on), "last": _day(term.ends_on)},
        )
        Term.objects.filter(pk=term.pk).delete()


# Staff who leave ------------------------------------------------------------------


def _holds_a_role(user_id: int) -> bool:
    """On a school's staff, whānau of a child, or a student: a reason to keep signing in."""
    return (
        Staff.objects.filter(user_id=user_id).exists()
        or WhanauMember.objects.filter(user_id=user_id).exists()
        or Student.objects.filter(user_id=user_id).exists()
    )


def staff_leave(*, staff: Staff, by: User, notes: list[str] | None = None) -> bool:
    """``staff`` leaves the school: off its classes and its students' assigned teachers, and,
    holding no other role anywhere, unable to sign in. What they wrote stays, in their name.
    The apps above do their part (``hooks.STAFF_LEFT``), adding to ``notes`` what a leader
    should know. Whether they were still on the staff."""
    require_leader(by, staff.school_id)
    with transaction.atomic():
        # The school's leaders, locked: two leaders removing each other at once must not
        # leave the school with none.
        leaders = list(
            Staff.objects.select_for_update()
            .filter(school_id=staff.school_id, role=Staff.Role.LEADER)
            .values_list("pk", flat=True)
        )
        if staff.role == Staff.Role.LEADER and leaders == [staff.pk]:
            raise ValidationError(
                _(
                    "%(name)s is the school’s only leader. Invite another leader first, "
                    "so someone can still look after the school."
                )
                % {"name": staff.user.name}
            )
        left = Staff.objects.filter(pk=staff.pk).update(left_at=timezone.now())
        if not left:
            return False
        # An invitation sent before they left would bring them back on accepting it.
        Invitation.objects.filter(
            school_id=staff.school_id,
            kind=Invitation.Kind.STAFF,
            email=staff.user.email,
            accepted_at__isnull=True,
        ).delete()
        classes = Classroom.teachers.through.objects.filter(
            user_id=staff.user_id, classroom__school_id=staff.school_id
        ).delete()[0]
        Student.assigned_teachers.through.objects.filter(
            user_id=staff.user_id, student__school_id=staff.school_id
        ).delete()
        said = staff_left(staff, by)
        if notes is not None:
            notes += said
        signs_in = _holds_a_role(staff.user_id)
        if not signs_in:
            # Their sessions end with it: a signed-in request finds an inactive user nobody.
            User.objects.filter(pk=staff.user_id).update(is_active=False)
        staff.refresh_from_db(fields=["left_at"])
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=staff,
            summary=(
                _("%(name)s left the staff (taken off %(n)s classes)")
                % {"name": staff.user.name, "n": classes}
            )
            + ("" if signs_in else " · " + _("can no longer sign in")),
        )
    return True


def staff_restore(*, staff: Staff, by: User) -> bool:
    """A leaver back on the staff, able to sign in again. Their classes are not given back:
    a leader adds them again. Whether they had left."""
    require_leader(by, staff.school_id)
    with transaction.atomic():
        restored = Staff.everyone.filter(pk=staff.pk, left_at__isnull=False).update(left_at=None)
        if not restored:
            return False
        User.objects.filter(pk=staff.user_id).update(is_active=True)
        staff.left_at = None
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=staff,
            summary=_("%(name)s is back on the staff") % {"name": staff.user.name},
        )
    return True
