"""A school's privacy policy, read with its defaults, and who its privacy officers are."""

from django.db.models import QuerySet

from partnerships.access import signed_in
from partnerships.models import PrivacyPolicy, School, Staff


def policy_of(school: School) -> PrivacyPolicy:
    """The school's policy: its row, or the defaults (unsaved) when it has set none."""
    try:
        return school.privacy
    except PrivacyPolicy.DoesNotExist:
        return PrivacyPolicy(school=school)


def officers(school: School) -> QuerySet[Staff]:
    """Who answers the school's privacy requests: its chosen privacy officer while they still
    lead it, or else every current leader."""
    leaders = Staff.objects.filter(school=school, role=Staff.Role.LEADER)
    chosen = policy_of(school).officer_id
    if chosen is not None and leaders.filter(pk=chosen).exists():
        return leaders.filter(pk=chosen)
    return leaders


def is_officer(user, school: School) -> bool:
    return signed_in(user) and officers(school).filter(user=user).exists()
