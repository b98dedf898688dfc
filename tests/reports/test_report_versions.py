"""Publishing freezes a version whānau read for ever; a correction is the next version, and
whānau are told what changed. One notice per reader with access and version, emailed to
those with an address, never twice."""

import datetime
import email
from email import policy

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from learners.models import Goal
from partnerships import notices, outbox
from partnerships.models import AuditEvent, Notice, OutboxEmail, WhanauMember
from reports import notices as report_notices
from reports import publishing, services
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
    # Emails go as soon as they are written, whatever the hour the tests run at.
    WhanauMember.objects.update(quiet_from=None, quiet_until=None)
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


def told(report: Report) -> list[tuple[str, int, str]]:
    """(kind, version, reader) of each notice of the report: ``w<id>`` a whānau member,
    ``u<id>`` a user."""
    rows = Notice.objects.filter(key__startswith=f"report:{report.pk}:v")
    return sorted(
        (
            row.kind,
            int(row.key.rsplit(":v", 1)[1]),
            f"w{row.whanau_id}" if row.whanau_id else f"u{row.user_id}",
        )
        for row in rows
    )


def emailed(report: Report) -> list[tuple[int, int]]:
    """(version, whānau member) of each notice of the report put in an email."""
    rows = Notice.objects.filter(key__startswith=f"report:{report.pk}:v").exclude(email_key="")
    return sorted((int(row.key.rsplit(":v", 1)[1]), row.whanau_id) for row in rows)


def readers(world) -> list[str]:
    """Who hears of the report: each whānau member with access (one has no address), and
    the student, who signs in with a card (no address either)."""
    members = world.student.whanau_links.filter(has_access=True).values_list("whanau_id", flat=True)
    return sorted([*(f"w{pk}" for pk in members), f"u{world.student_user.pk}"])


def sent() -> list:
    """Send what is due, through the outbox and its registered kinds: the emails that went."""
    mail.outbox.clear()
    outbox.send_due()
    return list(mail.outbox)


def publish_summaries(report: Report) -> list[str]:
    rows = AuditEvent.objects.filter(
        object_type="reports.report", object_id=report.pk, summary__startswith="Report published"
    )
    return list(rows.order_by("at", "pk").values_list("summary", flat=True))


def correct(world, report, comment: str = "Aroha reads chapter books and poems.") -> None:
    write(world, report, comment)
    services.report_mark_ready(actor=world.teacher, report=report)


# --- The first version --------------------------------------------------------------------


def test_publishing_freezes_version_one_and_tells_each_reader(world, report):
    """Version 1, and a notice to each reader with access: emailed to the parent with an
    address; the parent with none and the student see it on their home page."""
    result = publishing.report_publish(actor=world.teacher, report=report)

    assert result.created
    version = result.version
    assert (version.number, version.changed, version.published_by) == (1, [], world.teacher)
    assert version.content["teacher_comment"] == "Aroha reads chapter books on her own now."
    assert version.content["round"] == ROUND
    after = fresh(report)
    assert (after.status, after.published_version) == (Report.Status.PUBLISHED, 1)
    assert told(report) == [(report_notices.PUBLISHED, 1, reader) for reader in readers(world)]
    assert f"w{world.link.whanau.pk}" in readers(world)
    assert emailed(report) == [(1, world.link.whanau.pk)]
    assert publish_summaries(report) == ["Report published (version 1)"]


def test_publishing_twice_makes_one_version_and_one_set_of_notices(world, report):
    """A double click on “Publish”: the same version back, nothing more written or sent."""
    first = publishing.report_publish(actor=world.teacher, report=report)
    again = publishing.report_publish(actor=world.teacher, report=fresh(report))
    by_leader = publishing.report_publish(actor=world.leader, report=report)

    assert (first.created, again.created, by_leader.created) == (True, False, False)
    assert again.version.pk == first.version.pk == by_leader.version.pk
    assert ReportVersion.objects.filter(report=report).count() == 1
    assert len(told(report)) == len(readers(world))
    assert emailed(report) == [(1, world.link.whanau.pk)]
    assert len(publish_summaries(report)) == 1


