"""Retention on a fast-forwarded clock: a school's world of leavers, evidence files, audit rows,
privacy requests, exports and sent emails of many ages; the nightly task removes exactly what
the school's periods say, files from disk only once that has committed, and nothing of any
other school or of anyone still at the school."""

import datetime

import pytest
from django.utils import timezone

from conversations.weekly.models import WeeklyUpdate
from learners.models import Evidence, GoalComment
from partnerships.models import (
    AuditEvent,
    PrivacyPolicy,
    Student,
    User,
)
from partnerships.privacy import retention, retention_tasks
from tests.partnerships.privacy.retention_world import (
    NIGHT,
    TODAY,
    build,
    exists,
    on_disk,
    run,
)

pytestmark = pytest.mark.django_db


def test_the_night_run_removes_exactly_what_the_policy_says(
    media, night, django_capture_on_commit_callbacks
):
    s = build()
    files = {
        "leaver evidence": s.leaver_evidence.file,
        "leaver photo": s.leaver_update.photo,
        "leaver export": s.leaver_export.file,
        "old note": s.old_note.file,
        "old bare": s.old_bare.file,
        "old photo": s.old_update.photo,
        "old export": s.old_export.file,
    }
    kept_files = {
        "new evidence": s.new_evidence.file,
        "new photo": s.new_update.photo,
        "new export": s.new_export.file,
        "other school's": s.other_evidence.file,
    }
    assert all(on_disk(media, f) for f in [*files.values(), *kept_files.values()])

    run(django_capture_on_commit_callbacks)

    # The leavers due by today (today's too) go, with everything of theirs.
    assert not exists(s.leaver)
    assert not exists(s.edge)
    assert not exists(s.leaver_evidence)
    assert not exists(s.leaver_update)
    assert not exists(s.leaver_export)
    assert not GoalComment.objects.filter(body="We read it together at home.").exists()
    assert not User.objects.filter(name="Aroha Leaver").exists()
    # Their whānau linked to nobody else go, with their account; the others stay.
    assert not exists(s.only_whanau)
    assert not exists(s.only_whanau.user)
    assert exists(s.shared_whanau)
    assert exists(s.soon_whanau)
    assert not exists(s.teacher_whanau)
    assert exists(s.teacher_whanau.user)  # on another school's staff
    # A leaver not yet due, and a current student, stay.
    assert exists(s.soon)
    assert exists(s.enrolled)
    # Old evidence files go: with a note the row stays as the note, without one it goes.
    note = Evidence.objects.get(pk=s.old_note.pk)
    assert note.kind == Evidence.Kind.NOTE
    assert not note.file
    assert note.note.startswith("Counting to 100")
    assert "removed under the school’s retention policy" in note.note
    assert not exists(s.old_bare)
    assert Evidence.objects.get(pk=s.new_evidence.pk).file
    assert not WeeklyUpdate.objects.get(pk=s.old_update.pk).photo
    assert WeeklyUpdate.objects.get(pk=s.old_update.pk).learned  # the words stay
    assert WeeklyUpdate.objects.get(pk=s.new_update.pk).photo
    # The audit trail, requests, exports and emails past their time.
    assert not exists(s.old_audit)
    assert exists(s.new_audit)
    assert not exists(s.old_request)
    assert exists(s.new_request)
    assert exists(s.open_request)
    assert not exists(s.old_export)
    assert exists(s.new_export)
    assert not exists(s.old_email)
    assert exists(s.new_email)
    assert exists(s.queued_email)
    # The files are gone from disk; the others are not.
    assert [name for name, f in files.items() if on_disk(media, f)] == []
    assert [name for name, f in kept_files.items() if not on_disk(media, f)] == []
    # The other school had no policy: it has one now, and nothing of it went.
    assert exists(s.other_leaver)
    assert exists(s.other_evidence)
    assert PrivacyPolicy.objects.get(school=s.other_school).periods_changed_at == timezone.now()
    assert not AuditEvent.objects.filter(school=s.other_school).exists()

    # One audit entry on the school, with counts and no names.
    entry = AuditEvent.objects.get(school=s.school, action="deleted")
    assert entry.student is None
    assert entry.object_type == "partnerships.school"
    assert entry.summary == (
        "Retention: removed weekly update photos (1), evidence files (2), audit entries (1), "
        "expired exports (1), emails sent or not sent (1), closed privacy requests (1), "
        "student records (2), whānau members (2), sign-in accounts (2)"
    )
    for name in ("Aroha", "Leaver", "Tama", "Counting", "work.png", s.only_whanau.name):
        assert name not in entry.summary


def test_running_twice_removes_nothing_more(media, night, django_capture_on_commit_callbacks):
    s = build()
    run(django_capture_on_commit_callbacks)
    counts = {model: model.objects.count() for model in (Student, Evidence, AuditEvent, User)}
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.retention_apply(s.school, today=TODAY) == {}
    assert {model: model.objects.count() for model in counts} == counts
    assert AuditEvent.objects.filter(school=s.school, action="deleted").count() == 1


