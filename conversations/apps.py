from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    """Learning conversations, booked conversation times and the weekly update home."""

    name = "conversations"
    verbose_name = _("Conversations")
