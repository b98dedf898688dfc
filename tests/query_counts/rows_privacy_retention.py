"""Query counts of the privacy pages: retention.

The preview counts each kind by the day it goes in SQL, and names only the first few: one
query or two a kind, however many leavers (going, or waiting for an open request), files and
audit rows the school has."""

import datetime

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from learners.models import Evidence
from partnerships import audit
from partnerships.models import AuditEvent, PrivacyRequest, Voice
from tests import factories
from tests.factories import PNG
from tests.query_counts.pages import SIGNED_IN, Page

MORE = 3
LONG_AGO = datetime.timedelta(days=365 * 9)  # past the default 7 years, whatever the day


def _leaver(s) -> list[str]:
    """A student who left long ago, with whānau linked to nobody else and an old photo."""
    school = s.world.school
    long_ago = timezone.now() - LONG_AGO
    student = factories.StudentFactory(school=school, classroom=None, left_on=long_ago.date())
    whanau = factories.WhanauLinkFactory(student=student).whanau
    evidence = Evidence.objects.create(
        goal=factories.GoalFactory(student=student),
        kind=Evidence.Kind.PHOTO,
        voice=Voice.TEACHER,
        original_name="old.png",
        content_type="image/png",
        file=ContentFile(PNG, name="old.png"),
    )
    Evidence.objects.filter(pk=evidence.pk).update(created_at=long_ago)
    AuditEvent.objects.create(
        school=school, action="viewed", object_type="partnerships.school", at=long_ago
    )
    return [student.full_name, whanau.name]


def _waiting(s) -> list[str]:
    """A student who left long ago, kept while their whānau's request is open."""
    school = s.world.school
    student = factories.StudentFactory(
        school=school, classroom=None, left_on=(timezone.now() - LONG_AGO).date()
    )
    whanau = factories.WhanauLinkFactory(student=student).whanau
    PrivacyRequest.objects.create(
        school=school,
        kind=PrivacyRequest.Kind.ACCESS,
        requester=whanau.user,
        student=student,
        due_on=timezone.localdate(),
    )
    return [student.full_name]


def _run(s) -> None:
    """A retention run already in the audit trail, for the last runs' list."""
    audit.record(
        actor=None,
        action=AuditEvent.Action.DELETED,
        obj=s.world.school,
        summary="Retention: removed audit entries (3)",
    )


def _given(s) -> None:
    _leaver(s)
    _waiting(s)
    _run(s)


def _more(s) -> list[str]:
    shown = []
    for _ in range(MORE):
        shown += _leaver(s) + _waiting(s)
        _run(s)
    return shown


PAGES: list = [
    Page(
        "privacy_retention",
        "leader",
        lambda s: reverse("privacy_retention"),
        (
            *SIGNED_IN,
            "the school's privacy policy (none: the defaults)",
            "conversations: the first weekly update photos due, with their students",
            "conversations: weekly update photos due, counted by day",
            "learners: the first evidence files due, with their students",
            "learners: evidence files due, counted by day",
            "audit entries due, counted by day",
            "expired exports due, counted by day",
            "imports due, counted by day",
            "emails sent or not sent due, counted by day",
            "closed privacy requests due, counted by day",
            "the first leavers waiting for an open privacy request",
            "the first leavers due",
            "leavers due, counted by day",
            "the first whānau due (linked to no student after)",
            "whānau due, counted by day",
            "the last retention runs, from the audit trail",
        ),
        given=_given,
        more=_more,
    ),
]
