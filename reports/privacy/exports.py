"""What reports holds about a person and a school, for exports.

For the child an export is about: each published report as it last went home (its frozen
version, never a draft), "how you can help at home", and the family's responses. Without the
child: the responses the person wrote. Contributors are named only as "you" or by their part.

The child's reports are found by the whānau rule itself (published, ``child_of`` having found
the child theirs to see), never through the access scopes, which give a parent who also
teaches at the school every report at any stage, as staff.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from partnerships.models import Voice
from partnerships.privacy.hooks import PERSON_SECTIONS, SCHOOL_TABLES, Section, Subject, Table
from partnerships.privacy.rows import child_of, csv_rows, is_staff_of, shown, whose
from reports import content
from reports.models import Judgement, Report, ReportResponse, ReportVersion


def _published(subject: Subject, student):
    # What went home, as it went: the published version, never a draft or a correction begun.
    reports = (
        Report.objects.filter(student=student, published_version__gt=0)
        .select_related("round")
        .prefetch_related(
            Prefetch("versions", ReportVersion.objects.order_by("-number")),
            Prefetch("responses", ReportResponse.objects.order_by("created_at", "pk")),
        )
        .order_by("round__due_on", "pk")
    )
    rows = []
    for report in reports:
        version = next(
            (each for each in report.versions.all() if each.number == report.published_version),
            None,
        )
        if version is None:
            continue
        shown_content = content.present(version.content)
        row = {_("Report"): report.round.name, _("Published"): shown(version.published_at)}
        for judgement in shown_content["judgements"]:
            text = judgement["level"]
            if judgement.get("comment"):
                text += f": {judgement['comment']}"
            row[judgement["area"]] = text
        for each in shown_content["dispositions"]:
            text = each["progress_label"]
            if each.get("comment"):
                text += f": {each['comment']}"
            row[each["name"]] = str(text)
        goals = [
            "\n".join(
                [
                    f"{goal['title']} ({goal['status_label']})",
                    *(f"{each.heading}: {each.text}" for each in goal.get("statements", ())),
                ]
            )
            for goal in shown_content["goals"]
        ]
        row[str(content.SECTIONS["goals"])] = "\n".join(str(goal) for goal in goals)
        for name in ("teacher_comment", "support_note", "student_reflection"):
            row[str(content.SECTIONS[name])] = shown_content.get(name) or ""
        row[_("How you can help at home")] = report.home_help
        for response in report.responses.all():
            row[
                _("Response (%(who)s, %(date)s)")
                % {
                    "who": whose(subject, response.author_id, response.voice),
                    "date": shown(response.created_at),
                }
            ] = response.body
        rows.append(row)
    return rows


def _own_responses(subject: Subject, student):
    responses = ReportResponse.objects.filter(
        report__student__school=subject.school, author=subject.user
    ).exclude(voice__in=Voice.school_voices())
    if student is not None:
        responses = responses.exclude(report__student=student)
    return [
        {_("Date"): shown(response.created_at), _("Your response"): response.body}
        for response in responses.order_by("created_at", "pk")
    ]


@PERSON_SECTIONS.register("reports", order=40)
def person_sections(subject: Subject):
    student = child_of(subject)
    if student is not None:
        yield Section(_("Written reports"), _published(subject, student))
    yield Section(_("Your other responses to reports"), _own_responses(subject, student))
    if is_staff_of(subject):
        written = Report.objects.filter(round__school=subject.school, written_by=subject.user)
        yield Section(
            _("Reports you wrote as staff"), [{_("Reports written"): str(written.count())}]
        )


# A school's tables -------------------------------------------------------------------


@SCHOOL_TABLES.register("reports", order=40)
def school_tables(school):
    tables = {
        "reports": (
            Report.objects.filter(round__school=school),
            [
                "id",
                "round__name",
                "student_id",
                "status",
                "teacher_comment",
                "support_note",
                "student_reflection",
                "home_help",
                "home_help_voice",
                "published_version",
                "written_by__name",
                "created_at",
                "updated_at",
            ],
        ),
        "report_judgements": (
            Judgement.objects.filter(report__round__school=school),
            ["id", "report_id", "learning_area__name", "level__name", "comment"],
        ),
        "report_responses": (
            ReportResponse.objects.filter(report__round__school=school),
            ["id", "report_id", "author__name", "voice", "body", "created_at"],
        ),
    }
    for name, (queryset, names) in tables.items():
        yield Table(name, names, csv_rows(queryset.order_by("pk"), names))
