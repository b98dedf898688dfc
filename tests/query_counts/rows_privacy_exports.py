"""Query counts of the privacy pages: exports."""

from django.urls import reverse

from partnerships.models import PrivacyExport
from tests.access.rows_privacy_exports import ready_export
from tests.query_counts.pages import SIGNED_IN, Page

PAGES: list = [
    Page(
        "privacy_export_download",
        "whanau",
        lambda s: reverse("privacy_export_download", args=[ready_export(s.world).pk]),
        (
            *SIGNED_IN,
            "the export, if it is this person's, with its school",
            "savepoint: the download counted and audited together",
            "UPDATE the export's count of downloads",
            "audit: INSERT the 'downloaded' event",
            "release the savepoint",
        ),
    ),
    Page(
        "privacy_school_export",
        "leader",
        lambda s: reverse("privacy_school_export"),
        (*SIGNED_IN, "the school's latest export, with who asked for it"),
        given=lambda s: PrivacyExport.objects.create(
            school=s.world.school, recipient=s.world.leader, asked_by=s.world.leader
        ),
    ),
]
