"""Evidence files past the school's evidence period, and the files of leavers' evidence.

An evidence file goes ``evidence_years`` after it was added. Evidence with a note is kept as
that note, saying the file was removed; evidence that was only a file holds nothing once the
file is gone, so its row goes too. A leaver whose records go takes their goals' evidence with
them (the cascade): its files are listed here before, and deleted once that has committed.
"""

from django.db.models import F, TextField, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learners.models import Evidence
from partnerships.privacy import retention
from partnerships.privacy.hooks import RETENTION, Due

EVIDENCE_FILES = gettext_lazy("evidence files")


def _due(school, win):
    return (
        Evidence.objects.filter(goal__student__school=school)
        .exclude(file="")
        .filter(win.until("created_at"))
    )


@RETENTION.register("learners.evidence_files", order=10)
def evidence_files(school, *, policy, today, apply):
    win = retention.window(school, policy, today, policy.evidence_years)
    if win is None:
        return []
    due = _due(school, win)
    if not apply:
        firsts = due.select_related("goal__student").order_by("created_at", "pk")
        names = [
            (
                evidence.created_at.astimezone(win.zone).date(),
                f"{evidence.goal.student.full_name}: {evidence.original_name or evidence.kind}",
            )
            for evidence in firsts[: retention.NAMES_SHOWN]
        ]
        return retention.counted(EVIDENCE_FILES, due, win, "created_at", names=names)
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return []
    files = retention.files_of(Evidence.objects.filter(pk__in=ids), "file")
    removed = "\n\n" + _("(The file was removed under the school’s retention policy.)")
    Evidence.objects.filter(pk__in=ids, note="").delete()
    Evidence.objects.filter(pk__in=ids).update(
        kind=Evidence.Kind.NOTE,
        file="",
        original_name="",
        content_type="",
        note=Concat(F("note"), Value(removed), output_field=TextField()),
    )
    retention.delete_files_on_commit(files)
    return [Due(EVIDENCE_FILES, len(ids), today)]


@RETENTION.register("learners.leaver_files", order=10)
def leaver_files(school, *, policy, today, apply):
    """Counted with the student records: only the files, once their rows are gone."""
    if apply:
        leavers = retention.leavers_due(school, policy=policy, today=today)
        retention.delete_files_on_commit(
            retention.files_of(Evidence.objects.filter(goal__student__in=leavers), "file")
        )
    return []
