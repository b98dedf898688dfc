"""The demo school's written reports: a mid-year round gone home, an end-of-year round ready.

For the demo teacher's class (the school's first), once per school:

- "Mid-year 2026", covering learning from some months back: the teacher's report for most of
  the class, published just before it was due (version 1); some families have written "how
  you can help at home" since (never the families the demo leaves unreached, nor the
  visitor's own: that is left for them to write). Publishing wrote an email to each reader
  then: those are marked sent, as they were months ago, so ``make run`` prints none of them
  (the worker it nudges finds nothing left to send).
- "End of year 2026", covering this term: every report written by the teacher and ready, so
  the demo teacher can publish the whole class from the round's page. Exactly one report
  holds a concern (working towards expectations) not yet talked through with its whānau:
  publishing the class sends every other report home, and the no-surprises check holds that
  one until a conversation is logged. The other concerns were raised this term, in a
  three-way conversation with the whānau there and a goal in that area discussed.

Written through the service functions, as people would: a leader opens the rounds, the
teacher writes and publishes, whānau write their part. Registered as a step of
``manage.py seed_demo`` (``ReportsConfig.ready``).
"""

import datetime

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from conversations.models import LearningConversation, Place
from conversations.services import conversation_record
from learners.models import Goal
from partnerships.demo import STEPS, WHANAU_EMAIL, hard_to_reach
from partnerships.demo.constants import KOWHAI_CLASSES
from partnerships.models import (
    Classroom,
    School,
    Staff,
    Student,
    Term,
    WhanauLink,
)
from reports import publishing, services, surprises
from reports.models import DispositionProgress, Report, ReportRound

MID_YEAR = "Mid-year 2026"
END_OF_YEAR = "End of year 2026"
NOT_YET_WRITTEN = 2  # mid-year reports the teacher never finished: "most" went home
# Every report judges these, and one or two more by turns.
CORE_AREAS = ["English", "Mathematics and statistics"]
MORE_AREAS = ["Science", "Te reo Māori", "The arts", "Health and physical education"]
# What the teacher says beside each level: (at, beyond, working towards).
AREA_COMMENTS = {
    "English": (
        "Reads aloud with growing expression and retells stories in order.",
        "Reads well beyond the class level and writes with lively detail.",
        "Is still building sounds and sight words; short daily practice is helping.",
    ),
    "Mathematics and statistics": (
        "Counts on confidently and is beginning to add within 20.",
        "Solves number problems in more than one way and explains them.",
        "Needs more time with counting and number facts to 10.",
    ),
    "Science": (
        "Asks good questions about the worm farm and records what changes.",
        "Makes careful observations and suggests why things happen.",
        "Is learning to notice and describe what happens in our experiments.",
    ),
    "Te reo Māori": (
        "Uses greetings and classroom kupu with confidence.",
        "Leads our karakia and helps others with new kupu.",
        "Is beginning to join in with waiata and greetings.",
    ),
    "The arts": (
        "Uses colour and line with care in drawings and paintings.",
        "Brings original ideas to art and drama and shares them proudly.",
        "Is learning to stay with a piece of art until it is finished.",
    ),
    "Health and physical education": (
        "Plays fairly and is learning to take turns in team games.",
        "Shows great skill and encouragement for others in fitness and games.",
        "Is learning to join in and keep going in fitness sessions.",
    ),
}
GENERAL_COMMENTS = (
    "Is making steady progress and enjoys learning in this area.",
    "Is learning well beyond expectations here and shares ideas with others.",
    "Needs more time and support here; we are working on it together.",
)
DISPOSITION_COMMENTS = {
    DispositionProgress.Progress.STRENGTH: "A real strength this year.",
    DispositionProgress.Progress.GROWING: "Growing steadily, with a little encouragement.",
}
END_OF_YEAR_COMMENTS = [
    "{name} has had a wonderful year in our class. {name} greets everyone with a smile each "
    "morning and is always ready to help a classmate who is stuck. Working on “{goal}” has "
    "shown real persistence. Have a restful summer, {name}: ka pai tō mahi!",
    "What a year of growth for {name}! {name} has become a confident member of our class, "
    "sharing ideas on the mat and trying new things without worrying about getting them "
    "wrong. I have loved seeing the progress on “{goal}”. Kia kaha for next year, {name}.",
    "{name} brings kindness and curiosity to our class every day. {name}’s questions about "
    "the worm farm kept us all thinking, and the effort put into “{goal}” has paid off. "
    "Thank you for a lovely year, {name}.",
    "{name} has worked hard this year and should feel proud. {name} listens carefully, "
    "has a go at new challenges, and is a thoughtful friend. Keep going with “{goal}” over "
    "the holidays: a little each day makes a big difference. Ka pai, {name}!",
    "It has been a joy to teach {name} this year. {name} settles quickly to learning, takes "
    "care with work, and lights up when sharing it with the class. “{goal}” is coming along "
    "well. Mā te wā, {name}, and enjoy the summer with your whānau.",
]
MID_YEAR_COMMENTS = [
    "{name} has settled well into our class and is making good friends. Our next focus is "
    "“{goal}”, and we would love your help with it at home.",
    "{name} has made a great start to the year, joining in with enthusiasm. We are working "
    "on “{goal}” together in the second half of the year.",
    "{name} is a caring class member who is growing in confidence every week. “{goal}” is "
    "our shared goal for the rest of the year.",
]
HOME_HELP = [
    "We will read together for ten minutes after tea, and ask {name} to tell us about the story.",
    "Nana will bake with {name} on Sundays and count the ingredients together.",
    "We will practise the karakia and waiata in the car on the way to school.",
    "{name} will help with the shopping list and we will add up the prices together.",
    "We will visit the library every Saturday so {name} can choose new books.",
]
RAISED_NOTICED = (
    "{name} is working towards expectations in {area} at the moment. We talked about what "
    "helps in class and how we could work on it together."
)
RAISED_AT_HOME = "We see the same at home, and we are keen to help."
RAISED_STEPS = "Ten minutes of practice most evenings; the teacher will send a game home."


