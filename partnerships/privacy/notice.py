"""A school's privacy notice (IPP 3): the words it shows whānau, ākonga and staff, a link
anyone may open from an email, and a whānau member's first reading of it.

A school that wrote no notice of its own shows the template below, filled in with its name,
its privacy officers and how long it keeps what it holds.
"""

from django.core import signing
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnerships.models import PrivacyPolicy, School, Staff, Student, User, WhanauLink
from partnerships.privacy.policy import policy_of

# The link in every email: the school's id, signed. Not secret (the notice is for anyone
# who is told about it) but not guessable either, so a school's page cannot be listed.
NOTICE_SALT = "partnerships.privacy.notice"


def notice_token(school_id: int) -> str:
    # A plain signature, no timestamp: the same link in every email, which never expires.
    return signing.Signer(salt=NOTICE_SALT).sign(str(school_id))


def notice_path(school_id: int) -> str:
    """The school's notice for anyone with the link (emails carry it)."""
    return reverse("privacy_notice_public", args=[notice_token(school_id)])


def school_id_from_token(token: str) -> int | None:
    """The school a link names, or ``None`` for one that was forged or altered."""
    try:
        value = signing.Signer(salt=NOTICE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def _years(n: int) -> str:
    return ngettext("%(n)s year", "%(n)s years", n) % {"n": n}


def leaders_of(schools: list[School]) -> dict[int, list[Staff]]:
    """Each school's current leaders, with their names: one query for them all."""
    found: dict[int, list[Staff]] = {school.pk: [] for school in schools}
    leaders = (
        Staff.objects.filter(school__in=list(found), role=Staff.Role.LEADER)
        .select_related("user")
        .order_by("user__name", "pk")
    )
    for staff in leaders:
        found[staff.school_id].append(staff)
    return found


def officer_names(policy: PrivacyPolicy, leaders: list[Staff]) -> list[str]:
    """Who answers privacy requests, as ``policy.officers`` says: the chosen officer while
    they lead the school, else every leader."""
    chosen = [staff for staff in leaders if staff.pk == policy.officer_id]
    return [staff.user.name or staff.user.email for staff in chosen or leaders]


def default_notice(school: School, policy: PrivacyPolicy, names: list[str]) -> str:
    """The template, in the reader's language, as paragraphs separated by blank lines."""
    who = ", ".join(names) if names else _("the school’s leaders")
    values = {
        "school": school.name,
        "officer": who,
        "records": _years(policy.records_years),
        "evidence": _years(policy.evidence_years),
        "audit": _years(policy.audit_years),
    }
    paragraphs = [
        _(
            "Kia ora. %(school)s uses Mahi Tahi so that you, your child and their kaiako can "
            "work together on your child’s learning. This notice tells you what the school "
            "keeps about you and your child here, why, who can see it, and what you can ask "
            "of us."
        ),
        _(
            "What we keep: names and contact details of ākonga and their whānau; learning "
            "goals and the comments on them; learning conversations and the times you book; "
            "the weekly updates ākonga write home and your replies; reports; and photos and "
            "files of learning."
        ),
        _(
            "Why we keep it: to work together on your child’s learning: to set goals with you "
            "and your child, to keep you up to date, and to hear what you see at home. We use "
            "it for nothing else."
        ),
        _(
            "Who can see it: your child’s kaiako and the school’s leaders. You see what is "
            "about your own tamariki, and your child sees their own goals, updates and "
            "reports. Other families never see your names, contact details or comments. If a "
            "whānau member has no access to a child (for example under a court order), they "
            "see nothing and are sent nothing about that child."
        ),
        _(
            "How long we keep it: a child’s records for %(records)s after they leave the "
            "school; photos and files of learning for %(evidence)s after they are added; the "
            "record of who looked at and changed what for %(audit)s. After that they are "
            "deleted, or kept without anyone’s name."
        ),
        _(
            "Your rights: you may ask for the information we hold about you and your child, "
            "and ask us to correct it if it is wrong. Ask from the Privacy page when you are "
            "signed in. We answer within 20 working days."
        ),
        _(
            "Our privacy officer: %(officer)s. If you are not happy with how we handle your "
            "information, talk to us first. You may also complain to the Privacy "
            "Commissioner (privacy.org.nz)."
        ),
    ]
    return "\n\n".join(paragraph % values for paragraph in paragraphs)


def notice_text(
    school: School, policy: PrivacyPolicy | None = None, leaders: list[Staff] | None = None
) -> str:
    """What the school's notice says: its own words, or the template filled in.
    ``leaders``: the school's, if already read (``leaders_of``)."""
    policy = policy if policy is not None else policy_of(school)
    if policy.notice.strip():
        return policy.notice
    if leaders is None:
        leaders = leaders_of([school])[school.pk]
    return default_notice(school, policy, officer_names(policy, leaders))


def schools_of(user) -> list[School]:
    """The schools a person belongs to: where they work, learn, or are whānau of a child
    they may see. One query, with each school's policy."""
    school = OuterRef("pk")
    return list(
        School.objects.filter(
            Exists(Staff.objects.filter(school=school, user=user))
            | Exists(Student.objects.filter(school=school, user=user))
            | Exists(
                WhanauLink.objects.with_access().filter(student__school=school, whanau__user=user)
            )
        )
        .select_related("privacy")
        .order_by("name", "pk")
    )


def notice_read(*, actor: User) -> bool:
    """The person has read their school's notice; whether this was the first time.

    Nothing of a school's record changes, so nothing is audited: the time is kept on the
    person, and a second click changes nothing."""
    return bool(
        User.objects.filter(pk=actor.pk, privacy_notice_seen_at__isnull=True).update(
            privacy_notice_seen_at=timezone.now()
        )
    )
