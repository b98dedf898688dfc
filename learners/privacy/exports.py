"""What learners holds about a person and a school, for exports.

A person's export holds, for the child it is about, what the app shows them: goals with who
agreed, next steps, home activities, evidence not held back (a photo showing other children
waits for a teacher's confirmation, and is not theirs to have until then) with its files,
comments not hidden, and the inquiry steps shared with whānau. Read as whānau or the student
see it, whatever else the person is at the school: an export answers for the person, not the
staff member. So the child's part is built on the whānau rules themselves (``child_of`` has
found the child theirs to see), never on the access scopes, which give a parent who also
teaches at the school what they see as staff. Contributors are named only as "you" or by
their part.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from learners.access import SHARED_EVIDENCE
from learners.models import (
    Evidence,
    Goal,
    GoalAgreement,
    GoalComment,
    HomeActivity,
    InquiryStep,
    NextStep,
)
from partnerships.access import own_whanau_links
from partnerships.models import Voice
from partnerships.privacy.hooks import PERSON_SECTIONS, SCHOOL_TABLES, Section, Subject, Table
from partnerships.privacy.rows import (
    child_of,
    csv_rows,
    file_name,
    is_staff_of,
    label,
    shown,
    whose,
)
from partnerships.privacy.statements import statement_rows


def _goals(subject: Subject, student):
    goals = (
        Goal.objects.filter(student=student)
        .select_related("learning_area")
        .prefetch_related(Prefetch("agreements", GoalAgreement.objects.order_by("agreed_at")))
        .in_list_order()
    )
    rows = []
    for goal in goals:
        agreed = ", ".join(
            whose(subject, each.user_id, each.voice) for each in goal.agreements.all()
        )
        rows.append(
            {
                label(Goal, "title"): goal.title,
                label(Goal, "success_criteria"): goal.success_criteria,
                label(Goal, "learning_area"): goal.learning_area.label
                if goal.learning_area_id
                else "",
                label(Goal, "status"): goal.get_status_display(),
                label(Goal, "target_date"): shown(goal.target_date),
                label(Goal, "proposed_by_voice"): whose(
                    subject, goal.proposed_by_id, goal.proposed_by_voice
                ),
                _("Agreed by"): agreed,
                _("Added"): shown(goal.created_at),
                **statement_rows(goal.correction_statements),
            }
        )
    return rows


def _next_steps(subject: Subject, student):
    steps = (
        NextStep.objects.filter(goal__student=student)
        .select_related("goal")
        .prefetch_related(Prefetch("activities", HomeActivity.objects.order_by("pk")))
        .order_by("goal_id", "position", "pk")
    )
    rows, activities = [], []
    for step in steps:
        rows.append(
            {
                _("Goal"): step.goal.title,
                label(NextStep, "text"): step.text,
                label(NextStep, "where"): step.get_where_display(),
                label(NextStep, "taken_by"): step.get_taken_by_display(),
                label(NextStep, "done_at"): shown(step.done_at),
            }
        )
        for activity in step.activities.all():
            activities.append(
                {
                    label(NextStep, "text"): step.text,
                    label(HomeActivity, "title"): activity.title,
                    label(HomeActivity, "instructions"): activity.instructions,
                }
            )
    return rows, activities


def _evidence(subject: Subject, student):
    # Held evidence (showing other children, not yet confirmed) is not theirs until released.
    evidence = (
        Evidence.objects.filter(SHARED_EVIDENCE, goal__student=student)
        .select_related("goal")
        .order_by("created_at", "pk")
    )
    rows, files = [], []
    for each in evidence:
        in_zip = file_name("evidence", each.pk, each.original_name) if each.file else ""
        rows.append(
            {
                _("Goal"): each.goal.title,
                _("Kind"): each.get_kind_display(),
                label(Evidence, "note"): each.note,
                _("Added by"): whose(subject, each.added_by_id, each.voice),
                _("Added"): shown(each.created_at),
                _("File"): f"files/{in_zip}" if in_zip else "",
            }
        )
        if in_zip:
            files.append((in_zip, each.file))
    return rows, files


def _comments(subject: Subject, student):
    comments = (
        GoalComment.objects.filter(goal__student=student)
        .shown()
        .select_related("goal")
        .order_by("created_at", "pk")
    )
    return [
        {
            _("Goal"): comment.goal.title,
            _("Written by"): whose(subject, comment.author_id, comment.voice),
            _("Date"): shown(comment.created_at),
            label(GoalComment, "body"): comment.body,
            **statement_rows(comment.correction_statements),
        }
        for comment in comments
    ]


def _inquiry(subject: Subject, student):
    """The steps shared with whānau, for a person linked to the child: the student themself
    is shown none, as in the app."""
    if not own_whanau_links(subject.user).filter(student=student).exists():
        return []
    steps = InquiryStep.objects.filter(student=student, shared_with_whanau=True).order_by(
        "created_at", "pk"
    )
    return [
        {
            label(InquiryStep, "stage"): step.get_stage_display(),
            label(InquiryStep, "text"): step.text,
            label(InquiryStep, "where"): step.get_where_display() if step.where else "",
            _("Written by"): whose(subject, step.author_id, step.voice),
            _("Date"): shown(step.created_at),
        }
        for step in steps
    ]


def _own_comments(subject: Subject, student):
    """What the person wrote on goals other than the included child's."""
    comments = GoalComment.objects.filter(
        goal__student__school=subject.school, author=subject.user
    ).exclude(voice__in=Voice.school_voices())
    if student is not None:
        comments = comments.exclude(goal__student=student)
    return [
        {_("Date"): shown(comment.created_at), label(GoalComment, "body"): comment.body}
        for comment in comments.order_by("created_at", "pk")
    ]


