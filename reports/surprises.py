"""The no-surprises check: nothing of concern in a report is news to the family.

A report signals concern where a judgement sits at a level the school marks as a concern
(by default "working towards expectations"), where it has a learning support note, and where
a disposition is marked as a concern. Each must have been raised with each whānau member who
will read the report, within the round's period (from its first day until now):

- a learning area or disposition: in a logged conversation that person took part in, which
  discussed a goal in that area (or building that disposition) or names it, as words of
  their own, in its shared summary (never its staff-only notes); or in a comment from the
  school, which whānau with access all see, on a goal of the student in that area (or
  building that disposition);
- learning support: in a logged conversation that person took part in.

The same number of queries however much the report holds or was said: its concerns, its
whānau, and the period's conversations (with who took part and their goals) and comments.
"""

import datetime
import functools
import re
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations.models import LearningConversation
from learners.models import Disposition, GoalComment, LearningArea, shown_name
from partnerships.languages import in_each_language
from partnerships.models import Voice, WhanauLink, WhanauMember
from reports.models import DispositionProgress, Report

SUMMARY_FIELDS = ("school_noticed", "whanau_see", "student_said", "agreed_next_steps")


@dataclass(frozen=True)
class Concern:
    """One part of a report that signals concern: ``kind`` is "area", "disposition" or
    "support"; ``subject_id`` is the learning area's or disposition's id."""

    kind: str
    label: str
    subject_id: int | None = None
    name: str = ""


@dataclass
class Unraised:
    """A concern not yet talked through with these whānau members."""

    concern: Concern
    whanau: list[WhanauMember] = field(default_factory=list)

    def as_data(self) -> dict:
        """For the audit trail and the version: plain words and ids."""
        return {
            "concern": self.concern.label,
            "whanau": [{"id": person.pk, "name": person.name} for person in self.whanau],
        }


def concerns_of(report: Report) -> list[Concern]:
    """What in the report signals concern, in the report's order."""
    concerns = []
    for judgement in report.judgements.filter(level__is_concern=True).select_related(
        "learning_area", "level"
    ):
        area = judgement.learning_area
        concerns.append(
            Concern(
                kind="area",
                # Translators: an achievement level in a learning area, e.g. "Working
                # towards expectations in Mathematics and statistics".
                label=_("%(level)s in %(area)s")
                % {"level": judgement.level.label, "area": area.label},
                subject_id=area.pk,
                name=area.name,
            )
        )
    if report.support_note.strip():
        concerns.append(Concern(kind="support", label=_("The learning support note")))
    for progress in report.dispositions.filter(
        progress=DispositionProgress.Progress.CONCERN
    ).select_related("disposition"):
        disposition = progress.disposition
        concerns.append(
            Concern(
                kind="disposition",
                label=_("%(disposition)s, marked as a concern") % {"disposition": disposition},
                subject_id=disposition.pk,
                name=disposition.name,
            )
        )
    return concerns


def period_start(report: Report) -> datetime.datetime:
    """The first moment of the round's period, at the school."""
    school = report.round.school
    return datetime.datetime.combine(
        report.round.period_starts_on, datetime.time.min, tzinfo=school.zone
    )


def readers_of(report: Report) -> list[WhanauMember]:
    """The whānau members the report goes to: linked with access."""
    links = WhanauLink.objects.with_access().filter(student_id=report.student_id)
    return list(WhanauMember.objects.filter(links__in=links).order_by("name", "pk"))


def unraised(report: Report, *, now: datetime.datetime | None = None) -> list[Unraised]:
    """Each concern of the report with the whānau it has not been raised with (empty: the
    report may go home). A report whose student has no whānau with access surprises nobody."""
    concerns = concerns_of(report)
    readers = readers_of(report) if concerns else []
    if not readers:
        return []
    since, until = period_start(report), now or timezone.now()
    talks = list(
        LearningConversation.objects.filter(
            student_id=report.student_id, held_at__gte=since, held_at__lte=until
        )
        .only("pk", *SUMMARY_FIELDS)
        .prefetch_related(
            Prefetch("whanau_attendees", queryset=WhanauMember.objects.only("pk")),
            "goals__dispositions",
        )
    )
    commented = list(
        GoalComment.objects.shown()
        .filter(
            goal__student_id=report.student_id,
            voice__in=Voice.school_voices(),
            created_at__gte=since,
            created_at__lte=until,
        )
        .select_related("goal")
        .prefetch_related("goal__dispositions")
    )
    found = []
    for concern in concerns:
        if concern.kind != "support" and any(
            _touches(comment.goal, concern) for comment in commented
        ):
            continue  # every reader sees the school's comments on their child's goals
        missing = [
            person
            for person in readers
            if not any(_raised_in(talk, concern, person) for talk in talks)
        ]
        if missing:
            found.append(Unraised(concern, missing))
    return found


def _touches(goal, concern: Concern) -> bool:
    if concern.kind == "area":
        return goal.learning_area_id == concern.subject_id
    return any(each.pk == concern.subject_id for each in goal.dispositions.all())


def _raised_in(talk: LearningConversation, concern: Concern, person: WhanauMember) -> bool:
    if person.pk not in {each.pk for each in talk.whanau_attendees.all()}:
        return False
    if concern.kind == "support":
        return True
    if any(_touches(goal, concern) for goal in talk.goals.all()):
        return True
    said = " ".join(getattr(talk, name) for name in SUMMARY_FIELDS)
    return any(names(said, name) for name in _said_as(concern.name))


@functools.cache
def _said_as(name: str) -> frozenset[str]:
    """``name`` as a conversation's notes may say it: as stored and, for a name every school
    starts with, in each language of the site (“Pāngarau” for “Mathematics and statistics”).
    Kept once per name: the check asks it for every conversation of every concern."""
    defaults = (*LearningArea.defaults, *Disposition.defaults)
    return frozenset({name, *in_each_language(lambda: shown_name(name, defaults))})


def names(text: str, name: str) -> bool:
    """Whether ``text`` names ``name`` as words of its own, in any case: “Science” is not
    named by “social sciences”, nor “Technology” by “biotechnology”."""
    words = r"\s+".join(re.escape(word) for word in name.split())
    return bool(words) and re.search(rf"(?<!\w){words}(?!\w)", text, re.IGNORECASE) is not None
