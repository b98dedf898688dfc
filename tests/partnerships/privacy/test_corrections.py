"""Correction requests answered: the record corrected as the officer writes it, or declined
with the person's statement of correction shown wherever the record is; a closed request is
not acted on again."""

import datetime
import io
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from learners.models import Goal, GoalComment
from partnerships import pdf
from partnerships.households import household_of
from partnerships.models import AuditEvent, PrivacyRequest, Voice, WhanauMember
from partnerships.privacy import archive, statements
from partnerships.privacy.hooks import Subject
from tests import factories, mailbox
from tests.access.objects import Things
from tests.reports.test_documents import _publish as publish_report
from tests.reports.test_documents import _write as write_report

pytestmark = pytest.mark.django_db

STATEMENT = "Aroha reads chapter books with her nan every night; she is past this goal."
FROM_WHANAU = "Statement of correction from whānau (2 December 2026):"
FROM_STUDENT = "Statement of correction from the ākonga (2 December 2026):"


@pytest.fixture
def on_the_day(time_machine):
    """Wednesday 2 December 2026, mid-morning in Auckland."""
    time_machine.move_to(datetime.datetime(2026, 12, 1, 22, 0, tzinfo=datetime.UTC), tick=False)


def _post(client, url, **data):
    return client.post(url, {"submission": str(uuid.uuid4()), **data})


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def _ask(client, user, record: str, details: str) -> PrivacyRequest:
    """``user`` asks for a correction of ``record`` from the link beside it."""
    client.force_login(user)
    url = reverse("privacy_request_new") + f"?kind=correction&record={record}"
    response = _post(client, url, details=details)
    assert response.status_code == 302, response.content.decode()
    return PrivacyRequest.objects.latest("pk")


def _detail(asked) -> str:
    return reverse("privacy_request_detail", args=[asked.pk])


def test_the_links_to_ask_are_beside_the_goal_and_comments_for_whanau_and_the_student(
    client, world
):
    comment = factories.GoalCommentFactory(goal=world.goal, voice=Voice.TEACHER)
    goal_url = reverse("goal_detail", args=[world.goal.pk])
    for user, shown in ((world.whanau, True), (world.student_user, True), (world.teacher, False)):
        client.force_login(user)
        page = client.get(goal_url).content.decode()
        assert (f"record=learners.goal:{world.goal.pk}" in page) == shown
        assert (f"record=learners.goalcomment:{comment.pk}" in page) == shown