def test_the_first_email_says_the_report_is_here(world, report, client):
    """Subject, text and HTML name the child and the round; the link opens the report and
    counts the notice read."""
    publishing.report_publish(actor=world.teacher, report=report)
    name = world.student.display_name

    (message,) = sent()

    assert message.to == [world.link.whanau.email]
    sentence = f"{name}’s report ({ROUND}) is here: nothing in it should be a surprise"
    assert message.subject == sentence
    notice = Notice.objects.get(whanau=world.link.whanau, kind=report_notices.PUBLISHED)
    link = notices.open_url(notice)
    for body in (message.body, message.alternatives[0].content):
        assert f"Kia ora {world.link.whanau.name}," in body
        assert sentence in body
        assert link in body
        assert "What changed" not in body
    assert '<html lang="en">' in message.alternatives[0].content
    opened = client.get(link)
    assert opened.url == f"/reports/{report.pk}/"
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert notice.read_at is not None
    assert sent() == []


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
    assert {number for _kind, number, _reader in told(report)} == {1}


def test_publishing_a_correction_makes_version_two_naming_what_changed(world, report):
    """Version 2 says the teacher's comment changed; version 1 is kept; the parent emailed
    about version 1 is told of the correction, by one more email."""
    publishing.report_publish(actor=world.teacher, report=report)
    assert len(sent()) == 1
    correct(world, report)

    result = publishing.report_publish(actor=world.teacher, report=report)

    assert (result.created, result.version.number) == (True, 2)
    assert result.version.changed == ["teacher_comment"]
    assert result.version.content["teacher_comment"] == "Aroha reads chapter books and poems."
    first = ReportVersion.objects.get(report=report, number=1)
    assert first.content["teacher_comment"] == "Aroha reads chapter books on her own now."
    assert fresh(report).published_version == 2
    assert not fresh(report).is_correction
    assert (report_notices.CORRECTED, 2, f"w{world.link.whanau.pk}") in told(report)
    assert emailed(report) == [(1, world.link.whanau.pk), (2, world.link.whanau.pk)]
    assert publish_summaries(report) == [
        "Report published (version 1)",
        "Report published (version 2)",
    ]


def test_the_correction_email_says_what_changed(world, report):
    """Subject says a correction; both bodies list the parts that changed, in words."""
    publishing.report_publish(actor=world.teacher, report=report)
    sent()
    write(world, report, "Aroha reads chapter books and poems.", support="Reading support.")
    services.report_mark_ready(actor=world.teacher, report=report)
    factories.ConversationFactory(student=world.student).whanau_attendees.add(
        *[link.whanau for link in world.student.whanau_links.filter(has_access=True)]
    )
    publishing.report_publish(actor=world.teacher, report=report)
    name = world.student.display_name

    (message,) = sent()

    assert message.subject == f"We corrected {name}’s report ({ROUND})"
    for body in (message.body, message.alternatives[0].content):
        assert "What changed: Teacher’s comment; Learning support" in body
        assert "nothing in it should be a surprise" not in body


@pytest.mark.parametrize(("language", "goals"), [("en", "Goals"), ("mi", "Ngā whāinga")])
def test_the_email_is_in_the_readers_language(world, report, language, goals):
    """A parent who reads te reo Māori is told what changed in te reo, with lang="mi"."""
    member = world.link.whanau
    member.preferred_language = language
    member.save(update_fields=["preferred_language"])
    publishing.report_publish(actor=world.teacher, report=report)
    sent()
    factories.GoalFactory(student=world.student, title="Learn my pepeha")
    correct(world, report)
    assert publishing.report_publish(actor=world.teacher, report=report).version.changed == [
        "goals",
        "teacher_comment",
    ]

    (message,) = sent()

    assert f"{goals}; " in message.body
    assert f"{goals}; " in message.alternatives[0].content
    assert f'<html lang="{language}">' in message.alternatives[0].content
    assert "Ngā mihi," in message.body


