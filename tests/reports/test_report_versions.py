"""Publishing freezes a version whānau read for ever; a correction is the next version, and
whānau are told what changed. One email per reader with access and an address, never twice."""

import datetime
import email
from email import policy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from learners.models import Goal
from partnerships import outbox
from partnerships.models import AuditEvent, OutboxEmail
from reports import emails, publishing, services
from reports.models import Report, ReportResponse, ReportVersion
from tests import factories
from tests.smtp import SMTPServer

TODAY = datetime.date(2026, 6, 1)
ROUND = "Mid-year 2026"


@pytest.fixture
def report(world) -> Report:
    """A ready report with the teacher's comment, for a student whose whānau are: a parent
    with an email, a parent with none, and a parent linked with no access."""
    round_ = services.report_round_create(
        actor=world.leader,
        school=world.school,
        name=ROUND,
        period_starts_on=TODAY - datetime.timedelta(days=90),
        due_on=TODAY,
        classes=[world.classroom],
    )
    report = Report.objects.get(round=round_, student=world.student)
    factories.WhanauLinkFactory(student=world.student, whanau__email="")
    write(world, report, "Aroha reads chapter books on her own now.")
    services.report_mark_ready(actor=world.teacher, report=report)
    return report


def write(world, report, comment: str, support: str = "") -> list[str]:
    return services.report_save(
        actor=world.teacher,
        report=report,
        teacher_comment=comment,
        support_note=support,
        judgements={},
        dispositions={},
    )


def fresh(report: Report) -> Report:
    return Report.objects.get(pk=report.pk)


def outbox_rows(report: Report) -> list[tuple[int, int]]:
    """(version, whānau member) of each email written for the report."""
    rows = OutboxEmail.objects.filter(kind=emails.PUBLISHED, params__report=report.pk)
    return sorted((row.params["version"], row.params["whanau"]) for row in rows)


def build(report: Report, version: int, member):
    """The email as the outbox builds it when it sends, through the registered kind."""
    (entry,) = [each for each in outbox.KINDS if each.name == emails.PUBLISHED]
    return entry.function({"report": report.pk, "version": version, "whanau": member.pk})


def publish_summaries(report: Report) -> list[str]:
    rows = AuditEvent.objects.filter(
        object_type="reports.report", object_id=report.pk, summary__startswith="Report published"
    )
    return list(rows.order_by("at", "pk").values_list("summary", flat=True))


def correct(world, report, comment: str = "Aroha reads chapter books and poems.") -> None:
    write(world, report, comment)
    services.report_mark_ready(actor=world.teacher, report=report)


# --- The first version --------------------------------------------------------------------


def test_publishing_freezes_version_one_and_emails_each_reader_with_an_address(world, report):
    """Version 1, and one email: none to the parent with no address, none to no access."""
    result = publishing.report_publish(actor=world.teacher, report=report)

    assert result.created
    version = result.version
    assert (version.number, version.changed, version.published_by) == (1, [], world.teacher)
    assert version.content["teacher_comment"] == "Aroha reads chapter books on her own now."
    assert version.content["round"] == ROUND
    after = fresh(report)
    assert (after.status, after.published_version) == (Report.Status.PUBLISHED, 1)
    assert outbox_rows(report) == [(1, world.link.whanau.pk)]
    assert publish_summaries(report) == ["Report published (version 1)"]


def test_publishing_twice_makes_one_version_and_one_set_of_emails(world, report):
    """A double click on “Publish”: the same version back, nothing more written or sent."""
    first = publishing.report_publish(actor=world.teacher, report=report)
    again = publishing.report_publish(actor=world.teacher, report=fresh(report))
    by_leader = publishing.report_publish(actor=world.leader, report=report)

    assert (first.created, again.created, by_leader.created) == (True, False, False)
    assert again.version.pk == first.version.pk == by_leader.version.pk
    assert ReportVersion.objects.filter(report=report).count() == 1
    assert outbox_rows(report) == [(1, world.link.whanau.pk)]
    assert len(publish_summaries(report)) == 1


def test_the_first_email_says_the_report_is_here(world, report):
    """Subject, text and HTML: the child's report is ready, and the family's part to write."""
    publishing.report_publish(actor=world.teacher, report=report)
    name = world.student.display_name

    message = build(report, 1, world.link.whanau)

    assert message.to == [world.link.whanau.email]
    assert message.subject == f"{name}’s report is here: {ROUND}"
    url = f"/reports/{report.pk}/"
    assert reverse("report_detail", args=[report.pk]) == url
    for body in (message.body, message.alternatives[0].content):
        assert f"Kia ora {world.link.whanau.name}," in body
        assert f"{name}’s report ({ROUND}) is ready for you to read." in body
        assert "How you can help at home" in body
        assert url in body
        assert "What changed" not in body
    assert '<html lang="en">' in message.alternatives[0].content