def test_a_goal_corrected_as_the_officer_writes_it(client, world):
    """The parent sees what the goal says now and asks; the officer corrects it; the parent
    is emailed, the goal's history says it was corrected without saying what it said."""
    client.force_login(world.whanau)
    record = f"learners.goal:{world.goal.pk}"
    page = client.get(
        reverse("privacy_request_new") + f"?kind=correction&record={record}"
    ).content.decode()
    assert world.goal.title in page
    asked = _ask(client, world.whanau, record, "It should say picture books, not chapter books.")
    assert (asked.student, asked.record_type, asked.record_id) == (
        world.student,
        "learners.goal",
        world.goal.pk,
    )
    mailbox.send()

    client.force_login(world.leader)
    detail = client.get(_detail(asked)).content.decode()
    assert world.goal.title in detail
    assert "picture books, not chapter books" in detail
    response = _post(
        client,
        _detail(asked),
        action="correct",
        **{
            "correct-title": "Read picture books on my own",
            "correct-success_criteria": "Reads a picture book aloud to whānau.",
            "correct-response": "Thank you: corrected.",
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(pk=world.goal.pk)
    assert goal.title == "Read picture books on my own"
    assert goal.success_criteria == "Reads a picture book aloud to whānau."
    asked.refresh_from_db()
    assert asked.status == PrivacyRequest.Status.CORRECTED
    assert asked.closed_by == world.leader
    assert asked.closed_at is not None
    event = AuditEvent.objects.filter(object_type="learners.goal", object_id=goal.pk).latest("pk")
    assert event.summary == "Corrected at a request for correction"
    [email] = mailbox.send()
    assert email.to == [world.whanau.email]
    assert email.subject == "We have corrected your information"
    assert "Thank you: corrected." in email.body

    # Closed: nothing more can be done with it.
    again = _post(
        client,
        _detail(asked),
        action="decline",
        **{"decline-response": "No.", "decline-statement": "Mine."},
    )
    assert "already closed" in _messages(again)[-1]
    assert Goal.objects.get(pk=goal.pk).correction_statements == []
    page = client.get(_detail(asked)).content.decode()
    assert "Correct it" not in page
    assert "This request is closed" in page


def _decline(client, world, asked, statement: str, response: str = "The record stands."):
    client.force_login(world.leader)
    reply = _post(
        client,
        _detail(asked),
        action="decline",
        **{"decline-response": response, "decline-statement": statement},
    )
    assert reply.status_code == 302, reply.content.decode()


def test_a_goal_declined_twice_keeps_both_statements_in_their_voices(client, world, on_the_day):
    """The parent and the ākonga each ask; both are declined: the goal stays as it was, and
    both statements are shown with it, to the teacher, the whānau and the student, each as
    whose voice it is and the day, never the person's name or email."""
    title = world.goal.title
    record = f"learners.goal:{world.goal.pk}"
    by_parent = _ask(client, world.whanau, record, STATEMENT)
    by_student = _ask(client, world.student_user, record, "I want a harder goal.")
    client.force_login(world.leader)
    form = client.get(_detail(by_parent)).content.decode()
    assert STATEMENT in form  # the statement is pre-filled from what they asked
    _decline(
        client,
        world,
        by_parent,
        STATEMENT,
        "Her class reading records show chapter books are still new.",
    )
    _decline(client, world, by_student, "I can read chapter books.")
    goal = Goal.objects.get(pk=world.goal.pk)
    assert goal.title == title
    assert goal.correction_statements == [
        {"voice": "whanau", "on": "2026-12-02", "text": STATEMENT},
        {"voice": "student", "on": "2026-12-02", "text": "I can read chapter books."},
    ]
    by_parent.refresh_from_db()
    assert by_parent.status == PrivacyRequest.Status.DECLINED
    assert by_parent.statement == STATEMENT
    for user in (world.teacher, world.whanau, world.student_user):
        client.force_login(user)
        page = client.get(reverse("goal_detail", args=[goal.pk])).content.decode()
        assert FROM_WHANAU in page
        assert STATEMENT in page
        assert FROM_STUDENT in page
        assert "I can read chapter books." in page
        assert page.index(STATEMENT) < page.index("I can read chapter books.")
    events = AuditEvent.objects.filter(object_type="learners.goal", object_id=goal.pk)
    assert events.filter(summary="A statement of correction was attached").count() == 2
    assert not any(STATEMENT in event.summary for event in events)
    answers = [m for m in mailbox.send() if m.subject.startswith("Our answer")]
    assert {m.subject for m in answers} == {"Our answer to your request for a correction"}


def test_the_other_household_sees_the_statement_but_not_who_made_it(client, world, on_the_day):
    """A separated parent in another household of the same child: the statement is on the
    goal page and in their own export, with no name or email of the parent who made it."""
    mine = WhanauMember.objects.get(user=world.whanau)
    other_parent = factories.WhanauLinkFactory(student=world.student).whanau
    assert household_of(mine) != household_of(other_parent)
    asked = _ask(client, world.whanau, f"learners.goal:{world.goal.pk}", STATEMENT)
    _decline(client, world, asked, STATEMENT)
    private = (world.whanau.name, world.whanau.email, mine.name, mine.email)

    client.force_login(other_parent.user)
    page = client.get(reverse("goal_detail", args=[world.goal.pk])).content.decode()
    assert FROM_WHANAU in page
    assert STATEMENT in page
    for each in private:
        assert each not in page

    subject = Subject(school=world.school, user=other_parent.user, student=world.student)
    sections = archive.person_sections(subject)
    text = json.dumps(
        [{"title": str(s.title), "rows": s.rows} for s in sections], ensure_ascii=False
    )
    assert STATEMENT in text
    [goal_row] = next(s.rows for s in sections if s.title.endswith("goals"))
    assert goal_row[FROM_WHANAU.removesuffix(":")] == STATEMENT
    for each in private:
        assert each not in text


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_statements_are_shown_on_the_goal_list_inbox_and_report(client, world, on_the_day):
    """Wherever the goal or comment is: the student's goal list, the teacher's whānau-voice
    inbox, and the report that goes home (the print view and its published version)."""
    comment = factories.GoalCommentFactory(
        goal=world.goal, author=world.whanau, voice=Voice.WHANAU, body="She reads at night."
    )
    on_goal = _ask(client, world.whanau, f"learners.goal:{world.goal.pk}", STATEMENT)
    on_comment = _ask(
        client, world.whanau, f"learners.goalcomment:{comment.pk}", "It was every night."
    )
    pages = [reverse("goal_list", args=[world.student.pk]), reverse("inbox")]
    client.force_login(world.teacher)
    before = [_queries(client, url) for url in pages]
    _decline(client, world, on_goal, STATEMENT)
    _decline(client, world, on_comment, "It was every night.")

    client.force_login(world.teacher)
    # The statements are a field of the rows the pages read already: no query more.
    assert [_queries(client, url) for url in pages] == before
    listed = client.get(reverse("goal_list", args=[world.student.pk])).content.decode()
    assert FROM_WHANAU in listed
    assert STATEMENT in listed
    inbox = client.get(reverse("inbox")).content.decode()
    waiting = inbox[inbox.index("She reads at night.") :]
    assert FROM_WHANAU in waiting
    assert waiting.index("It was every night.") < waiting.index("</li>")

    report = Things(world).report
    write_report(world, report)
    draft = client.get(reverse("report_print", args=[report.pk])).content.decode()
    assert FROM_WHANAU in draft
    assert STATEMENT in draft
    report = publish_report(world, report)
    [version] = report.versions.all()
    [goal] = [g for g in version.content["goals"] if g["title"] == world.goal.title]
    assert goal["correction_statements"] == [
        {"voice": "whanau", "on": "2026-12-02", "text": STATEMENT}
    ]
    client.force_login(world.whanau)
    for name in ("report_print", "report_detail"):
        page = client.get(reverse(name, args=[report.pk])).content.decode()
        assert FROM_WHANAU in page, name
        assert STATEMENT in page, name
    if pdf.pdf_available():
        response = client.get(reverse("report_pdf", args=[report.pk]))
        document = PdfReader(io.BytesIO(response.getvalue()))
        text = " ".join(" ".join(page.extract_text().split()) for page in document.pages)
        assert FROM_WHANAU in text
        assert STATEMENT in text
    # The family's export carries the report with the goal's statement beside it.
    subject = Subject(school=world.school, user=world.whanau, student=world.student)
    [reports] = [
        s for s in archive.person_sections(subject) if any("Published" in r for r in s.rows)
    ]
    [row] = reports.rows
    assert STATEMENT in "\n".join(str(value) for value in row.values())


def test_a_comment_declined_shows_the_statement_in_the_thread(client, world):
    comment = factories.GoalCommentFactory(
        goal=world.goal, author=world.teacher, voice=Voice.TEACHER, body="Aroha rushes her work."
    )
    asked = _ask(client, world.student_user, f"learners.goalcomment:{comment.pk}", "I check it.")
    client.force_login(world.leader)
    _post(
        client,
        _detail(asked),
        action="decline",
        **{"decline-response": "The comment stands.", "decline-statement": "I check my work."},
    )
    assert GoalComment.objects.get(pk=comment.pk).body == "Aroha rushes her work."
    client.force_login(world.teacher)
    page = client.get(reverse("goal_detail", args=[world.goal.pk])).content.decode()
    after_comment = page[page.index("Aroha rushes her work.") :]
    assert "Statement of correction from the ākonga (" in after_comment
    assert "I check my work." in after_comment


def test_a_comment_corrected(client, world):
    comment = factories.GoalCommentFactory(
        goal=world.goal, author=world.teacher, voice=Voice.TEACHER, body="Aroha missed a week."
    )
    asked = _ask(client, world.whanau, f"learners.goalcomment:{comment.pk}", "She was there.")
    client.force_login(world.leader)
    _post(client, _detail(asked), action="correct", **{"correct-body": "Aroha was here."})
    comment.refresh_from_db()
    assert comment.body == "Aroha was here."
    assert comment.edited_at is not None


def test_own_contact_details_corrected_and_declined(client, world):
    """A parent's own contact details: the link is on their preferences page; corrected by
    the officer, and a statement attached is shown to staff where the details are."""
    member = WhanauMember.objects.get(pk=world.link.whanau_id)
    client.force_login(world.whanau)
    page = client.get(reverse("whanau_preferences")).content.decode()
    record = f"partnerships.whanaumember:{member.pk}"
    assert record in page
    asked = _ask(client, world.whanau, record, "My email is mere@example.org now.")
    assert asked.student is None
    assert asked.school == world.school
    client.force_login(world.leader)
    bad = _post(
        client,
        _detail(asked),
        action="correct",
        **{"correct-name": member.name, "correct-email": "not an email", "correct-phone": ""},
    )
    assert bad.status_code == 200  # what to fix, on the page
    member.refresh_from_db()
    assert member.email != "not an email"
    _post(
        client,
        _detail(asked),
        action="correct",
        **{"correct-name": member.name, "correct-email": "Mere@Example.org", "correct-phone": ""},
    )
    member.refresh_from_db()
    assert member.email == "mere@example.org"
    event = AuditEvent.objects.filter(object_type="partnerships.whanaumember").latest("pk")
    assert "mere@example.org" not in event.summary

    second = _ask(client, world.whanau, record, "My name is spelt Mere, not Meri.")
    client.force_login(world.leader)
    _post(
        client,
        _detail(second),
        action="decline",
        **{"decline-response": "Enrolment form.", "decline-statement": "My name is Mere."},
    )
    shown = "My name is Mere."
    for user, url in (
        (world.teacher, reverse("student_whanau", args=[world.student.pk])),
        (world.leader, reverse("school_whanau")),
        (world.whanau, reverse("whanau_preferences")),
    ):
        client.force_login(user)
        assert shown in client.get(url).content.decode(), url


def test_a_correction_without_a_record_explains_where_to_ask(client, world):
    client.force_login(world.whanau)
    page = client.get(reverse("privacy_request_new") + "?kind=correction").content.decode()
    assert "Ask for a correction" in page
    assert "We could not find" not in page


def test_statements_are_added_never_replaced_and_name_nobody(world):
    day = datetime.date(2026, 12, 2)
    first = statements.statement_add([], voice="whanau", text=" Mine. ", on=day)
    both = statements.statement_add(first, voice="staff", text="Ours.", on=day)
    assert first == [{"voice": "whanau", "on": "2026-12-02", "text": "Mine."}]
    assert both == [*first, {"voice": "staff", "on": "2026-12-02", "text": "Ours."}]
    with pytest.raises(ValueError, match="voice"):
        statements.statement_add(first, voice="Mere Parata", text="Mine.", on=day)
    with pytest.raises(ValueError, match="words"):
        statements.statement_add(first, voice="whanau", text="  ", on=day)
    # Whose voice, from how the person who asked stands to the child.
    assert statements.voice_of(world.whanau, world.student) == "whanau"
    assert statements.voice_of(world.student_user, world.student) == "student"
    assert statements.voice_of(world.teacher, world.student) == "staff"
    assert statements.voice_of(world.whanau, None) == "whanau"  # their own contact details
    # Anything else stored is left out rather than breaking a page.
    shown = statements.statements_shown([*both, {"voice": "x", "text": "?"}, "odd"])
    assert [each.heading for each in shown] == [
        "Statement of correction from whānau (2 December 2026)",
        "Statement of correction from staff (2 December 2026)",
    ]
