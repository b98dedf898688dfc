"""Learning conversations, the transition conversation, and conversation times families book.

The weekly update home has its own models in ``conversations.weekly.models``; they are
imported at the end so Django registers them with this app.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models import Voice

WHEN = "l j F, g:i a"  # a conversation's time in a sentence: "Wednesday 3 March, 3:30 p.m."


def at_school(moment: datetime.datetime, school) -> str:
    """A moment as the school's clock shows it, in the active language (``WHEN``)."""
    return dateformat.format(timezone.localtime(moment, school.zone), WHEN)


class Place(models.TextChoices):
    AT_SCHOOL = "school", _("At school")
    AT_HOME = "home", _("At home")
    ELSEWHERE = "elsewhere", _("Somewhere else")
    PHONE = "phone", _("By phone")
    ONLINE = "online", _("Online")


class ConversationQuerySet(models.QuerySet):
    def transitions(self):
        return self.filter(kind=LearningConversation.Kind.TRANSITION)


class LearningConversation(models.Model):
    """A conversation about a student's learning, in the shape the practice uses."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("Transition")
        GOAL_SETTING = "goal_setting", _("Goal-setting")
        STUDENT_LED = "student_led", _("Student-led")
        # Translators: a conversation of the student, their whānau and their teacher together.
        THREE_WAY = "three_way", _("Three-way")
        # Translators: a conversation whānau come to without booking, when they can.
        DROP_IN = "drop_in", _("Drop-in")
        OTHER = "other", _("Other")

    student = models.ForeignKey(
        "partnerships.Student", on_delete=models.CASCADE, related_name="conversations"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    held_at = models.DateTimeField(_("when"))
    place = models.CharField(
        _("where and how"), max_length=16, choices=Place.choices, default=Place.AT_SCHOOL
    )
    led_by = models.CharField(
        _("led by"), max_length=16, choices=Voice.partner_choices(), default=Voice.TEACHER
    )
    student_attended = models.BooleanField(_("the student took part"), default=True)
    whanau_attendees = models.ManyToManyField(
        "partnerships.WhanauMember",
        blank=True,
        related_name="conversations",
        verbose_name=_("whānau who took part"),
    )
    staff_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="conversations_attended",
        verbose_name=_("staff who took part"),
    )
    others = models.CharField(
        _("others who took part"),
        max_length=200,
        blank=True,
        help_text=_("For example: an interpreter, a grandparent, a learning support teacher."),
    )
    # The shared summary: whānau and the student see these.
    school_noticed = models.TextField(_("what school has noticed"), max_length=4000, blank=True)
    whanau_see = models.TextField(_("what whānau see at home"), max_length=4000, blank=True)
    student_said = models.TextField(_("what the student said"), max_length=4000, blank=True)
    agreed_next_steps = models.TextField(_("agreed next steps"), max_length=4000, blank=True)
    # Translators: the date by which the teacher checks back on what was agreed.
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    # Never shown to whānau or the student.
    staff_notes = models.TextField(
        _("staff-only notes"),
        max_length=4000,
        blank=True,
        help_text=_(
            "Only the student’s teachers and leaders see these, never whānau or the student."
        ),
    )
    goals = models.ManyToManyField(
        "learners.Goal", blank=True, related_name="conversations", verbose_name=_("goals discussed")
    )
    # Owned here, so goals and steps know nothing of how they were discussed.
    next_steps = models.ManyToManyField(
        "learners.NextStep",
        blank=True,
        related_name="conversations",
        verbose_name=_("next steps agreed"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning conversation")
        verbose_name_plural = _("learning conversations")
        ordering = ["-held_at", "-pk"]
        indexes = [models.Index(fields=["student", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.student}"

    def get_absolute_url(self) -> str:
        return reverse("conversation_detail", args=[self.pk])


class Reflection(models.Model):
    """What a whānau member (or the student) adds afterwards: whānau voice on the conversation."""

    conversation = models.ForeignKey(
        LearningConversation, on_delete=models.CASCADE, related_name="reflections"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    voice = models.CharField(max_length=16, choices=Voice.choices)
    body = models.TextField(_("your reflection"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class RoundQuerySet(models.QuerySet):
    def bookable(self):
        """Rounds families may book in now: open, and inside their booking dates."""
        now = timezone.now()
        return self.filter(
            Q(opens_at__isnull=True) | Q(opens_at__lte=now),
            Q(closes_at__isnull=True) | Q(closes_at__gt=now),
            is_open=True,
        )


class ConversationRound(models.Model):
    """A school's round of conversations, such as “Term 1 goal-setting”: for the whole school
    or some classes, with the dates families may book in and the times teachers offer."""

    school = models.ForeignKey(
        "partnerships.School", on_delete=models.CASCADE, related_name="conversation_rounds"
    )
    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(
        _("kind of conversation"),
        max_length=16,
        choices=LearningConversation.Kind.choices,
        default=LearningConversation.Kind.GOAL_SETTING,
    )
    classes = models.ManyToManyField(
        "partnerships.Classroom",
        blank=True,
        related_name="conversation_rounds",
        verbose_name=_("classes"),
        help_text=_("Leave empty for the whole school."),
    )
    is_open = models.BooleanField(_("open for booking"), default=True)
    opens_at = models.DateTimeField(_("booking opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("booking closes"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(_("each conversation (minutes)"), default=15)
    break_minutes = models.PositiveSmallIntegerField(_("break (minutes)"), default=0)
    break_after = models.PositiveSmallIntegerField(
        _("a break after every"),
        default=0,
        help_text=_("How many conversations in a row before a break; 0 for no breaks."),
    )
    ways = models.JSONField(
        _("ways to meet"),
        default=list,
        blank=True,
        help_text=_("How families may meet in this round; times are offered in these ways."),
    )
    # Copied from the school when the round opens, so changing the setting mid-round cannot
    # leave a child with a joint booking and a household's own at once.
    per_household = models.BooleanField(_("each household books its own time"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation round")
        verbose_name_plural = _("conversation rounds")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="round_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def window(self) -> str:
        """Why families can't book in the round now, or "" when they can: its booking has
        "closed", a leader "paused" it, or it "opens" later. (``bookable()`` asks the same
        of many rounds in SQL.)"""
        now = timezone.now()
        if self.closes_at and self.closes_at <= now:
            return "closed"
        if not self.is_open:
            return "paused"
        if self.opens_at and self.opens_at > now:
            return "opens"
        return ""

    @property
    def is_bookable(self) -> bool:
        return not self.window()


class BookingNudge(models.Model):
    """A leader's or teacher's request to remind the whānau still to book in a round (of one
    class, or all they may). Kept in the database so the request outlives a broker outage:
    the task is handed only its id, and a beat sweep finishes any request whose task never
    came or stopped part-way."""

    round = models.ForeignKey(ConversationRound, on_delete=models.CASCADE, related_name="nudges")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # A class deleted takes its request with it: one class's reminder never widens to all.
    classroom = models.ForeignKey(
        "partnerships.Classroom", on_delete=models.CASCADE, null=True, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request to remind families to book")
        verbose_name_plural = _("requests to remind families to book")
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.round} ({self.asked_at:%Y-%m-%d %H:%M})"


class SlotQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(starts_at__gt=timezone.now())

    def with_booking_state(self):
        taken = Booking.objects.active().filter(slot=models.OuterRef("pk"))
        return self.annotate(is_taken=models.Exists(taken))


class Slot(models.Model):
    """A conversation time a teacher offers in a round."""

    round = models.ForeignKey(ConversationRound, on_delete=models.CASCADE, related_name="slots")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_slots"
    )
    starts_at = models.DateTimeField(_("starts"))
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=15)
    place = models.CharField(
        _("where and how"), max_length=16, choices=Place.choices, default=Place.AT_SCHOOL
    )
    location = models.CharField(
        _("where"),
        max_length=200,
        blank=True,
        help_text=_("A room at school, or the place away from school: for example the marae."),
    )
    meeting_link = models.URLField(_("meeting link"), max_length=500, blank=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation time")
        verbose_name_plural = _("conversation times")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["host", "starts_at"], name="one_slot_per_host_time"),
        ]

    def __str__(self) -> str:
        return f"{self.host} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.minutes)

    @property
    def host_name(self) -> str:
        return self.host.get_full_name() or str(self.host)

    @property
    def way(self) -> str:
        """Where and how it is held, as the pages say it: at school (and the room), online,
        by phone, or the place away from school."""
        if self.location and self.place not in (Place.ONLINE, Place.PHONE):
            return f"{self.get_place_display()}, {self.location}"
        return self.get_place_display()


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)


class Booking(models.Model):
    """A household's booking of one time, for one student, with what they need.

    ``whanau`` is the member who booked it; the household they live in shares it. In a round
    with one joint conversation per child, ``household`` is empty. A move changes the time
    in place and counts up ``sequence``, so a calendar shows the same event moved.
    """

    class How(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        PHONE = "phone", _("By phone")

    round = models.ForeignKey(ConversationRound, on_delete=models.CASCADE, related_name="bookings")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="bookings")
    student = models.ForeignKey(
        "partnerships.Student", on_delete=models.CASCADE, related_name="bookings"
    )
    whanau = models.ForeignKey(
        "partnerships.WhanauMember", on_delete=models.CASCADE, related_name="bookings"
    )
    household = models.ForeignKey(
        "partnerships.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )
    how = models.CharField(
        _("how you’d like to meet"), max_length=16, choices=How.choices, default=How.IN_PERSON
    )
    needs_childcare = models.BooleanField(_("we need childcare"), default=False)
    needs_interpreter = models.BooleanField(_("we’d like an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=60, blank=True)
    needs_accessible_room = models.BooleanField(_("we need an accessible room"), default=False)
    note = models.CharField(_("anything else"), max_length=300, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["slot__starts_at"]
        constraints = [
            # Two families clicking the same time at once: the database lets one win.
            models.UniqueConstraint(
                fields=["slot"], condition=Q(cancelled_at__isnull=True), name="one_booking_per_slot"
            ),
            # Each household one conversation per child per round…
            models.UniqueConstraint(
                fields=["round", "student", "household"],
                condition=Q(cancelled_at__isnull=True, household__isnull=False),
                name="one_booking_per_household",
            ),
            # …or, where the school holds one joint conversation, one per child.
            models.UniqueConstraint(
                fields=["round", "student"],
                condition=Q(cancelled_at__isnull=True, household__isnull=True),
                name="one_joint_booking",
            ),
            models.CheckConstraint(
                condition=Q(needs_interpreter=False) | ~Q(interpreter_language=""),
                name="interpreter_language_given",
            ),
        ]
        indexes = [models.Index(fields=["round", "student"])]

    def __str__(self) -> str:
        return f"{self.whanau} — {self.slot}"

    def save(self, *args, **kwargs):
        # The slot's round, kept on the booking so the database can hold the rules per round.
        if self.round_id is None:
            self.round_id = self.slot.round_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("booking_detail", args=[self.pk])


class TimeRequest(models.Model):
    """“None of these times suit us”: a family asks for another, and the teacher answers."""

    round = models.ForeignKey(ConversationRound, on_delete=models.CASCADE, related_name="requests")
    student = models.ForeignKey(
        "partnerships.Student", on_delete=models.CASCADE, related_name="time_requests"
    )
    whanau = models.ForeignKey(
        "partnerships.WhanauMember", on_delete=models.CASCADE, related_name="time_requests"
    )
    message = models.CharField(_("what would suit you?"), max_length=500)
    answer = models.CharField(_("answer"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("request for another time")
        verbose_name_plural = _("requests for another time")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.message[:60]


from conversations.weekly.models import (  # noqa: E402  registered with this app
    UpdateDelivery,
    UpdateReply,
    WeeklyUpdate,
    WeekSend,
)

__all__ = [
    "Booking",
    "BookingNudge",
    "ConversationRound",
    "LearningConversation",
    "Place",
    "Reflection",
    "Slot",
    "TimeRequest",
    "UpdateDelivery",
    "UpdateReply",
    "WeekSend",
    "WeeklyUpdate",
]
