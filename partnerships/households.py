"""Households: the whānau members who live together.

Within a household, what its members arrange with the school is shared (a conversation time
one of them booked, and what they said they need for it); across households it is not, so
separated parents never see each other's arrangements. A member in no household lives on
their own: ``household_of`` gives them a household of one the first time one is needed.

Staff say who lives with whom (``household_join``, ``household_leave``). A booking belongs
to the household that made it: moving a member into another household, or out to live on
their own, leaves the bookings already made where they are. The household that made them
keeps seeing and managing them; the member who moved out no longer does, even one they
booked (``conversations.access``), and their new household books its own, where the round
is per household.

Whether each household books its own conversation or the school holds one joint one per
child is the school's ``bookings_per_household``: a round copies it when it opens, so a
change applies to rounds opened after it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from partnerships import audit
from partnerships.access import led_school_ids, signed_in, students_managed_by
from partnerships.models import AuditEvent, Household, School, Student, WhanauLink, WhanauMember
from partnerships.school_settings import school_setting_set


def household_of(member: WhanauMember) -> Household:
    """The member's household, made for them alone if they have none yet (in the caller's
    transaction, the member's row locked so two bookings at once make one household)."""
    if member.household_id is not None:
        return member.household
    with transaction.atomic():
        locked = WhanauMember.objects.select_for_update().get(pk=member.pk)
        if locked.household_id is None:
            locked.household = Household.objects.create(school_id=locked.school_id)
            locked.save(update_fields=["household"])
        member.household = locked.household
    return member.household


def own_household_ids(user) -> QuerySet:
    """The households this person lives in (one per school where they are whānau)."""
    return WhanauMember.objects.filter(user=user, household__isnull=False).values("household_id")


def members_housed_by(user) -> QuerySet[WhanauMember]:
    """Whānau whose household a leader or teacher may change: any at a school they lead, and
    the whānau of the students they teach. Whānau do not say who lives with whom here."""
    if not signed_in(user):
        return WhanauMember.objects.none()
    taught = WhanauLink.objects.filter(whanau=OuterRef("pk"), student__in=students_managed_by(user))
    return WhanauMember.objects.filter(Q(school_id__in=led_school_ids(user)) | Q(Exists(taught)))


def _check(*, member: WhanauMember, by, other: WhanauMember | None = None) -> None:
    if other is not None:
        if other.school_id != member.school_id:
            raise ValidationError(
                _("%(other)s is whānau at another school, so %(name)s can’t live with them here.")
                % {"other": other.name, "name": member.name}
            )
        if other.pk == member.pk:
            raise ValidationError(
                _("Choose someone else for %(name)s to live with, or “On their own”.")
                % {"name": member.name}
            )
    wanted = {member.pk} | ({other.pk} if other is not None else set())
    if members_housed_by(by).filter(pk__in=wanted).count() != len(wanted):
        raise PermissionDenied(_("Only their school’s staff say who lives with whom."))


def _locked(*members: WhanauMember) -> dict[int, WhanauMember]:
    """The members' rows, locked in one order (two staff moving two people at once wait for
    each other rather than deadlock)."""
    rows = WhanauMember.objects.select_for_update().filter(pk__in=[m.pk for m in members])
    return {row.pk: row for row in rows.order_by("pk")}


def _audit(*, member: WhanauMember, by, summary: str) -> None:
    """One row on each student the member is whānau of: their record's history says it."""
    students = Student.objects.filter(whanau_links__whanau=member).order_by("pk")
    rows = [(member, student, summary) for student in students]
    if rows:
        audit.record_many(actor=by, action=AuditEvent.Action.CHANGED, rows=rows)
    else:
        audit.record(actor=by, action=AuditEvent.Action.CHANGED, obj=member, summary=summary)


def household_join(*, member: WhanauMember, other: WhanauMember, by) -> bool:
    """``member`` now lives with ``other``: in other's household (made if they have none).

    Bookings already made stay with the household that made them. Returns whether anything
    changed: joining the household one already lives in changes nothing."""
    _check(member=member, other=other, by=by)
    with transaction.atomic():
        locked = _locked(member, other)
        mover, host = locked[member.pk], locked[other.pk]
        if host.household_id is None:
            host.household = Household.objects.create(school_id=host.school_id)
            host.save(update_fields=["household"])
        changed = mover.household_id != host.household_id
        if changed:
            mover.household_id = host.household_id
            mover.save(update_fields=["household"])
            _audit(
                member=mover,
                by=by,
                summary=_("%(name)s now lives with %(other)s")
                % {"name": mover.name, "other": host.name},
            )
    member.household_id = other.household_id = host.household_id
    return changed


def household_leave(*, member: WhanauMember, by) -> bool:
    """``member`` now lives on their own. Bookings already made stay with the household they
    leave. Returns whether anything changed: someone already on their own (or the only one
    left in their household) stays as they are."""
    _check(member=member, by=by)
    with transaction.atomic():
        mover = _locked(member)[member.pk]
        others = WhanauMember.objects.filter(household_id=mover.household_id).exclude(pk=mover.pk)
        changed = mover.household_id is not None and others.exists()
        if changed:
            mover.household = None
            mover.save(update_fields=["household"])
            _audit(
                member=mover,
                by=by,
                summary=_("%(name)s now lives on their own") % {"name": mover.name},
            )
    member.household_id = mover.household_id
    return changed


def school_bookings_per_household_set(*, school: School, by, per_household: bool) -> bool:
    """A leader says whether each household books its own conversation per child, or the
    school holds one joint one. Rounds copy it when they open: those already open keep
    theirs. Returns whether anything changed."""
    return school_setting_set(
        school=school,
        by=by,
        name="bookings_per_household",
        value=per_household,
        summary=_("Each household books its own conversation, in rounds opened from now")
        if per_household
        else _("One joint conversation per child, in rounds opened from now"),
    )
