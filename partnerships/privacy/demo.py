"""The demo's privacy request: Tamati's father (the second demo whānau login) has asked for
the information the school holds about him and his child, a few days ago, so the school's
privacy officer finds one open request with its due date."""

import datetime

from django.utils import timezone

from partnerships.demo import SEPARATED_EMAIL, STEPS
from partnerships.models import PrivacyRequest, School, WhanauLink
from partnerships.privacy.due import due_on

DETAILS = "Everything you hold about me and my son, please: his goals, comments and reports."
DAYS_AGO = 3


@STEPS.register("privacy", order=92, description="open privacy request")
def seed_privacy_request(*, school: School, keep_free: frozenset[int] = frozenset()) -> int:
    link = (
        WhanauLink.objects.with_access()
        .filter(student__school=school, whanau__user__email=SEPARATED_EMAIL)
        .select_related("whanau__user", "student")
        .order_by("pk")
        .first()
    )
    if link is None or PrivacyRequest.objects.filter(school=school).exists():
        return 0
    received = timezone.now() - datetime.timedelta(days=DAYS_AGO)
    # Written as it stands, not through the service: a demo sends nobody an email.
    PrivacyRequest.objects.create(
        school=school,
        kind=PrivacyRequest.Kind.ACCESS,
        requester=link.whanau.user,
        student=link.student,
        details=DETAILS,
        received_at=received,
        due_on=due_on(timezone.localtime(received, school.zone).date()),
    )
    return 1
