"""Schools (the tenant), their staff and their classes."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partnerships.models.choices import choice_label


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a time zone we know."), params={"value": value})


def offered_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def this_year() -> int:
    return datetime.date.today().year  # noqa: DTZ011 (a default: the server's year will do)


class SchoolQuerySet(models.QuerySet):
    def lock(self, school_id: int) -> None:
        """Hold the school's row until the transaction ends: changes that must be checked
        against each other (its terms, an import's parts) go one at a time per school."""
        self.select_for_update().filter(pk=school_id).values_list("pk").get()

    def with_counts(self):
        """Students, staff, classes and whānau counted in SQL, one subquery each."""
        # By label: the people models are defined after School, in modules that import it.
        from django.apps import apps

        def count_of(model_label: str, *conditions, **filters):
            model = apps.get_model(model_label)
            rows = (
                model.objects.filter(*conditions, school=models.OuterRef("pk"), **filters)
                .order_by()
                .values("school")
                .annotate(n=models.Count("pk"))
                .values("n")
            )
            return Coalesce(models.Subquery(rows), 0)

        return self.annotate(
            student_count=count_of("partnerships.Student"),
            priority_count=count_of("partnerships.Student", is_priority_learner=True),
            # NOT EXISTS: a LEFT JOIN read every school's links to find the few missing.
            unconnected_count=count_of(
                "partnerships.Student",
                ~models.Exists(
                    apps.get_model("partnerships.WhanauLink").objects.filter(
                        student=models.OuterRef("pk")
                    )
                ),
            ),
            staff_count=count_of("partnerships.Staff"),
            class_count=count_of("partnerships.Classroom"),
            whanau_count=count_of("partnerships.WhanauMember"),
        )


class School(models.Model):
    """A kura: the tenant. Nothing of one school is ever visible to another."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    name = models.CharField(_("name"), max_length=200)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Pacific/Auckland", validators=[validate_timezone]
    )
    weekly_update_weekday = models.PositiveSmallIntegerField(
        _("weekly update day"), choices=Weekday.choices, default=Weekday.FRIDAY
    )
    weekly_update_time = models.TimeField(
        _("weekly update time"),
        default=datetime.time(15, 0),
        help_text=_("Local time at the school when the weekly updates go home."),
    )
    updates_need_approval = models.BooleanField(
        _("a teacher approves weekly updates before they are sent"), default=True
    )
    reports_need_approval = models.BooleanField(
        _("a leader approves written reports before they go home"), default=False
    )
    leaders_need_two_factor = models.BooleanField(
        _("leaders sign in with two-factor authentication"),
        default=False,
        help_text=_("A leader without an authenticator app is asked to set one up first."),
    )
    update_reminder_hours = models.PositiveSmallIntegerField(
        _("remind about unwritten updates this many hours before sending"), default=24
    )
    transition_days = models.PositiveSmallIntegerField(
        _("transition conversation due after (days)"),
        default=21,
        help_text=_("How long after a student starts their transition conversation is due."),
    )
    bookings_per_household = models.BooleanField(
        _("each household books its own conversation"),
        default=True,
        help_text=_(
            "Separated parents each book their own time for their child. Untick for one "
            "joint conversation per child, booked by whichever household books first."
        ),
    )
    languages = models.JSONField(
        _("languages"),
        default=offered_languages,
        help_text=_("The languages the school offers its whānau for pages and emails."),
    )
    # The school year its classes and year levels are for; a year rollover moves it on once.
    year = models.PositiveSmallIntegerField(_("school year"), default=this_year)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def week_of(self, moment: datetime.datetime) -> datetime.date:
        """The Monday of the school week that ``moment`` falls in, in the school's time zone."""
        local = moment.astimezone(self.zone).date()
        return local - datetime.timedelta(days=local.weekday())

    def send_time(self, week: datetime.date) -> datetime.datetime:
        """When the week's updates go home: the school's day and time in that week."""
        day = week + datetime.timedelta(days=self.weekly_update_weekday)
        return datetime.datetime.combine(day, self.weekly_update_time, tzinfo=self.zone)


class TermQuerySet(models.QuerySet):
    def recent(self, today: datetime.date, count: int) -> list["Term"]:
        """The last ``count`` terms that have started by ``today``, oldest first."""
        return list(reversed(self.filter(starts_on__lte=today).order_by("-starts_on")[:count]))


class Term(models.Model):
    """A school term: the periods the dashboards show and compare."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("name"), max_length=60, help_text=_("For example: Term 2 2026."))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["school", "starts_on"], name="term_starts_once"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CurrentStaffManager(models.Manager):
    """Staff who still work at the school: a leaver keeps their row (what they wrote stays
    theirs) but holds no role. Every scope and page reads staff through this manager."""

    def get_queryset(self):
        return super().get_queryset().filter(left_at__isnull=True)


class Staff(models.Model):
    """A person working at a school, as a teacher (kaiako) or a leader."""

    class Role(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        LEADER = "leader", _("Leader")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.TEACHER)
    title = models.CharField(
        _("title"), max_length=100, blank=True, help_text=_("For example: Tumuaki, Team leader.")
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    objects = CurrentStaffManager()
    everyone = models.Manager()  # noqa: DJ012 (a manager: leavers too)

    class Meta:
        base_manager_name = "everyone"
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="staff_once_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.school})"

    def get_role_display(self) -> str:
        return choice_label(self, "role")


def _year_level_label(n: int) -> str:
    return gettext("Year %(n)s") % {"n": n}


# Lazy like every other label: a label formatted here once would stay in the language that
# was active when the module was imported (English), on a te reo page too.
YEAR_LEVELS = [(n, lazy(_year_level_label, str)(n)) for n in range(0, 14)]


class ClassroomQuerySet(models.QuerySet):
    def current(self):
        return self.filter(archived_on__isnull=True)

    def with_student_counts(self):
        """Each class's number of students, counted in a subquery on the class's own
        students: a join counted every school's students to find each class's."""
        from django.apps import apps  # Student is defined after Classroom

        students = (
            apps.get_model("partnerships.Student")
            .objects.filter(classroom=models.OuterRef("pk"))
            .order_by()
            .values("classroom")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(student_count=Coalesce(models.Subquery(students), 0))


class Classroom(models.Model):
    """A class (akomanga) and the teachers who teach it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(_("name"), max_length=100)
    year_level = models.PositiveSmallIntegerField(
        _("year level"), choices=YEAR_LEVELS, validators=[MaxValueValidator(13)]
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="classes_taught",
        verbose_name=_("teachers"),
    )
    # A class no one is in any more after a year rollover: kept for what was written in it.
    archived_on = models.DateField(_("archived on"), null=True, blank=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["year_level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="class_name_once_per_school"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_year_level_display(self) -> str:
        return choice_label(self, "year_level")