def test_the_version_keeps_goals_achieved_since_the_periods_first_morning(world, report):
    """A goal achieved just after midnight at the school on the first day is in the report;
    one achieved the evening before is not (the school's clock, not the server's)."""
    world.school.timezone = "Pacific/Chatham"  # 45 minutes ahead of the server's zone
    world.school.save(update_fields=["timezone"])
    start = datetime.datetime.combine(
        report.round.period_starts_on, datetime.time.min, tzinfo=world.school.zone
    )
    inside = factories.GoalFactory(student=world.student, title="Inside the period")
    before = factories.GoalFactory(student=world.student, title="Before the period")
    for goal, moment in ((inside, start + datetime.timedelta(minutes=10)), (before, start)):
        Goal.objects.filter(pk=goal.pk).update(
            status=Goal.Status.ACHIEVED, updated_at=moment - datetime.timedelta(minutes=5)
        )

    version = publishing.report_publish(actor=world.teacher, report=report).version

    titles = [goal["title"] for goal in version.content["goals"]]
    assert "Inside the period" in titles
    assert "Before the period" not in titles
    assert world.goal.title in titles  # still active


# --- Corrections ----------------------------------------------------------------------------


def test_editing_a_published_report_starts_a_correction_whanau_do_not_see_yet(world, report):
    """The teacher edits after publishing: whānau still read version 1 as it went home."""
    publishing.report_publish(actor=world.teacher, report=report)

    write(world, report, "Aroha reads chapter books and poems.")

    after = fresh(report)
    assert after.status == Report.Status.DRAFT
    assert after.is_correction
    assert after.published_version == 1
    (version,) = ReportVersion.objects.filter(report=report)
    assert version.content["teacher_comment"] == "Aroha reads chapter books on her own now."
    assert outbox_rows(report) == [(1, world.link.whanau.pk)]


def test_publishing_a_correction_makes_version_two_naming_what_changed(world, report):
    """Version 2 says the teacher's comment changed; version 1 is kept; one more email."""
    publishing.report_publish(actor=world.teacher, report=report)
    correct(world, report)

    result = publishing.report_publish(actor=world.teacher, report=report)

    assert (result.created, result.version.number) == (True, 2)
    assert result.version.changed == ["teacher_comment"]
    assert result.version.content["teacher_comment"] == "Aroha reads chapter books and poems."
    first = ReportVersion.objects.get(report=report, number=1)
    assert first.content["teacher_comment"] == "Aroha reads chapter books on her own now."
    assert fresh(report).published_version == 2
    assert not fresh(report).is_correction
    assert outbox_rows(report) == [(1, world.link.whanau.pk), (2, world.link.whanau.pk)]
    assert publish_summaries(report) == [
        "Report published (version 1)",
        "Report published (version 2)",
    ]


def test_the_correction_email_says_what_changed(world, report):
    """Subject says a correction; both bodies list the parts that changed, in words."""
    publishing.report_publish(actor=world.teacher, report=report)
    write(world, report, "Aroha reads chapter books and poems.", support="Reading support.")
    services.report_mark_ready(actor=world.teacher, report=report)
    factories.ConversationFactory(student=world.student).whanau_attendees.add(
        *[link.whanau for link in world.student.whanau_links.filter(has_access=True)]
    )
    publishing.report_publish(actor=world.teacher, report=report)
    name = world.student.display_name

    message = build(report, 2, world.link.whanau)

    assert message.subject == f"A correction to {name}’s report: {ROUND}"
    assert f"We have corrected {name}’s report ({ROUND}). What changed:" in message.body
    assert "- Teacher’s comment\n- Learning support\n" in message.body
    assert "The report before the correction is kept" in message.body
    html = message.alternatives[0].content
    assert "<li>Teacher’s comment</li><li>Learning support</li>" in html
    assert "is ready for you to read" not in message.body + html


