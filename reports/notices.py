"""What reports tells people (``partnerships.notices``), and whom.

- ``report_published``: a report went home. Each whānau member with access and the student
  (if they sign in) hears once per version, from ``publishing._freeze`` in the publishing
  transaction: the email is the outbox's, at each reader's rhythm.
- ``report_corrected``: a correction went home, with the sections that changed since the
  version the reader was told of, in their language.
- ``report_family`` and ``report_response``: the student's teachers hear what the family
  wrote back ("how you can help at home", a response), in a daily digest unless they choose.

A version replaced before the reader heard of it: when a correction goes home, a reader's
notice of an earlier version that has neither been emailed nor opened is withdrawn (its email,
if waiting, then has nothing to send), and the new version tells them as if it were the first
(``report_published``), so nobody is told of a correction to a report they never heard of.
"""

import datetime
from collections import defaultdict

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from partnerships.access import teachers_of
from partnerships.models import Notice, Rhythm, Student, User
from partnerships.notices import FAMILY, STAFF, kind, notify
from reports import content, surprises
from reports.models import Report, ReportResponse, ReportVersion

PUBLISHED = kind(
    "report_published",
    audience=FAMILY,
    label=gettext_noop("Reports that come home"),
    sentence=gettext_noop(
        "%(student)s’s report (%(what)s) is here: nothing in it should be a surprise"
    ),
    own_sentence=gettext_noop("Your report (%(what)s) is here: nothing in it should be a surprise"),
    order=60,
).name
CORRECTED = kind(
    "report_corrected",
    audience=FAMILY,
    label=gettext_noop("Corrections to reports"),
    sentence=gettext_noop("We corrected %(student)s’s report (%(what)s)"),
    own_sentence=gettext_noop("We corrected your report (%(what)s)"),
    order=61,
).name
FAMILY_WROTE = kind(
    "report_family",
    audience=STAFF,
    label=gettext_noop("“How you can help at home” written in reports"),
    sentence=gettext_noop("%(who)s wrote “how you can help at home” in %(student)s’s report"),
    default=Rhythm.DAILY,
    order=60,
).name
FAMILY_RESPONDED = kind(
    "report_response",
    audience=STAFF,
    label=gettext_noop("Responses to reports"),
    sentence=gettext_noop("%(who)s responded to %(student)s’s report"),
    default=Rhythm.DAILY,
    order=61,
).name


def version_key(report_id: int, number: int) -> str:
    return f"report:{report_id}:v{number}"


def _number(key: str) -> int:
    return int(key.rsplit(":v", 1)[1])


def report_published_notify(
    *, report: Report, version: ReportVersion, actor: User, now: datetime.datetime
) -> None:
    """Tell each reader of the report that this version went home (in the caller's
    transaction, the report locked by it). See the module's note on replaced versions."""
    student = report.student
    whanau = surprises.readers_of(report)
    users = [student.user] if student.user_id and student.user.is_active else []
    earlier = Notice.objects.filter(
        student_id=report.student_id,
        kind__in=(PUBLISHED, CORRECTED),
        key__startswith=f"report:{report.pk}:v",
    ).exclude(key=version_key(report.pk, version.number))
    told = {}  # reader → the latest version they heard of
    replaced = []
    for notice in earlier.only("pk", "key", "whanau_id", "user_id", "emailed_at", "read_at"):
        reader = ("w", notice.whanau_id) if notice.whanau_id else ("u", notice.user_id)
        if notice.emailed_at or notice.read_at:
            told[reader] = max(told.get(reader, 0), _number(notice.key))
        else:
            replaced.append(notice.pk)
    if replaced:
        Notice.objects.filter(pk__in=replaced).delete()
    changes = {}
    if told:
        changes = dict(
            ReportVersion.objects.filter(
                report=report, number__gt=min(told.values()), number__lte=version.number
            ).values_list("number", "changed")
        )
    # Readers told alike (the same kind, and for a correction the same changes in the same
    # language) are told together.
    groups = defaultdict(lambda: {"whanau": [], "users": []})
    for side, tag, people in (("whanau", "w", whanau), ("users", "u", users)):
        for person in people:
            since = told.get((tag, person.pk))
            if since is None:
                groups[PUBLISHED, None, ""][side].append(person)
            else:
                groups[CORRECTED, since, person.preferred_language][side].append(person)
    for (name, since, language), readers in groups.items():
        excerpt = ""
        if name == CORRECTED:
            sections = {
                section
                for number, changed in changes.items()
                if number > since
                for section in changed
            }
            excerpt = _what_changed(sections, language)
        notify(
            kind=name,
            key=version_key(report.pk, version.number),
            student=student,
            actor=actor,
            title=report.round.name,
            excerpt=excerpt,
            url=report.get_absolute_url(),
            now=now,
            **readers,
        )


def _what_changed(sections: set[str], language: str) -> str:
    if not sections:
        return ""
    ordered = [name for name in content.SECTIONS if name in sections]
    with translation.override(language):
        return _("What changed: %(sections)s") % {
            "sections": "; ".join(content.section_labels(ordered))
        }


def _teachers(report: Report):
    return teachers_of(Student.objects.filter(pk=report.student_id)).filter(is_active=True)


def home_help_notify(*, report: Report, by: User) -> None:
    """Tell the student's teachers the family wrote their part: once per author."""
    notify(
        kind=FAMILY_WROTE,
        key=f"report:{report.pk}:home-help:{by.pk}",
        student=report.student,
        actor=by,
        title=report.round.name,
        excerpt=report.home_help,
        url=report.get_absolute_url() + "#home",
        users=_teachers(report),
    )


def response_notify(*, response: ReportResponse, by: User) -> None:
    """Tell the student's teachers of a response to the report."""
    report = response.report
    notify(
        kind=FAMILY_RESPONDED,
        key=f"report-response:{response.pk}",
        student=report.student,
        actor=by,
        title=report.round.name,
        excerpt=response.body,
        url=report.get_absolute_url() + "#home",  # responses are shown there too
        users=_teachers(report),
    )
