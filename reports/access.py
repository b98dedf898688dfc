"""Who may see and change written reports: built on the students a person may see
(``partnerships.access``).

- The student's leaders and teachers: every report of their students, at any stage.
- Whānau with access and the student: a report once it has been published, never before.
- The student, while their report waits for their reflection: the reflection page only.
"""

from django.db.models import Q, QuerySet

from partnerships.access import (
    classes_visible_to,
    signed_in,
    staff_school_ids,
    students_managed_by,
    students_visible_to,
)
from reports.models import PublishRun, Report, ReportRound


def rounds_visible_to(user) -> QuerySet[ReportRound]:
    """Staff see their school's rounds; a teacher works on the classes of it they teach."""
    if not signed_in(user):
        return ReportRound.objects.none()
    return ReportRound.objects.filter(school_id__in=staff_school_ids(user))


def reports_managed_by(user) -> QuerySet[Report]:
    return Report.objects.filter(student__in=students_managed_by(user))


def reports_visible_to(user) -> QuerySet[Report]:
    """Staff: their students' reports. Whānau and the student: those published."""
    if not signed_in(user):
        return Report.objects.none()
    return Report.objects.filter(
        Q(student__in=students_managed_by(user))
        | Q(student__in=students_visible_to(user), published_version__gt=0)
    )


def reports_to_reflect_on(user) -> QuerySet[Report]:
    """The student's own reports that wait for their reflection, or whose reflection they
    wrote and may still change (``services.report_reflect`` has the last word)."""
    if not signed_in(user):
        return Report.objects.none()
    return Report.objects.filter(student__user=user).filter(
        Q(status=Report.Status.REFLECTION)
        | Q(status=Report.Status.READY, reflected_at__isnull=False)
    )


def runs_visible_to(user) -> QuerySet[PublishRun]:
    return PublishRun.objects.filter(classroom__in=classes_visible_to(user))
