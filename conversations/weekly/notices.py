"""What the weekly update tells people: whānau replies reach the student's teachers, and a
teacher's answer reaches those who replied. Declared as the app loads (``apps.py``)."""

from django.utils.translation import gettext_noop

from partnerships.models import Rhythm
from partnerships.notices import FAMILY, STAFF, kind

UPDATE_REPLY = kind(
    "update_reply",
    audience=STAFF,
    label=gettext_noop("Whānau replies to weekly updates"),
    sentence=gettext_noop("%(who)s replied to %(student)s’s weekly update"),
    default=Rhythm.DAILY,
    order=40,
)
UPDATE_ANSWERED = kind(
    "update_answered",
    audience=FAMILY,
    label=gettext_noop("Answers to your replies to weekly updates"),
    sentence=gettext_noop("%(who)s answered your reply to %(student)s’s weekly update"),
    own_sentence=gettext_noop("%(who)s answered your reply to your weekly update"),
    order=40,
)
