"""Rows for the privacy pages: exports. A download is its recipient's alone: anyone else,
whoever they are, finds no such page. A school's export page is for its leaders; a POST
queues one."""

import datetime
import io
import uuid
import zipfile

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from partnerships.models import PrivacyExport, PrivacyRequest
from partnerships.privacy import crypto
from tests.access.outcomes import ANY_LEADER, GET_ONLY, PAGE, SAVED, Row, only


def ready_export(world, recipient=None) -> PrivacyExport:
    """A small export, ready for ``recipient`` (the world's whānau), stored as a real one is:
    their answered request, with their child's record in it (the download asks that the child
    is still theirs to see)."""
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("information.json", "{}")
    zipped.seek(0)
    sealed = io.BytesIO()
    crypto.encrypt_stream(zipped, sealed)
    now = timezone.now()
    recipient = recipient or world.whanau
    request = PrivacyRequest.objects.create(
        school=world.school,
        kind=PrivacyRequest.Kind.ACCESS,
        status=PrivacyRequest.Status.SENT,
        requester=recipient,
        student=world.student,
        include_student=True,
        due_on=timezone.localdate() + datetime.timedelta(days=28),
    )
    export = PrivacyExport(
        school=world.school,
        request=request,
        recipient=recipient,
        asked_by=world.leader,
        status=PrivacyExport.Status.READY,
        built_at=now,
        expires_at=now + datetime.timedelta(days=7),
        size=len(sealed.getvalue()),
    )
    export.file.save("export", ContentFile(sealed.getvalue()), save=False)
    export.save()
    return export


ROWS = {
    "privacy_export_download": Row(
        url=lambda t: reverse("privacy_export_download", args=[ready_export(t.world).pk]),
        get=only(["whanau"], PAGE),
        post=GET_ONLY,
    ),
    # Each leader exports their own school.
    "privacy_school_export": Row(
        url=lambda t: reverse("privacy_school_export"),
        get=only(ANY_LEADER, PAGE),
        post=only(ANY_LEADER, SAVED),
        data=lambda t: {"submission": str(uuid.uuid4())},
    ),
}
