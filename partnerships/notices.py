"""Telling people what happened, at the rhythm each of them chose.

1. An app names its kinds of notice (``kind(...)``): who reads them (whānau and students, or
   staff), the sentence that says who did what, and whether the reader may turn the email
   off (a moved booking, for one, always comes).
2. ``notify`` is called inside the transaction of the change it tells of. It writes one
   ``Notice`` per reader (once per ``key``: a double submit or a retried task adds nothing)
   and puts it in an outbox email, in the same transaction: at once, in the reader's daily or
   weekly digest, or none (the home page still shows it). Quiet hours, in the school's time
   zone, hold an email until they end; what was held goes together then.
3. A digest is one outbox row per reader and time, found again by its key: a notice joins it
   while it waits. The row is locked while joining, so a sender claiming it waits until the
   notice is in; one already being sent is not joined, and the notice goes in its own email.
4. The outbox builds each email when it goes, from what the reader may see then: a link since
   marked "no access / no contact", or a teacher who no longer teaches the child, is left out.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop, ngettext

from partnerships import mail, outbox
from partnerships.models import (
    Notice,
    OutboxEmail,
    Rhythm,
    Rhythmic,
    School,
    Staff,
    Student,
    User,
    WhanauLink,
    WhanauMember,
)

FAMILY = "family"  # whānau and the student themself
STAFF = "staff"

EMAIL_KIND = "notices"
OPEN_SALT = "notice-open"
OPEN_LINK_DAYS = 60

NOBODY = gettext_noop("Nothing in it may still be told to this person.")
NO_ADDRESS = gettext_noop("We have no email address for this person.")


@dataclass(frozen=True)
class Kind:
    name: str
    audience: str  # FAMILY or STAFF
    label: str  # for the settings page: what these notices are (gettext_noop)
    sentence: str  # who did what (gettext_noop): %(who)s, %(student)s, %(what)s
    own_sentence: str = ""  # the same, read by the student it is about
    always: bool = False  # the reader cannot turn the email off or digest it
    default: str = Rhythm.INSTANT
    order: int = 100

    def says(self, notice: Notice, *, to_student: bool) -> str:
        """The sentence in the active language, about this notice."""
        sentence = self.own_sentence if to_student and self.own_sentence else self.sentence
        return gettext(sentence) % {
            "who": notice.actor_name or gettext("Someone at school"),
            "student": notice.student.display_name,
            "what": notice.title,
        }


KINDS: dict[str, Kind] = {}


def kind(name: str, **details) -> Kind:
    """Declare a kind of notice (each app, for its own, as it loads)."""
    KINDS[name] = Kind(name=name, **details)
    return KINDS[name]


def kinds_for(audience: str) -> list[Kind]:
    return sorted(
        (k for k in KINDS.values() if k.audience == audience), key=lambda k: (k.order, k.name)
    )


def rhythm_of(person: Rhythmic, name: str) -> str:
    entry = KINDS[name]
    if entry.always:
        return Rhythm.INSTANT
    return person.notice_rhythms.get(name) or entry.default


# When an email goes ---------------------------------------------------------------------


def _quiet(person: Rhythmic, at: datetime.time) -> bool:
    start, end = person.quiet_from, person.quiet_until
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end  # overnight, the usual case


def _after_quiet(person: Rhythmic, local: datetime.datetime) -> datetime.datetime:
    """``local`` itself, or the end of the quiet hours it falls in."""
    if not _quiet(person, local.timetz().replace(tzinfo=None)):
        return local
    end = datetime.datetime.combine(local.date(), person.quiet_until, tzinfo=local.tzinfo)
    return end if end > local else end + datetime.timedelta(days=1)


def send_time(
    person: Rhythmic, rhythm: str, *, now: datetime.datetime, zone
) -> datetime.datetime | None:
    """When an email with a notice of this rhythm goes; ``None`` for no email.

    At once, daily and weekly are all held to the end of quiet hours. Times are the
    school's wall-clock times: a digest "at 5 pm" stays at 5 pm across daylight saving.
    """
    if rhythm == Rhythm.OFF:
        return None
    local = now.astimezone(zone)
    if rhythm == Rhythm.INSTANT:
        at = local
    else:
        at = datetime.datetime.combine(local.date(), person.digest_time, tzinfo=zone)
        if rhythm == Rhythm.WEEKLY:
            at += datetime.timedelta(days=(person.digest_weekday - local.weekday()) % 7)
        if at < local:
            at += datetime.timedelta(days=7 if rhythm == Rhythm.WEEKLY else 1)
    return _after_quiet(person, at).astimezone(datetime.UTC)


# Writing notices -----------------------------------------------------------------------


def family_of(student: Student):
    """Whānau members linked to the student with access: who may be told about them."""
    return WhanauMember.objects.filter(
        links__in=WhanauLink.objects.with_access().filter(student=student)
    )


def notify(
    *,
    kind: str,
    key: str,
    student: Student,
    actor: User | None,
    title: str = "",
    excerpt: str = "",
    url: str,
    whanau: Iterable[WhanauMember] = (),
    users: Iterable[User] = (),
    now: datetime.datetime | None = None,
    email: bool = True,
) -> list[Notice]:
    """Tell each reader, in the caller's transaction; the notices written (none twice).

    ``whanau`` are kept only if linked to ``student`` with access; the actor is never told
    of what they did themself. ``email=False`` puts it on their home page only (an email of
    its own, such as a booking's confirmation, has already told them).
    """
    now = now or timezone.now()
    whanau, users = list(whanau), list(users)
    allowed = set(
        WhanauLink.objects.with_access()
        .filter(student=student, whanau__in=[w.pk for w in whanau])
        .values_list("whanau_id", flat=True)
    )
    readers = [w for w in whanau if w.pk in allowed and (actor is None or w.user_id != actor.pk)]
    readers += [u for u in users if u.is_active and (actor is None or u.pk != actor.pk)]
    school = School.objects.only("pk", "timezone").get(pk=student.school_id)
    common = {
        "kind": kind,
        "key": key,
        "school": school,
        "student": student,
        "actor": actor,
        "actor_name": (actor.get_full_name() if actor else "")[:150],
        "title": title[:200],
        "excerpt": excerpt_of(excerpt),
        "url": url,
        "created_at": now,
    }
    written = []
    with transaction.atomic():
        for reader in readers:
            who = {"whanau": reader} if isinstance(reader, WhanauMember) else {"user": reader}
            notice = Notice(**common, **who)
            try:
                with transaction.atomic():
                    notice.save()
            except IntegrityError:  # the unique (key, reader): told already
                continue
            if email:
                _schedule(notice, reader, rhythm_of(reader, kind), school, now)
            written.append(notice)
    return written


def excerpt_of(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 280 else text[:279].rstrip() + "…"


def _schedule(notice: Notice, reader, rhythm: str, school: School, now) -> None:
    """Put the notice in an email: its own, or the reader's digest at that time."""
    if not reader.email:
        return
    at = send_time(reader, rhythm, now=now, zone=school.zone)
    if at is None:
        return
    tag = f"w{reader.pk}" if isinstance(reader, WhanauMember) else f"u{reader.pk}"
    key = f"notices:{tag}:{at.isoformat()}"
    joined = not (rhythm == Rhythm.INSTANT and at <= now) and _join(key, tag, at, school)
    if not joined:
        # At once, or its digest is already going: this one goes on its own.
        key = f"notice:{notice.pk}"
        outbox.enqueue(
            kind=EMAIL_KIND,
            key=key,
            params={"key": key, "to": tag},
            school=school,
            send_after=None if at <= now else at,
        )
    Notice.objects.filter(pk=notice.pk).update(email_key=key, due_at=at)


def _join(key: str, tag: str, at, school: School) -> bool:
    """Make sure the digest row exists and is still waiting, locked until we commit."""
    outbox.enqueue(
        kind=EMAIL_KIND, key=key, params={"key": key, "to": tag}, school=school, send_after=at
    )
    row = OutboxEmail.objects.select_for_update().get(key=key)
    now = timezone.now()
    taken = row.claimed_until is not None and row.claimed_until > now
    return row.status == OutboxEmail.Status.QUEUED and not taken


# Sending them ------------------------------------------------------------------------


def sentence(notice: Notice, *, to_student: bool) -> str:
    """Who did what, in the active language (a kind no longer declared: its title)."""
    entry = KINDS.get(notice.kind)
    return entry.says(notice, to_student=to_student) if entry else notice.title


def open_token(notice_id: int) -> str:
    return signing.dumps(notice_id, salt=OPEN_SALT)


def notice_for_token(token: str) -> Notice:
    """Raises ``signing.BadSignature`` (or ``SignatureExpired``), or ``Notice.DoesNotExist``."""
    pk = signing.loads(token, salt=OPEN_SALT, max_age=datetime.timedelta(days=OPEN_LINK_DAYS))
    return Notice.objects.get(pk=pk)


def open_url(notice: Notice) -> str:
    return reverse("notice_open", args=[open_token(notice.pk)])


def notices_mark_read(notices) -> int:
    """The first time a notice is opened; opening it again changes nothing."""
    return notices.filter(read_at__isnull=True).update(read_at=timezone.now())


def _prefetch(params_list: list[dict]) -> dict:
    """A batch's notices and who may still be told, in a constant number of queries."""
    keys = [params["key"] for params in params_list]
    notices = list(
        Notice.objects.filter(email_key__in=keys)
        .select_related("student", "school", "whanau", "user")
        .order_by("student__first_name", "created_at", "pk")
    )
    students = {n.student_id for n in notices}
    whanau_ok = set(
        WhanauLink.objects.with_access()
        .filter(student_id__in=students, whanau_id__in={n.whanau_id for n in notices})
        .values_list("whanau_id", "student_id")
    )
    staff_ok = _staff_may_see({n.user_id for n in notices if n.user_id}, students)
    by_key = defaultdict(list)
    for notice in notices:
        if notice.whanau_id:
            allowed = (notice.whanau_id, notice.student_id) in whanau_ok
        else:
            allowed = notice.user.is_active and (
                notice.student.user_id == notice.user_id
                or (notice.user_id, notice.student_id) in staff_ok
            )
        if allowed:
            by_key[notice.email_key].append(notice)
    return by_key


def _staff_may_see(user_ids: set[int], student_ids: set[int]) -> set[tuple[int, int]]:
    """(user, student) pairs where the user leads the student's school or teaches them."""
    if not user_ids:
        return set()
    from partnerships.access import teacher_ids_by_student  # access imports this module

    pairs = {
        (teacher, student)
        for student, teachers in teacher_ids_by_student(student_ids).items()
        for teacher in teachers
        if teacher in user_ids
    }
    leads = defaultdict(set)
    for user_id, school_id in Staff.objects.filter(
        user_id__in=user_ids, role=Staff.Role.LEADER
    ).values_list("user_id", "school_id"):
        leads[school_id].add(user_id)
    if leads:
        for student_id, school_id in Student.objects.filter(
            pk__in=student_ids, school_id__in=list(leads)
        ).values_list("pk", "school_id"):
            pairs.update((user_id, student_id) for user_id in leads[school_id])
    return pairs


def _emailed(sent: list[tuple[dict, datetime.datetime]]) -> None:
    Notice.objects.filter(email_key__in=[params["key"] for params, _at in sent]).update(
        emailed_at=max(at for _params, at in sent)
    )


@outbox.KINDS.register(EMAIL_KIND, sent_many=_emailed, prefetch=_prefetch)
def notices_email(params: dict, loaded: dict):
    """One notice, or a digest of several, in the reader's language."""
    notices = loaded.get(params["key"], [])
    if not notices:
        raise outbox.NotToSendError(NOBODY)
    first = notices[0]
    reader = first.whanau or first.user
    if not reader.email:
        raise outbox.NotToSendError(NO_ADDRESS)
    language = reader.preferred_language
    zone = first.school.zone
    with translation.override(language):
        items = [
            {
                "notice": notice,
                "sentence": sentence(notice, to_student=notice.student.user_id == notice.user_id),
                "url": mail.absolute_url(open_url(notice)),
            }
            for notice in notices
        ]
        if len(items) == 1:
            subject = items[0]["sentence"]
        else:
            subject = ngettext(
                "%(count)d new thing from %(school)s",
                "%(count)d new things from %(school)s",
                len(items),
            ) % {"count": len(items), "school": first.school.name}
    schools = {notice.school_id for notice in notices}
    with timezone.override(zone):
        return mail.compose(
            template="partnerships/email/notices",
            to=reader.email,
            language=language,
            context={
                "subject": subject,
                "name": getattr(reader, "name", "") or reader.get_short_name(),
                "items": items,
                "school": first.school if len(schools) == 1 else None,
                "settings_url": mail.absolute_url(reverse("notice_settings")),
            },
        )


def notice_settings_save(
    *,
    user: User,
    rhythms: dict[str, str],
    quiet_from: datetime.time | None,
    quiet_until: datetime.time | None,
    digest_time: datetime.time,
    digest_weekday: int,
) -> None:
    """A person's rhythm, for their account and every school that knows them as whānau.

    Notices already in a waiting email keep its time; new ones follow the new rhythm.
    """
    unknown = set(rhythms) - set(KINDS)
    if unknown or set(rhythms.values()) - set(Rhythm.values):
        raise ValueError(f"unknown kinds or rhythms: {sorted(unknown)}")
    values = {
        "quiet_from": quiet_from,
        "quiet_until": quiet_until,
        "digest_time": digest_time,
        "digest_weekday": digest_weekday,
    }
    with transaction.atomic():
        merged = {**user.notice_rhythms, **rhythms}
        User.objects.filter(pk=user.pk).update(notice_rhythms=merged, **values)
        for member in WhanauMember.objects.select_for_update().filter(user=user):
            member.notice_rhythms = {**member.notice_rhythms, **rhythms}
            for name, value in values.items():
                setattr(member, name, value)
            member.save(update_fields=["notice_rhythms", *values])