def test_an_email_to_someone_since_cut_off_or_without_an_address_is_not_sent(world, report):
    """Marked “no access” (or their address removed) after publishing: the email stays home."""
    publishing.report_publish(actor=world.teacher, report=report)
    member = world.link.whanau
    member.email = ""
    member.save(update_fields=["email"])
    assert sent() == []
    row = OutboxEmail.objects.get(kind=notices.EMAIL_KIND)
    assert (row.status, row.reason) == (OutboxEmail.Status.SKIPPED, notices.NO_ADDRESS)

    correct(world, report)
    member.email = "back@example.org"
    member.save(update_fields=["email"])
    world.link.has_access = False
    world.link.save(update_fields=["has_access"])
    publishing.report_publish(actor=world.teacher, report=report)
    assert f"w{member.pk}" not in {reader for _kind, _n, reader in told(report) if _n == 2}
    assert sent() == []


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
    assert told(concerning) == []
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
    assert emailed(concerning) == [(1, world.link.whanau.pk)]


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

    rows = OutboxEmail.objects.filter(kind=notices.EMAIL_KIND).order_by("pk")
    address = world.link.whanau.email
    assert [(each.status, each.to) for each in rows] == [("sent", address), ("sent", address)]
    assert mail_server.counts() == {row.message_id: 1 for row in rows}
    assert [each.recipients for each in mail_server.received] == [(address,), (address,)]
    first, second = mail_server.messages
    name = world.student.display_name
    assert (
        first["Subject"] == f"{name}’s report ({ROUND}) is here: nothing in it should be a surprise"
    )
    assert second["Subject"] == f"We corrected {name}’s report ({ROUND})"
    text = second.get_body(preferencelist=("plain",)).get_content()
    html = second.get_body(preferencelist=("html",)).get_content()
    assert "What changed: Teacher’s comment" in text
    assert "What changed: Teacher’s comment" in html
    assert "/notices/open/" in text
    assert timezone.now() - rows[0].sent_at < datetime.timedelta(minutes=1)


def test_a_notice_of_a_replaced_version_not_yet_emailed_is_superseded(world, report):
    """A correction published before version 1's email went: version 1's notice is withdrawn
    and its email goes empty-handed; the parent hears once, that the report is here."""
    publishing.report_publish(actor=world.teacher, report=report)
    correct(world, report)

    publishing.report_publish(actor=world.teacher, report=report)

    assert told(report) == [(report_notices.PUBLISHED, 2, reader) for reader in readers(world)]
    (message,) = sent()
    name = world.student.display_name
    assert (
        message.subject == f"{name}’s report ({ROUND}) is here: nothing in it should be a surprise"
    )
    withdrawn = OutboxEmail.objects.get(status=OutboxEmail.Status.SKIPPED)
    assert withdrawn.reason == notices.NOBODY


def test_a_reader_who_opened_version_one_is_told_of_the_correction(world, report):
    """The student opened version 1 on their home page (no email): version 2 is a correction
    to them; the parent with no address, who has not opened it, hears of version 2 alone."""
    publishing.report_publish(actor=world.teacher, report=report)
    notices.notices_mark_read(Notice.objects.filter(user=world.student_user))
    correct(world, report)

    publishing.report_publish(actor=world.teacher, report=report)

    latest = {reader: kind for kind, number, reader in told(report) if number == 2}
    assert latest[f"u{world.student_user.pk}"] == report_notices.CORRECTED
    silent = next(
        r
        for r in readers(world)
        if r not in {f"u{world.student_user.pk}", f"w{world.link.whanau.pk}"}
    )
    assert latest[silent] == report_notices.PUBLISHED
    assert (report_notices.PUBLISHED, 1, silent) not in told(report)
    own = Notice.objects.get(user=world.student_user, kind=report_notices.CORRECTED)
    assert own.excerpt == "What changed: Teacher’s comment"
    assert notices.sentence(own, to_student=True) == f"We corrected your report ({ROUND})"