def _staff_counts(subject: Subject):
    """For staff, a count of what they wrote, by kind: what they wrote is the school's record
    of its students, asked for by those students' own whānau."""
    user, school = subject.user, subject.school
    counts = {
        _("Goals proposed"): Goal.objects.filter(
            student__school=school, proposed_by=user, proposed_by_voice__in=Voice.school_voices()
        ),
        _("Comments written"): GoalComment.objects.filter(
            goal__student__school=school, author=user, voice__in=Voice.school_voices()
        ),
        _("Evidence added"): Evidence.objects.filter(
            goal__student__school=school, added_by=user, voice__in=Voice.school_voices()
        ),
        _("Inquiry steps written"): InquiryStep.objects.filter(
            student__school=school, author=user, voice__in=Voice.school_voices()
        ),
        _("Home activities written"): HomeActivity.objects.filter(
            next_step__goal__student__school=school, created_by=user
        ),
    }
    return [{name: str(queryset.count()) for name, queryset in counts.items()}]


@PERSON_SECTIONS.register("learners", order=20)
def person_sections(subject: Subject):
    student = child_of(subject)
    if student is not None:
        name = student.display_name
        yield Section(_("%(name)s’s goals") % {"name": name}, _goals(subject, student))
        steps, activities = _next_steps(subject, student)
        yield Section(_("Next steps"), steps)
        yield Section(_("Home-learning activities"), activities)
        rows, files = _evidence(subject, student)
        yield Section(_("Evidence of learning"), rows, files)
        yield Section(_("Comments on goals"), _comments(subject, student))
        yield Section(_("Inquiry shared with whānau"), _inquiry(subject, student))
    yield Section(_("Your other comments"), _own_comments(subject, student))
    if is_staff_of(subject):
        yield Section(_("What you wrote as staff"), _staff_counts(subject))


# A school's tables -------------------------------------------------------------------


@SCHOOL_TABLES.register("learners", order=20)
def school_tables(school):
    goals = Goal.objects.filter(student__school=school)
    columns = {
        "goals": (
            goals.order_by("pk"),
            [
                "id",
                "student_id",
                "title",
                "success_criteria",
                "learning_area__name",
                "status",
                "target_date",
                "proposed_by__name",
                "proposed_by_voice",
                "correction_statements",
                "created_at",
                "updated_at",
            ],
        ),
        "goal_agreements": (
            GoalAgreement.objects.filter(goal__student__school=school).order_by("pk"),
            ["id", "goal_id", "user__name", "voice", "agreed_at"],
        ),
        "next_steps": (
            NextStep.objects.filter(goal__student__school=school).order_by("pk"),
            ["id", "goal_id", "text", "where", "taken_by", "done_at", "created_at"],
        ),
        "home_activities": (
            HomeActivity.objects.filter(next_step__goal__student__school=school).order_by("pk"),
            ["id", "next_step_id", "title", "instructions", "created_by__name", "created_at"],
        ),
        "goal_comments": (
            GoalComment.objects.filter(goal__student__school=school).order_by("pk"),
            [
                "id",
                "goal_id",
                "author__name",
                "voice",
                "body",
                "created_at",
                "edited_at",
                "hidden_at",
                "hidden_reason",
                "correction_statements",
            ],
        ),
        "inquiry_steps": (
            InquiryStep.objects.filter(student__school=school).order_by("pk"),
            [
                "id",
                "student_id",
                "stage",
                "text",
                "where",
                "shared_with_whanau",
                "author__name",
                "voice",
                "created_at",
            ],
        ),
    }
    for name, (queryset, names) in columns.items():
        yield Table(name, names, csv_rows(queryset, names))
    evidence = Evidence.objects.filter(goal__student__school=school).order_by("pk")
    names = [
        "id",
        "goal_id",
        "kind",
        "note",
        "original_name",
        "content_type",
        "added_by__name",
        "voice",
        "shows_others",
        "confirmed_at",
        "created_at",
    ]
    yield Table(
        "evidence",
        [*names, "file"],
        (
            [*row, "files/" + file_name("evidence", row[0], row[4]) if stored else ""]
            for *row, stored in csv_rows(evidence, [*names, "file"])
        ),
        (
            (file_name("", each.pk, each.original_name).lstrip("/"), each.file)
            for each in evidence.exclude(file="").only("pk", "original_name", "file").iterator()
        ),
    )
