"""Households: the whānau members who live together.

Within a household, what its members arrange with the school is shared (a conversation time
one of them booked, and what they said they need for it); across households it is not, so
separated parents never see each other's arrangements. A member in no household lives on
their own: ``household_of`` gives them a household of one the first time one is needed.
"""

from django.db import transaction
from django.db.models import QuerySet

from partnerships.models import Household, WhanauMember


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
