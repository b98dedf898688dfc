"""Whose voice a contribution is, decided on the ground floor from how a person relates to a
student (``access.relation_to``) and counted by the dashboards."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Voice(models.TextChoices):
    """Whose voice a contribution is: the dashboards count school voice against whānau/student."""

    STUDENT = "student", _("Student")
    WHANAU = "whanau", _("Whānau")
    TEACHER = "teacher", _("Teacher")
    LEADER = "leader", _("Leader")

    @classmethod
    def school_voices(cls) -> set[str]:
        return {cls.TEACHER, cls.LEADER}

    @classmethod
    def partner_choices(cls) -> list[tuple[str, str]]:
        """The three partners in a student's learning: who leads a conversation, takes a step."""
        return [(voice.value, voice.label) for voice in (cls.STUDENT, cls.WHANAU, cls.TEACHER)]
