"""The ground floor's models: schools and the people graph, sign-in, the audit trail, voice."""

from partnerships.models.accounts import User, UserManager
from partnerships.models.audit import AuditEvent
from partnerships.models.imports import ImportJob, ImportPreset
from partnerships.models.notices import Notice, Rhythm, Rhythmic
from partnerships.models.outbox import OutboxEmail
from partnerships.models.people import (
    Household,
    MediaConsent,
    Student,
    WhanauLink,
    WhanauMember,
)
from partnerships.models.privacy import PrivacyExport, PrivacyPolicy, PrivacyRequest
from partnerships.models.schools import YEAR_LEVELS, Classroom, School, Staff, Term
from partnerships.models.sign_in import (
    CARD_ALPHABET,
    CARD_CODE_LENGTH,
    Invitation,
    SignInCard,
    hash_key,
    new_card_code,
    normalise_card_code,
)
from partnerships.models.submissions import Submission
from partnerships.models.voice import Voice

__all__ = [
    "CARD_ALPHABET",
    "CARD_CODE_LENGTH",
    "YEAR_LEVELS",
    "AuditEvent",
    "Classroom",
    "Household",
    "ImportJob",
    "ImportPreset",
    "Invitation",
    "MediaConsent",
    "Notice",
    "OutboxEmail",
    "PrivacyExport",
    "PrivacyPolicy",
    "PrivacyRequest",
    "Rhythm",
    "Rhythmic",
    "School",
    "SignInCard",
    "Staff",
    "Student",
    "Submission",
    "Term",
    "User",
    "UserManager",
    "Voice",
    "WhanauLink",
    "WhanauMember",
    "hash_key",
    "new_card_code",
    "normalise_card_code",
]
