"""Weekly update photos past the school's evidence period, and the photos of leavers' updates.

A photo goes ``evidence_years`` after its update was written; the update itself (the
student's words) stays until the student's records go. A leaver whose records go takes their
updates with them (the cascade): the photos are listed here before, and deleted once that has
committed. Conversations themselves hold no files.
"""

from django.utils.translation import gettext_lazy

from conversations.models import WeeklyUpdate
from partnerships.privacy import retention
from partnerships.privacy.hooks import RETENTION, Due

UPDATE_PHOTOS = gettext_lazy("weekly update photos")


@RETENTION.register("conversations.update_photos", order=10)
def update_photos(school, *, policy, today, apply):
    win = retention.window(school, policy, today, policy.evidence_years)
    if win is None:
        return []
    due = (
        WeeklyUpdate.objects.filter(student__school=school)
        .exclude(photo="")
        .filter(win.until("created_at"))
    )
    if not apply:
        firsts = due.select_related("student").order_by("created_at", "pk")
        names = [
            (update.created_at.astimezone(win.zone).date(), str(update))
            for update in firsts[: retention.NAMES_SHOWN]
        ]
        return retention.counted(UPDATE_PHOTOS, due, win, "created_at", names=names)
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return []
    files = retention.files_of(WeeklyUpdate.objects.filter(pk__in=ids), "photo")
    WeeklyUpdate.objects.filter(pk__in=ids).update(photo="", photo_type="")
    retention.delete_files_on_commit(files)
    return [Due(UPDATE_PHOTOS, len(ids), today)]


@RETENTION.register("conversations.leaver_photos", order=10)
def leaver_photos(school, *, policy, today, apply):
    """Counted with the student records: only the files, once their rows are gone."""
    if apply:
        leavers = retention.leavers_due(school, policy=policy, today=today)
        retention.delete_files_on_commit(
            retention.files_of(WeeklyUpdate.objects.filter(student__in=leavers), "photo")
        )
    return []