@STEPS.register("written_reports", order=80, description="reports written (mid-year sent home)")
def seed_reports(*, school: School, keep_free: frozenset[int] = frozenset()) -> int:
    """Both rounds of reports for the school's first class, once. Returns reports written."""
    if ReportRound.objects.filter(school=school, name__in=[MID_YEAR, END_OF_YEAR]).exists():
        return 0
    classroom = (
        Classroom.objects.filter(school=school, name=KOWHAI_CLASSES[0][0]).first()
        or Classroom.objects.filter(school=school).order_by("year_level", "name").first()
    )
    teacher = classroom.teachers.order_by("pk").first() if classroom else None
    leader = (
        Staff.objects.filter(school=school, role=Staff.Role.LEADER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if teacher is None or leader is None:
        return 0
    students = list(
        Student.objects.filter(classroom=classroom)
        .prefetch_related(
            Prefetch(
                "whanau_links",
                queryset=WhanauLink.objects.with_access().select_related("whanau__user"),
                to_attr="readers",
            ),
            Prefetch(
                "goals",
                queryset=Goal.objects.filter(learning_area__isnull=False)
                .select_related("learning_area")
                .order_by("pk"),
                to_attr="area_goals",
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )
    writer = _Writer(school=school, teacher=teacher, keep_free=keep_free)
    today = timezone.now().astimezone(school.zone).date()
    this_term = _period_start(school, today)
    with transaction.atomic():
        made = writer.mid_year(
            leader.user, classroom, students, this_term - datetime.timedelta(weeks=15)
        )
        made += writer.end_of_year(leader.user, classroom, students, this_term, today)
    return made


def _period_start(school: School, today: datetime.date) -> datetime.date:
    """The start of this term (once it is a fortnight old), or about ten weeks ago."""
    term = (
        Term.objects.filter(
            school=school,
            starts_on__lte=today - datetime.timedelta(weeks=2),
            ends_on__gte=today,
        )
        .order_by("-starts_on")
        .first()
    )
    return term.starts_on if term else today - datetime.timedelta(weeks=10)


class _Writer:
    """The teacher writing the class's reports, and what the demo leaves to the visitor."""

    def __init__(self, *, school: School, teacher, keep_free: frozenset[int]):
        self.school = school
        self.teacher = teacher
        self.quiet = hard_to_reach(school)
        # The visitor's tamariki and the card's student: their part is theirs to write.
        self.visitors = set(keep_free) | set(
            WhanauLink.objects.filter(whanau__email=WHANAU_EMAIL).values_list(
                "student_id", flat=True
            )
        )
        levels = services.scale_for(school)
        self.working_towards = next(level for level in levels if level.is_concern)
        fine = [level for level in levels if not level.is_concern]
        self.at, self.beyond = fine[0], fine[-1]
        self.areas = {area.name: area for area in school.learning_areas.all()}
        self.dispositions = list(school.dispositions.order_by("position", "name"))

    def held_student(self, students: list[Student]) -> Student | None:
        """Whose concern has not been raised: someone with whānau to read it, never the
        visitor's; a family the demo leaves unreached, where there is one."""
        candidates = [
            student for student in students if student.readers and student.pk not in self.visitors
        ]
        unreached = [student for student in candidates if student.pk in self.quiet]
        return (unreached or candidates or [None])[0]

    def mid_year(self, leader, classroom, students, due_on: datetime.date) -> int:
        """Written and sent home on its due date, months ago; some families wrote back."""
        round_ = services.report_round_create(
            actor=leader,
            school=self.school,
            name=MID_YEAR,
            period_starts_on=due_on - datetime.timedelta(weeks=20),
            due_on=due_on,
            classes=[classroom],
        )
        sent_at = datetime.datetime.combine(
            due_on - datetime.timedelta(days=3), datetime.time(15, 30), tzinfo=self.school.zone
        )
        reports = self._reports(round_)
        held = self.held_student(students)
        unfinished = [
            student.pk
            for student in students
            if student.pk not in self.visitors and student != held
        ][-NOT_YET_WRITTEN:]
        written = 0
        for index, student in enumerate(students):
            if student.pk in unfinished:
                continue
            report = reports[student.pk]
            self._write(report, student, index, MID_YEAR_COMMENTS)
            written += 1
            services.report_mark_ready(actor=self.teacher, report=report)
            publishing.report_publish(actor=self.teacher, report=report, now=sent_at)
            if index % 2 == 0 and student.pk not in self.quiet | self.visitors:
                self._home_help(report, student, index, sent_at)
        return written

    def _home_help(self, report: Report, student: Student, index: int, sent_at) -> None:
        """A whānau member with a login writes the family's part, a few days after it came."""
        author = next((link.whanau.user for link in student.readers if link.whanau.user), None)
        if author is None:
            return
        report.refresh_from_db()
        text = HOME_HELP[index % len(HOME_HELP)].format(name=student.display_name)
        publishing.report_home_help_save(actor=author, report=report, text=text)
        Report.objects.filter(pk=report.pk).update(
            home_help_at=sent_at + datetime.timedelta(days=2 + index % 9, hours=index % 5)
        )

    def end_of_year(self, leader, classroom, students, starts_on, today) -> int:
        """Every report written and ready; one concern not yet raised with the family."""
        round_ = services.report_round_create(
            actor=leader,
            school=self.school,
            name=END_OF_YEAR,
            period_starts_on=starts_on,
            due_on=today + datetime.timedelta(weeks=2),
            classes=[classroom],
        )
        reports = self._reports(round_)
        held = self.held_student(students)
        raised = [
            student
            for student in students
            if student != held
            and student.pk not in self.visitors | self.quiet
            and student.readers
            and student.area_goals
        ][1::4]
        since = datetime.datetime.combine(starts_on, datetime.time(9), tzinfo=self.school.zone)
        for index, student in enumerate(students):
            report = reports[student.pk]
            if student == held:
                self._hold(report, student, index)
            elif student in raised:
                goal = student.area_goals[0]
                self._raise(student, goal, since)
                self._write(
                    report, student, index, END_OF_YEAR_COMMENTS, concern=goal.learning_area.name
                )
            else:
                self._write(report, student, index, END_OF_YEAR_COMMENTS)
            services.report_mark_ready(actor=self.teacher, report=report)
        return len(reports)

    def _hold(self, report: Report, student: Student, index: int) -> None:
        """Working towards expectations in an area nobody has talked through with whānau:
        the first area of the report's, of those without a goal, that the check holds."""
        discussed = {goal.learning_area.name for goal in student.area_goals}
        tried = None
        for area in [*CORE_AREAS, *MORE_AREAS]:
            if area in discussed or area not in self.areas:
                continue
            self._write(report, student, index, END_OF_YEAR_COMMENTS, concern=area, instead=tried)
            if surprises.unraised(report):
                return
            tried = area

    def _raise(self, student: Student, goal: Goal, since: datetime.datetime) -> None:
        """A three-way conversation this term: every reader there, the goal discussed."""
        held_at = max(since, timezone.now() - datetime.timedelta(days=10))
        area = goal.learning_area.name
        conversation_record(
            student=student,
            by=self.teacher,
            data={
                "kind": LearningConversation.Kind.THREE_WAY,
                "held_at": held_at,
                "place": Place.AT_SCHOOL,
                "whanau_attendees": [link.whanau for link in student.readers],
                "staff_attendees": [self.teacher],
                "goals": [goal],
                "school_noticed": RAISED_NOTICED.format(name=student.display_name, area=area),
                "whanau_see": RAISED_AT_HOME,
                "agreed_next_steps": RAISED_STEPS,
            },
        )

    def _reports(self, round_: ReportRound) -> dict[int, Report]:
        return {
            report.student_id: report
            for report in Report.objects.filter(round=round_).select_related(
                "round__school", "student"
            )
        }

    def _write(self, report, student, index: int, comments, *, concern=None, instead=None) -> None:
        """The teacher's part: three or four areas, the dispositions, a comment by name.
        ``concern``: the area the student is working towards expectations in; ``instead``:
        an area an earlier draft judged, to leave out now."""
        extra = MORE_AREAS[index % len(MORE_AREAS) :] + MORE_AREAS[: index % len(MORE_AREAS)]
        names = [*CORE_AREAS, *extra[: 1 + index % 2]]
        if concern and concern not in names:
            names[-1] = concern
        judgements = {}
        if instead and instead not in names and instead in self.areas:
            judgements[self.areas[instead].pk] = {"level": None, "comment": ""}
        for n, name in enumerate(names):
            area = self.areas.get(name)
            if area is None:
                continue
            at, beyond, towards = AREA_COMMENTS.get(name, GENERAL_COMMENTS)
            if name == concern:
                level, comment = self.working_towards, towards
            elif (index + n) % 4 == 0:
                level, comment = self.beyond, beyond
            else:
                level, comment = self.at, at
            judgements[area.pk] = {"level": level.pk, "comment": comment}
        dispositions = {}
        for n, disposition in enumerate(self.dispositions):
            progress = (
                DispositionProgress.Progress.STRENGTH
                if (index + n) % 3 == 0
                else DispositionProgress.Progress.GROWING
            )
            dispositions[disposition.pk] = {
                "progress": progress,
                "comment": DISPOSITION_COMMENTS[progress],
            }
        goal = student.area_goals[0].title if student.area_goals else "our class goals"
        text = comments[index % len(comments)].format(name=student.display_name, goal=goal)
        services.report_save(
            actor=self.teacher,
            report=report,
            teacher_comment=text,
            support_note="",
            judgements=judgements,
            dispositions=dispositions,
        )