def test_a_failed_run_keeps_every_file(
    media, night, monkeypatch, django_capture_on_commit_callbacks
):
    """The removal rolls back whole, and no file has gone before it would have committed."""
    s = build()

    def broken(**kwargs):
        raise RuntimeError("the audit trail is unreachable")

    monkeypatch.setattr(retention.audit, "record", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        retention.retention_apply(s.school, today=TODAY)
    assert exists(s.leaver)
    assert on_disk(media, s.leaver_evidence.file)
    assert on_disk(media, s.old_bare.file)
    assert Evidence.objects.get(pk=s.old_note.pk).file


def test_one_school_failing_does_not_stop_the_others(
    media, night, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    s = build()
    real = retention.retention_apply

    def fails_for_the_other_school(school, *, today):
        if school.pk == s.other_school.pk:
            raise RuntimeError("disk full")
        return real(school, today=today)

    monkeypatch.setattr(retention_tasks, "retention_apply", fails_for_the_other_school)
    run(django_capture_on_commit_callbacks)
    assert not exists(s.leaver)
    assert f"Retention failed for school {s.other_school.pk}" in caplog.text


def test_the_preview_shows_what_goes_before_it_goes(media, night):
    s = build()
    preview = retention.retention_preview(s.school, today=TODAY)
    tonight = {str(due.what): due for due in preview.tonight}
    assert tonight["student records"].count == 2
    assert tonight["student records"].names == ["Aroha Leaver", "Tama Edge"]
    assert tonight["evidence files"].count == 2
    assert tonight["whānau members"].count == 2
    assert tonight["audit entries"].count == 1
    coming = [(due.on, str(due.what), due.count, due.names) for due in preview.coming]
    assert (datetime.date(2026, 3, 10), "student records", 1, ["Mere Soon"]) in coming
    # The soon leaver's last whānau goes with them: linked to no student after that.
    assert (datetime.date(2026, 3, 10), "whānau members", 1, [s.soon_whanau.name]) in coming
    # Nothing of the other school, in either list.
    names = [name for due in [*preview.tonight, *preview.coming] for name in due.names]
    assert not [name for name in names if "Other" in name]
    # The preview removed nothing.
    assert exists(s.leaver)
    assert on_disk(media, s.old_bare.file)


def test_shortening_a_period_waits_fourteen_days(
    media, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(NIGHT, tick=False)
    s = build()
    # Kept 7 years, the soon leaver is far from due; shortened to 1 year today, due at once,
    # but shown for 14 days first.
    PrivacyPolicy.objects.filter(school=s.school).update(records_years=7)
    run(django_capture_on_commit_callbacks)
    assert exists(s.leaver)
    PrivacyPolicy.objects.filter(school=s.school).update(
        records_years=1, periods_changed_at=timezone.now()
    )
    preview = retention.retention_preview(s.school, today=TODAY)
    assert "student records" not in [str(due.what) for due in preview.tonight]
    due_day = TODAY + datetime.timedelta(days=14)
    students = [due for due in preview.coming if str(due.what) == "student records"]
    assert [(due.on, due.count) for due in students] == [(due_day, 3)]

    time_machine.move_to(NIGHT + datetime.timedelta(days=13), tick=False)
    run(django_capture_on_commit_callbacks)
    assert exists(s.leaver)
    assert exists(s.soon)

    time_machine.move_to(NIGHT + datetime.timedelta(days=14), tick=False)
    run(django_capture_on_commit_callbacks)
    assert not exists(s.leaver)
    assert not exists(s.edge)
    assert not exists(s.soon)
    assert exists(s.enrolled)


def test_a_school_without_a_policy_waits_fourteen_days(
    media, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(NIGHT, tick=False)
    s = build()
    run(django_capture_on_commit_callbacks)
    assert exists(s.other_leaver)
    time_machine.move_to(NIGHT + datetime.timedelta(days=13), tick=False)
    run(django_capture_on_commit_callbacks)
    assert exists(s.other_leaver)
    time_machine.move_to(NIGHT + datetime.timedelta(days=14), tick=False)
    run(django_capture_on_commit_callbacks)
    assert not exists(s.other_leaver)  # left 2010: past the default 7 years
    assert not on_disk(media, s.other_evidence.file)
    entry = AuditEvent.objects.get(school=s.other_school, action="deleted")
    assert "student records (1)" in entry.summary


@pytest.mark.parametrize(
    ("started", "years"),
    [
        (datetime.date(2024, 2, 29), 1),
        (datetime.date(2027, 2, 28), 1),
        (datetime.date(2027, 3, 1), 1),
        (datetime.date(2020, 2, 29), 7),
        (datetime.date(2023, 6, 15), 2),
    ],
)
def test_a_day_is_due_exactly_when_the_preview_says(started, years):
    """The preview's removal day, and the first day a run counts it as due, are the same day."""
    due = retention.years_after(started, years)
    assert retention.years_before(due, years) >= started
    assert retention.years_before(due - datetime.timedelta(days=1), years) < started
