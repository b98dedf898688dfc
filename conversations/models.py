"""Learning conversations, the transition conversation, and conversation times families book.

The weekly update home has its own models in ``conversations.weekly.models``; they are
imported at the end so Django registers them with this app.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models import Voice


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
        THREE_WAY = "three_way", _("Three-way")
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


class ConversationRound(models.Model):
    """A round of conversations, such as “Term 1 goal-setting”, with times families book."""

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
    is_open = models.BooleanField(_("open for booking"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conversation round")
        verbose_name_plural = _("conversation rounds")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


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


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)


class Booking(models.Model):
    """A whānau member's booking of one time, for one student, with what they need."""

    class How(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        PHONE = "phone", _("By phone")

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="bookings")
    student = models.ForeignKey(
        "partnerships.Student", on_delete=models.CASCADE, related_name="bookings"
    )
    whanau = models.ForeignKey(
        "partnerships.WhanauMember", on_delete=models.CASCADE, related_name="bookings"
    )
    how = models.CharField(
        _("how you’d like to meet"), max_length=16, choices=How.choices, default=How.IN_PERSON
    )
    needs_childcare = models.BooleanField(_("we need childcare"), default=False)
    needs_interpreter = models.BooleanField(_("we’d like an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=60, blank=True)
    needs_accessible_room = models.BooleanField(_("we need an accessible room"), default=False)
    note = models.CharField(_("anything else"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
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
        ]

    def __str__(self) -> str:
        return f"{self.whanau} — {self.slot}"


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