@pytest.mark.parametrize(("language", "goals"), [("en", "Goals"), ("mi", "Ngā whāinga")])
def test_the_email_is_in_the_readers_language(world, report, language, goals):
    """A parent who reads te reo Māori gets the template's words in te reo, and lang="mi"."""
    member = world.link.whanau
    member.preferred_language = language
    member.save(update_fields=["preferred_language"])
    publishing.report_publish(actor=world.teacher, report=report)
    factories.GoalFactory(student=world.student, title="Learn my pepeha")
    correct(world, report)
    assert publishing.report_publish(actor=world.teacher, report=report).version.changed == [
        "goals",
        "teacher_comment",
    ]

    message = build(report, 2, member)

    assert f"<li>{goals}</li>" in message.alternatives[0].content
    assert f"- {goals}\n" in message.body
    assert f'<html lang="{language}">' in message.alternatives[0].content
    assert "Ngā mihi," in message.body


def test_an_email_to_someone_since_cut_off_or_without_an_address_is_not_sent(world, report):
    """Marked “no access” (or their address removed) after publishing: the email stays home."""
    publishing.report_publish(actor=world.teacher, report=report)
    member = world.link.whanau
    member.email = ""
    member.save(update_fields=["email"])
    with pytest.raises(outbox.NotToSendError) as no_email:
        build(report, 1, member)
    assert no_email.value.reason == emails.NO_EMAIL

    member.email = "back@example.org"
    member.save(update_fields=["email"])
    world.link.has_access = False
    world.link.save(update_fields=["has_access"])
    with pytest.raises(outbox.NotToSendError) as cut_off:
        build(report, 1, member)
    assert cut_off.value.reason == emails.NO_ACCESS


# --- Held by the check, and published anyway -----------------------------------------------


@pytest.fixture
def concerning(world, report) -> Report:
    """The report now has a learning support note nobody has talked through."""
    write(world, report, "Aroha reads chapter books on her own now.", support="Reading Recovery.")
    services.report_mark_ready(actor=world.teacher, report=report)
    return report


@pytest.mark.parametrize(("who", "reason"), [("teacher", "Talked by phone."), ("leader", "")])
def test_the_check_holds_it_for_a_teacher_even_with_a_reason(world, concerning, who, reason):
    """Held: the list of what has not been discussed and with whom; no version, no email."""
    with pytest.raises(publishing.HeldError) as held:
        publishing.report_publish(actor=getattr(world, who), report=concerning, reason=reason)

    (unraised,) = held.value.unraised
    assert unraised.concern.label == "The learning support note"
    readers = {link.whanau for link in world.student.whanau_links.filter(has_access=True)}
    assert set(unraised.whanau) == readers
    assert not ReportVersion.objects.filter(report=concerning).exists()
    assert outbox_rows(concerning) == []
    after = fresh(concerning)
    assert after.status == Report.Status.READY
    assert after.held_at is not None
    assert [each["concern"] for each in after.held] == ["The learning support note"]
    assert publish_summaries(concerning) == []


def test_a_leader_publishes_anyway_with_a_reason_kept_in_the_version_and_trail(world, concerning):
    """The principal's reason stays on the version and in the audit trail, whole."""
    reason = ("Mum asked for the report now; we meet on Monday. " + "x" * 200)[:200]
    assert len(reason) == publishing.REASON_MAX

    version = publishing.report_publish(
        actor=world.leader, report=concerning, reason=f"  {reason} "
    ).version

    assert version.override_reason == reason
    assert [each["concern"] for each in version.unraised] == ["The learning support note"]
    (summary,) = publish_summaries(concerning)
    assert reason in summary
    assert summary.startswith("Report published (version 1). Published anyway by a leader.")
    after = fresh(concerning)
    assert (after.held_at, after.held) == (None, [])
    assert outbox_rows(concerning) == [(1, world.link.whanau.pk)]


def test_an_over_long_reason_is_refused(world, concerning):
    """A reason longer than the trail keeps: said, and nothing published."""
    with pytest.raises(ValidationError) as refused:
        publishing.report_publish(
            actor=world.leader, report=concerning, reason="x" * (publishing.REASON_MAX + 1)
        )
    assert refused.value.message_dict == {
        "reason": ["Please keep the reason under 200 characters."]
    }
    assert not ReportVersion.objects.filter(report=concerning).exists()


def test_a_reason_is_not_kept_when_nothing_was_held(world, report):
    """A leader's reason with nothing of concern: published, with no override recorded."""
    version = publishing.report_publish(
        actor=world.leader, report=report, reason="Just in case"
    ).version
    assert (version.override_reason, version.unraised) == ("", [])


# --- What the family writes back ------------------------------------------------------------


