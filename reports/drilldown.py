"""The students behind a figure, within the access rules: the scope's students are already
only those the person manages, so a teacher's list never shows another class. Where a figure
is about reports, each student's name opens the report behind it."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conversations.models import LearningConversation, WeeklyUpdate
from learners.inquiry import STAGES, with_inquiry
from learners.models import Goal, GoalAgreement
from partnerships.models import Student, Voice, WhanauLink
from reports.contact import last_took_part, opened_q, took_part_q
from reports.conversation_figures import overdue_transition_q
from reports.filters import Scope
from reports.report_figures import held_reports, sent_without_family_part
from reports.tables import Cell, Table


@dataclass(frozen=True)
class Drill:
    title: str
    which: object  # (scope) -> Q on students
    reports: object = None  # (scope) -> the reports behind it, each student's linked


def _report_drill(title, reports) -> Drill:
    """The students with one of ``reports(scope)``; each name opens their newest such report."""
    return Drill(
        title,
        lambda scope: Q(Exists(reports(scope).filter(student=OuterRef("pk")))),
        reports=reports,
    )


def _not_reached(scope: Scope) -> Q:
    """No two-way contact for the scope's weeks, and nothing the school sent opened either:
    a family who opens the updates is reached, though not (yet) taking part."""
    since = scope.now - datetime.timedelta(weeks=scope.weeks)
    return ~(took_part_q(scope.students, since, scope.now) | opened_q(since, scope.now))


def _goal_without_whanau(scope: Scope) -> Q:
    agreed = GoalAgreement.objects.filter(goal=OuterRef("pk"), voice=Voice.WHANAU)
    goals = Goal.objects.filter(student=OuterRef("pk"), status=Goal.Status.ACTIVE)
    return Q(Exists(goals.exclude(Exists(agreed))))


def _no_update(scope: Scope) -> Q:
    written = WeeklyUpdate.objects.filter(
        student=OuterRef("pk"), week__in=scope.period.weeks
    ).exclude(status=WeeklyUpdate.Status.DRAFT)
    return ~Q(Exists(written))


def _no_conversation(scope: Scope) -> Q:
    held = LearningConversation.objects.filter(
        student=OuterRef("pk"), held_at__gte=scope.period.starts, held_at__lt=scope.period.ends
    )
    return ~Q(Exists(held))


def _at_stage(stage: str):
    def which(scope: Scope) -> Q:
        latest = with_inquiry(Student.objects.filter(is_priority_learner=True))
        return Q(pk__in=latest.filter(inquiry_stage=stage or None).values("pk"))

    return which


DRILLS = {
    "engaged": Drill(
        gettext_lazy("Students whose whānau took part"),
        lambda scope: took_part_q(scope.students, scope.period.starts, scope.period.ends),
    ),
    "not_engaged": Drill(
        gettext_lazy("Students whose whānau did not take part"),
        lambda scope: ~took_part_q(scope.students, scope.period.starts, scope.period.ends),
    ),
    "not_reached": Drill(gettext_lazy("Families not reached"), _not_reached),
    "transition_overdue": Drill(
        gettext_lazy("Overdue transition conversations"), overdue_transition_q
    ),
    "goals_without_whanau": Drill(
        gettext_lazy("Students with an active goal whānau haven’t agreed to"),
        _goal_without_whanau,
    ),
    "no_update": Drill(
        gettext_lazy("Students with no weekly update written in this period"), _no_update
    ),
    "no_conversation": Drill(
        gettext_lazy("Students with no conversation held in this period"), _no_conversation
    ),
    "reports_held": _report_drill(
        gettext_lazy("Students whose report the no-surprises check is holding"), held_reports
    ),
    "reports_without_home_help": _report_drill(
        gettext_lazy(
            "Students whose report went home in this period without the family’s part yet"
        ),
        sent_without_family_part,
    ),
    "inquiry_none": Drill(
        gettext_lazy("Priority learners whose inquiry has not started"), _at_stage("")
    ),
    **{
        f"inquiry_{stage.value}": Drill(
            format_lazy(gettext_lazy("Priority learners at “{stage}”"), stage=stage.label),
            _at_stage(stage.value),
        )
        for stage in STAGES
    },
}


def students_for(scope: Scope, key: str) -> QuerySet[Student]:
    """The scope's students behind one figure, with what the worklist shows of each."""
    contacts = WhanauLink.objects.with_access().select_related("whanau").order_by("whanau__name")
    drill = DRILLS[key]
    students = scope.students.filter(drill.which(scope))
    if drill.reports is not None:
        newest = drill.reports(scope).filter(student=OuterRef("pk"))
        newest = newest.order_by("-round__due_on", "-pk").values("pk")[:1]
        students = students.annotate(report_pk=Subquery(newest))
    return (
        students.select_related("classroom")
        .prefetch_related(Prefetch("whanau_links", queryset=contacts, to_attr="contacts"))
        .order_by("classroom__year_level", "classroom__name", "last_name", "first_name", "pk")
    )


def worklist(students, *, key: str, caption: str) -> Table:
    """The rows of a drill-down: each student, their class, when whānau last took part, and
    how to reach them."""
    table = Table(
        key=key,
        caption=caption,
        headers=[
            _("Student"),
            _("Class"),
            _("Whānau last took part"),
            _("Whānau"),
            _("Best way to reach them"),
            _("Language"),
        ],
        empty=_("No students."),
    )
    students = list(students)
    last = last_took_part(student.pk for student in students)
    for student in students:
        contact = last.get(student.pk)
        when = _("Not yet") if contact is None else date_format(contact.date())
        names = "; ".join(
            f"{link.whanau.name} ({link.get_relationship_display()})" for link in student.contacts
        )
        ways = "; ".join(_contact_way(link.whanau) for link in student.contacts)
        languages = "; ".join(
            sorted({link.whanau.get_preferred_language_display() for link in student.contacts})
        )
        report = getattr(student, "report_pk", None)
        url = (
            reverse("report_detail", args=[report])
            if report
            else reverse("student_detail", args=[student.pk])
        )
        table.add(
            Cell(student.full_name, url=url),
            student.classroom.name if student.classroom else "",
            when,
            names or _("No whānau connected yet"),
            ways,
            languages,
        )
    return table


def _contact_way(whanau) -> str:
    way = whanau.get_preferred_contact_display()
    detail = whanau.phone if whanau.preferred_contact != whanau.Contact.EMAIL else whanau.email
    return f"{way}: {detail}" if detail else way
