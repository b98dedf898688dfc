"""A report's content as plain data: what a version freezes, and what every view shows.

``snapshot`` reads the report as it stands (with the student's goals and their progress,
drawn from the goals, not retyped) into JSON-ready data; a published version keeps it for
ever. ``present`` turns that data into what a template shows, with the fixed words (a goal's
status, a disposition's progress, the names every school starts with) in the reader's language
at the time they read it.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from learners.models import Disposition, Goal, LearningArea, shown_name
from partnerships.privacy.statements import statements_shown
from reports.models import AchievementLevel, DispositionProgress, Report
from reports.surprises import period_start

# The parts of a report a correction can change, in the order they are shown.
SECTIONS = {
    "judgements": _("Achievement in learning areas"),
    "dispositions": _("Learning dispositions"),
    "goals": _("Goals"),
    "teacher_comment": _("Teacher’s comment"),
    "support_note": _("Learning support"),
    "student_reflection": _("The student’s reflection"),
}


def snapshot(report: Report) -> dict:
    """The report as it stands, as plain data (seven queries, whatever it holds)."""
    round_ = report.round
    student = report.student
    scale = list(AchievementLevel.objects.filter(school_id=round_.school_id))
    position = {level.pk: index for index, level in enumerate(scale)}
    judgements = report.judgements.select_related("learning_area", "level").order_by(
        "learning_area__position", "learning_area__name"
    )
    dispositions = report.dispositions.select_related("disposition").order_by(
        "disposition__position", "disposition__name"
    )
    teachers = (
        [teacher.name for teacher in student.classroom.teachers.all()]
        if (student.classroom_id)
        else []
    )
    return {
        "school": round_.school.name,
        "round": round_.name,
        "period_starts_on": round_.period_starts_on.isoformat(),
        "due_on": round_.due_on.isoformat(),
        "student": {
            "name": student.full_name,
            "first_name": student.display_name,
            "year_level": student.year_level,
            "classroom": student.classroom.name if student.classroom_id else "",
        },
        "teachers": teachers,
        "scale": [level.name for level in scale],
        "judgements": [
            {
                "area": judgement.learning_area.name,
                "level": judgement.level.name,
                "index": position.get(judgement.level_id, 0),
                "concern": judgement.level.is_concern,
                "comment": judgement.comment,
            }
            for judgement in judgements
        ],
        "dispositions": [
            {"name": each.disposition.name, "progress": each.progress, "comment": each.comment}
            for each in dispositions
        ],
        "goals": _goals(report),
        "teacher_comment": report.teacher_comment,
        "support_note": report.support_note,
        "student_reflection": report.student_reflection,
    }


def _goals(report: Report) -> list[dict]:
    """The student's goals that belong in this round: active ones, and those achieved or set
    aside within its period (from its first day at the school, wherever the server is)."""
    since = period_start(report)
    goals = (
        Goal.objects.filter(student_id=report.student_id)
        .filter(Q(status=Goal.Status.ACTIVE) | Q(updated_at__gte=since))
        .select_related("learning_area")
        .annotate(
            steps_total=Count("next_steps"),
            steps_done=Count("next_steps", filter=Q(next_steps__done_at__isnull=False)),
        )
        .in_list_order()
    )
    return [
        {
            "title": goal.title,
            "area": goal.learning_area.name if goal.learning_area_id else "",
            "status": goal.status,
            "success_criteria": goal.success_criteria,
            "steps_done": goal.steps_done,
            "steps_total": goal.steps_total,
        }
        # Statements of correction go home with the goal, and stay in the version as sent
        # (whose voice, the day, the words). Only where there are some: a version frozen
        # before there were any reads the same as one without.
        | (
            {"correction_statements": goal.correction_statements}
            if goal.correction_statements
            else {}
        )
        for goal in goals
    ]


def changed_sections(before: dict | None, after: dict) -> list[str]:
    """The sections of ``after`` that differ from ``before`` (none for a first version: there
    is nothing before it to differ from)."""
    if before is None:
        return []
    return [name for name in SECTIONS if before.get(name) != after.get(name)]


def section_labels(names) -> list[str]:
    return [str(SECTIONS[name]) for name in names if name in SECTIONS]


def present(content: dict) -> dict:
    """``content`` with the fixed words added in the active language, for a template."""
    goal_status = dict(Goal.Status.choices)
    progress = dict(DispositionProgress.Progress.choices)
    areas, levels = LearningArea.defaults, AchievementLevel.defaults
    shown = dict(content)
    shown["goals"] = [
        goal
        | {
            "status_label": goal_status.get(goal["status"], goal["status"]),
            "area": shown_name(goal["area"], areas),
            "statements": statements_shown(goal.get("correction_statements")),
        }
        for goal in content.get("goals", [])
    ]
    shown["dispositions"] = [
        each
        | {
            "progress_label": progress.get(each["progress"], each["progress"]),
            "name": shown_name(each["name"], Disposition.defaults),
        }
        for each in content.get("dispositions", [])
    ]
    shown["judgements"] = [
        judgement
        | {
            "area": shown_name(judgement["area"], areas),
            "level": shown_name(judgement["level"], levels),
            "steps": [
                {"name": shown_name(name, levels), "here": index == judgement["index"]}
                for index, name in enumerate(content.get("scale", []))
            ],
        }
        for judgement in content.get("judgements", [])
    ]
    return shown