def test_the_family_writes_how_they_help_at_home_after_publication(world, report):
    """Before it goes home: refused. After: whānau write their part, audited, once."""
    with pytest.raises(PermissionDenied):
        publishing.report_home_help_save(actor=world.whanau, report=report, text="Reading.")
    publishing.report_publish(actor=world.teacher, report=report)
    report = fresh(report)

    publishing.report_home_help_save(actor=world.whanau, report=report, text=" We read nightly. ")
    publishing.report_home_help_save(actor=world.whanau, report=report, text="We read nightly.")

    after = fresh(report)
    assert (after.home_help, after.home_help_by, after.home_help_voice) == (
        "We read nightly.",
        world.whanau,
        "whanau",
    )
    rows = AuditEvent.objects.filter(
        object_type="reports.report", object_id=report.pk, actor=world.whanau
    )
    assert list(rows.values_list("summary", flat=True)) == ["“How you can help at home” written"]


@pytest.mark.parametrize(
    "who", ["other_whanau", "no_access_whanau", "teacher", "other_school_leader"]
)
def test_only_the_student_and_their_whanau_write_back(world, report, who):
    """Another family, a cut-off parent or staff cannot write the family's part or respond."""
    publishing.report_publish(actor=world.teacher, report=report)
    report = fresh(report)
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        publishing.report_home_help_save(actor=actor, report=report, text="Reading.")
    with pytest.raises(PermissionDenied):
        publishing.report_respond(actor=actor, report=report, body="Thanks.")
    assert fresh(report).home_help == ""
    assert not ReportResponse.objects.exists()


def test_the_student_responds_and_an_unpublished_report_takes_no_response(world, report):
    """The student may respond once it is home, not before; empty or long text is refused."""
    with pytest.raises(PermissionDenied):
        publishing.report_respond(actor=world.student_user, report=report, body="Cool.")
    publishing.report_publish(actor=world.teacher, report=report)
    report = fresh(report)
    with pytest.raises(ValidationError) as empty:
        publishing.report_respond(actor=world.student_user, report=report, body="  ")
    assert empty.value.message_dict == {"body": ["Write your response first."]}
    with pytest.raises(ValidationError):
        publishing.report_respond(actor=world.student_user, report=report, body="a" * 2001)

    response = publishing.report_respond(actor=world.student_user, report=report, body="Cool.")

    assert (response.voice, response.body, response.author) == (
        "student",
        "Cool.",
        world.student_user,
    )
    assert ReportResponse.objects.count() == 1


# --- The email at a real mail server --------------------------------------------------------


class RecordingServer(SMTPServer):
    """The test SMTP server, keeping each message it accepts whole."""

    def __init__(self):
        super().__init__()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        answer = await super().handle_DATA(server, session, envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return answer


@pytest.fixture
def mail_server(settings):
    server = RecordingServer()
    server.start()
    settings.MAILERS = {"default": server.mailer()}
    yield server
    server.stop()


def test_the_emails_arrive_at_the_mail_server_once_each(world, report, mail_server):
    """Version 1 and its correction reach the parent, each once, with the words they need."""
    publishing.report_publish(actor=world.teacher, report=report)
    assert outbox.send_due().sent == 1
    correct(world, report)
    publishing.report_publish(actor=world.teacher, report=report)
    result = outbox.send_due()
    assert (result.sent, outbox.send_due().found) == (1, 0)

    rows = OutboxEmail.objects.filter(kind=emails.PUBLISHED).order_by("pk")
    address = world.link.whanau.email
    assert [(each.status, each.to) for each in rows] == [("sent", address), ("sent", address)]
    assert mail_server.counts() == {row.message_id: 1 for row in rows}
    assert [each.recipients for each in mail_server.received] == [(address,), (address,)]
    first, second = mail_server.messages
    name = world.student.display_name
    assert first["Subject"] == f"{name}’s report is here: {ROUND}"
    assert second["Subject"] == f"A correction to {name}’s report: {ROUND}"
    text = second.get_body(preferencelist=("plain",)).get_content()
    html = second.get_body(preferencelist=("html",)).get_content()
    assert "- Teacher’s comment" in text
    assert "<li>Teacher’s comment</li>" in html
    assert f"/reports/{report.pk}/" in text
    assert timezone.now() - rows[0].sent_at < datetime.timedelta(minutes=1)


def test_an_unsent_email_for_a_replaced_version_is_not_sent(world):
    """A correction published before version 1's email went: only the correction's goes."""
    from tests.access.objects import Things

    report = Things(world).published_report
    report.published_version = 2  # as if a correction went home since
    report.save(update_fields=["published_version"])
    with pytest.raises(outbox.NotToSendError):
        build(report, 1, world.link.whanau)
