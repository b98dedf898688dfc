"""Who may see and change weekly updates: built on ``partnerships.access``."""

from django.db.models import Q, QuerySet

from conversations.weekly.models import WeeklyUpdate
from partnerships.access import own_whanau_links, signed_in, students_managed_by


def updates_visible_to(user) -> QuerySet[WeeklyUpdate]:
    """Staff see their students' updates, drafts too; a student sees their own; whānau see an
    update once it has gone home (whether or not they take the email)."""
    if not signed_in(user):
        return WeeklyUpdate.objects.none()
    return WeeklyUpdate.objects.filter(
        Q(student__in=students_managed_by(user))
        | Q(student__user=user)
        | Q(queued_at__isnull=False, student__in=own_whanau_links(user).values("student_id"))
    )


def updates_managed_by(user) -> QuerySet[WeeklyUpdate]:
    return WeeklyUpdate.objects.filter(student__in=students_managed_by(user))
