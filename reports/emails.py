"""The email that takes a published report home: one to each whānau member with access.

Written to the outbox with the version it announces (``report_published_enqueue``), and built
when it is sent, from the data as it is then: a person since marked "no access / no contact"
gets nothing. A correction's email says which parts changed.
"""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from partnerships import mail, outbox
from partnerships.models import WhanauLink, WhanauMember
from reports import content
from reports.models import Report, ReportVersion

PUBLISHED = "report_published"

# Why an email did not go, for staff (stored untranslated, shown in the reader's language).
GONE = gettext_noop("The report no longer exists.")
NO_ACCESS = gettext_noop("This person is no longer linked to the student with access.")
NO_EMAIL = gettext_noop("The school has no email address for this person.")
REPLACED = gettext_noop("A correction went home before this was sent: its email goes instead.")


def report_published_enqueue(*, report: Report, version: int, whanau: WhanauMember) -> bool:
    """Write the email in the publishing transaction: one per person per version."""
    return outbox.enqueue(
        kind=PUBLISHED,
        key=f"report:{report.pk}:v{version}:{whanau.pk}",
        params={"report": report.pk, "version": version, "whanau": whanau.pk},
        school=report.round.school_id,
    )


@outbox.KINDS.register(PUBLISHED)
def report_published_email(params: dict):
    """“<Name>'s report is here”: a link to read it, and the family's part to write."""
    version = (
        ReportVersion.objects.select_related("report__round__school", "report__student")
        .filter(report_id=params["report"], number=params["version"])
        .first()
    )
    whanau = WhanauMember.objects.filter(pk=params["whanau"]).first()
    if version is None or whanau is None:
        raise outbox.NotToSendError(GONE)
    report = version.report
    if version.number < report.published_version:
        raise outbox.NotToSendError(REPLACED)
    if not whanau.email:
        raise outbox.NotToSendError(NO_EMAIL)
    if (
        not WhanauLink.objects.with_access()
        .filter(whanau=whanau, student_id=report.student_id)
        .exists()
    ):
        raise outbox.NotToSendError(NO_ACCESS)
    language = whanau.preferred_language
    with translation.override(language):
        changed = content.section_labels(version.changed)
    return mail.compose(
        template="reports/email/report_published",
        to=whanau.email,
        language=language,
        context={
            "LANGUAGE_CODE": language,  # no request here to set it: the HTML's lang attribute
            "name": whanau.name,
            "student": report.student.display_name,
            "school": report.round.school,
            "round": report.round.name,
            "number": version.number,
            "changed": changed,
            "url": mail.absolute_url(reverse("report_detail", args=[report.pk])),
        },
    )
