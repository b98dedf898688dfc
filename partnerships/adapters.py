"""django-allauth's hooks: no open sign-up; accounts come from invitations; its emails come from
the reader's school, in the reader's language."""

import logging
import smtplib
from dataclasses import dataclass

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext as _

from partnerships.models import School, Staff, Student, User, WhanauMember

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reader:
    """Who an account email is written to: their name (if known), language and school."""

    name: str
    language: str
    school: School | None


def reader_of(email: str, user: User | None = None) -> Reader:
    """Who reads mail sent to ``email``: the account's person, or else a school's whānau record.

    The school is the one they belong to (as staff, whānau or a student), or None when they
    belong to none or to several (a teacher at two schools). Two queries at most: the account
    (unless given), then its schools; for an address with no account, its whānau records.
    """
    email = (email or "").strip().lower()
    if user is None and email:
        user = User.objects.filter(email=email).first()
    if user is not None:
        belongs = (
            Exists(Staff.objects.filter(school=OuterRef("pk"), user=user))
            | Exists(WhanauMember.objects.filter(school=OuterRef("pk"), user=user))
            | Exists(Student.objects.filter(school=OuterRef("pk"), user=user))
        )
        schools = list(School.objects.filter(belongs)[:2])
        return Reader(user.name, user.preferred_language, _only(schools))
    members = (
        list(WhanauMember.objects.filter(email=email).select_related("school").order_by("pk"))
        if email
        else []
    )
    if not members:
        return Reader("", settings.LANGUAGE_CODE, None)
    schools = list({member.school_id: member.school for member in members}.values())
    return Reader(members[0].name, members[0].preferred_language, _only(schools))


def _only(schools: list[School]) -> School | None:
    return schools[0] if len(schools) == 1 else None


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Leaders invite staff; teachers and leaders invite whānau.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Sign-in codes and the like: sent at once (someone is waiting for them), named for
        the reader's school and written in their language."""
        user = context.get("user")
        reader = reader_of(email, user if isinstance(user, User) else None)
        context = {
            **context,
            "reader_name": reader.name,
            "school": reader.school,
            "code_minutes": app_settings.LOGIN_BY_CODE_TIMEOUT // 60,
        }
        with translation.override(reader.language):
            try:
                super().send_mail(template_prefix, email, context)
            except (OSError, smtplib.SMTPException):
                # The mail server is down or refused: the page says so, rather than failing.
                logger.warning("could not send the %s email", template_prefix, exc_info=True)
                if self.request is not None:
                    messages.error(
                        self.request,
                        _(
                            "We could not send the email just now. "
                            "Please wait a minute and ask for a new code."
                        ),
                    )
