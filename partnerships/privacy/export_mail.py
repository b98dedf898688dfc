"""The email telling someone their information is ready to download: written with the
export's status change (``exports.export_build``), sent by the outbox, in their language."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from partnerships import mail, outbox
from partnerships.models import PrivacyExport, WhanauMember

EXPORT_READY = "privacy_export_ready"

# Why it did not go, for staff (stored untranslated).
GONE = gettext_noop("The download is no longer there.")
NO_ADDRESS = gettext_noop("The person has no email address.")


def export_ready_enqueue(export: PrivacyExport) -> None:
    """In the caller's transaction: one email per export, however often it is built."""
    outbox.enqueue(
        kind=EXPORT_READY,
        key=f"privacy-export:{export.pk}",
        params={"export": export.pk},
        school=export.school_id,
    )


def language_of(user, school_id: int) -> str:
    """The language the person reads: their choice as the school's whānau where they are,
    else their account's."""
    chosen = (
        WhanauMember.objects.filter(school_id=school_id, user=user)
        .values_list("preferred_language", flat=True)
        .first()
    )
    return chosen or getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


@outbox.KINDS.register(EXPORT_READY)
def export_ready_email(params: dict):
    export = (
        PrivacyExport.objects.select_related("school", "recipient")
        .filter(pk=params["export"])
        .first()
    )
    if export is None or export.status != PrivacyExport.Status.READY:
        raise outbox.NotToSendError(GONE)
    recipient = export.recipient
    if not recipient.email:
        raise outbox.NotToSendError(NO_ADDRESS)
    # The last day to download is the school's day.
    with timezone.override(export.school.zone):
        return mail.compose(
            template="partnerships/email/privacy_export_ready",
            to=recipient.email,
            language=language_of(recipient, export.school_id),
            context={
                "name": recipient.get_short_name() or recipient.name,
                "school": export.school,
                "expires_at": export.expires_at,
                "url": mail.absolute_url(reverse("privacy_requests")),
            },
        )
