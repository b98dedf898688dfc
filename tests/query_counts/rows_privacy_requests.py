"""Query counts of the privacy pages: requests, the person's own and the officer's."""

import datetime

from django.urls import reverse
from django.utils import timezone

from partnerships.models import PrivacyExport, PrivacyRequest
from tests.query_counts.pages import SIGNED_IN, Page
from tests.query_counts.scene import MORE

OFFICER = (
    "is the person an officer: the school's privacy policy (who it chose)",
    "is the person an officer: among the school's leaders",
)


def _ask(scene, n: int = 0, **fields) -> PrivacyRequest:
    world = scene.world
    fields = {
        "school": world.school,
        "kind": PrivacyRequest.Kind.ACCESS,
        "requester": world.whanau,
        "student": world.student,
        "due_on": timezone.localdate() + datetime.timedelta(days=28 + n),
        "details": f"Request number {n}",
        **fields,
    }
    return PrivacyRequest.objects.create(**fields)


def _with_export(scene, n: int = 0) -> PrivacyRequest:
    asked = _ask(scene, n, status=PrivacyRequest.Status.SENT)
    PrivacyExport.objects.create(
        school=scene.world.school,
        request=asked,
        recipient=scene.world.whanau,
        status=PrivacyExport.Status.READY,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    return asked


def _more_mine(scene) -> list[str]:
    made = [_with_export(scene, n) for n in range(1, MORE + 1)]
    return [reverse("privacy_export_download", args=[r.export.pk]) for r in made]


def _more_school(scene) -> list[str]:
    opened = [_ask(scene, n, requester=scene.world.other_whanau) for n in range(1, MORE + 1)]
    closed = [_with_export(scene, n) for n in range(10, 10 + MORE)]
    return [reverse("privacy_request_detail", args=[r.pk]) for r in opened + closed]


def _detail(scene) -> str:
    return reverse("privacy_request_detail", args=[_ask(scene).pk])


def _correction(scene) -> str:
    world = scene.world
    asked = _ask(
        scene,
        kind=PrivacyRequest.Kind.CORRECTION,
        record_type="learners.goal",
        record_id=world.goal.pk,
    )
    return reverse("privacy_request_detail", args=[asked.pk])


PAGES: list = [
    Page(
        "privacy_requests",
        "whanau",
        lambda s: reverse("privacy_requests"),
        (*SIGNED_IN, "their requests, with the child and the export"),
        given=lambda s: _with_export(s),
        more=_more_mine,
    ),
    Page(
        "privacy_request_new",
        "whanau",
        lambda s: reverse("privacy_request_new") + "?kind=access",
        (*SIGNED_IN, "their tamariki (links with access, with the children)"),
    ),
    Page(
        "privacy_request_new",
        "whanau",
        lambda s: (
            reverse("privacy_request_new")
            + f"?kind=correction&record=learners.goal:{s.world.goal.pk}"
        ),
        (*SIGNED_IN, "the goal, if it is their child's", "their tamariki (for the form)"),
    ),
    Page(
        "privacy_requests_school",
        "leader",
        lambda s: reverse("privacy_requests_school"),
        (*SIGNED_IN, *OFFICER, "the school's requests, with who asked and the child"),
        given=lambda s: _ask(s),
        more=_more_school,
    ),
    Page(
        "privacy_request_detail",
        "leader",
        _detail,
        (
            *SIGNED_IN,
            *OFFICER,
            "the request, with who asked, the child, its export and who closed it",
            "who asked: their link to the child",
        ),
    ),
    Page(
        "privacy_request_detail",
        "leader",
        _correction,
        (
            *SIGNED_IN,
            *OFFICER,
            "the request, with who asked, the child, its export and who closed it",
            "the goal, among the school's the officer sees",
            "who asked: their link to the child",
        ),
    ),
]
