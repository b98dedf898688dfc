"""A school's privacy policy, read with its defaults, who its privacy officers are, and the
one way a leader changes it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships import audit
from partnerships.access import require_leader, signed_in
from partnerships.models import AuditEvent, PrivacyPolicy, School, Staff, User

# What a school may set, as the model's validators allow.
YEARS_MIN, YEARS_MAX = 1, 50
NOTICE_MAX = PrivacyPolicy._meta.get_field("notice").max_length


def policy_of(school: School) -> PrivacyPolicy:
    """The school's policy: its row, or the defaults (unsaved) when it has set none."""
    try:
        return school.privacy
    except PrivacyPolicy.DoesNotExist:
        return PrivacyPolicy(school=school)


def officers(school: School) -> QuerySet[Staff]:
    """Who answers the school's privacy requests: its chosen privacy officer while they still
    lead it, or else every current leader."""
    leaders = Staff.objects.filter(school=school, role=Staff.Role.LEADER)
    chosen = policy_of(school).officer_id
    if chosen is not None and leaders.filter(pk=chosen).exists():
        return leaders.filter(pk=chosen)
    return leaders


def is_officer(user, school: School) -> bool:
    return signed_in(user) and officers(school).filter(user=user).exists()


# Changing the policy ----------------------------------------------------------------------

PERIODS = ("records_years", "evidence_years", "audit_years")
POLICY_FIELDS = ("notice", "officer", *PERIODS)


def _period_summary(name: str, before: int, after: int) -> str:
    what = {
        "records_years": _("records kept"),
        "evidence_years": _("photos and files of learning kept"),
        "audit_years": _("record of who viewed and changed what kept"),
    }[name]
    return _("%(what)s: %(before)s → %(after)s years") % {
        "what": what,
        "before": before,
        "after": after,
    }


def _clean_policy(school: School, data: dict) -> dict:
    """The plain data, checked as the form checks it: a command may call this too."""
    unknown = set(data) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"not a privacy setting: {sorted(unknown)}")
    errors = {}
    cleaned = dict(data)
    if "notice" in cleaned:
        cleaned["notice"] = str(cleaned["notice"] or "").replace("\r\n", "\n").strip()
        if len(cleaned["notice"]) > NOTICE_MAX:
            errors["notice"] = _("Keep the notice under %(n)s characters.") % {"n": NOTICE_MAX}
    if cleaned.get("officer") is not None:
        leaders = Staff.objects.filter(school=school, role=Staff.Role.LEADER)
        if not leaders.filter(pk=cleaned["officer"]).exists():
            errors["officer"] = _("Choose one of the school’s leaders, or every leader.")
    for name in PERIODS:
        if name not in cleaned:
            continue
        value = cleaned[name]
        if type(value) is not int or not YEARS_MIN <= value <= YEARS_MAX:
            errors[name] = _("Give a number of years from %(min)s to %(max)s.") % {
                "min": YEARS_MIN,
                "max": YEARS_MAX,
            }
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def privacy_policy_update(*, actor: User, school_id: int, data: dict) -> list[str]:
    """Change the school's notice, privacy officer or retention periods (any of
    ``POLICY_FIELDS``; ``officer``: a leader's staff id, or ``None`` for every leader).
    Returns the names of what changed; nothing changed, nothing is written or audited.

    A changed period restarts the wait before retention removes anything (see
    ``PrivacyPolicy.periods_changed_at``), so leaders can check the preview first."""
    require_leader(actor, school_id)
    school = School.objects.get(pk=school_id)
    data = _clean_policy(school, data)
    PrivacyPolicy.objects.get_or_create(school=school)
    policy = PrivacyPolicy.objects.select_for_update().get(school=school)
    if "officer" in data:
        data["officer_id"] = data.pop("officer")
    changes = {name: value for name, value in data.items() if getattr(policy, name) != value}
    if not changes:
        return []
    changed = list(changes)
    said = []
    now = timezone.now()
    if "notice" in changes:
        changes["notice_updated_at"] = now
        said.append(
            _("notice changed") if changes["notice"] else _("notice set back to the default")
        )
    if "officer_id" in changes:
        said.append(
            _("privacy officer changed")
            if changes["officer_id"]
            else _("privacy officer: every leader")
        )
    said.extend(
        _period_summary(name, getattr(policy, name), changes[name])
        for name in PERIODS
        if name in changes
    )
    if any(name in changes for name in PERIODS):
        changes["periods_changed_at"] = now
    PrivacyPolicy.objects.filter(pk=policy.pk).update(**changes)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CHANGED,
        obj=school,
        summary=_("Privacy settings changed: %(changes)s") % {"changes": "; ".join(said)},
    )
    return [name.removesuffix("_id") for name in changed]
