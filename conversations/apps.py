from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    """Learning conversations, booked conversation times and the weekly update home."""

    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self):
        from conversations import (  # noqa: F401
            demo,  # a demo step
            notices,  # its kinds of notice
            notifications,  # the booking emails' kinds of outbox email
            panels,  # links on a student's page, a time waiting to be booked
            staff_left,  # withdraws the free times of someone who left
            year_end,  # closes last year's rounds and unsent updates at a year rollover
        )
        from conversations.privacy import exports, retention  # noqa: F401  privacy hooks
        from conversations.weekly import demo as weekly_demo  # noqa: F401
        from conversations.weekly import notices as weekly_notices  # noqa: F401  kinds of notice
        from conversations.weekly import panels as weekly_panels  # noqa: F401
        from conversations.weekly import sending  # noqa: F401  its kinds of email, for the outbox
