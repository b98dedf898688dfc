"""Every email, sent once: the outbox and the one module that claims and sends it.

1. ``enqueue`` writes a row in the caller's transaction: the email exists exactly when its
   cause does. Its ``key`` names what it is about, so writing it twice writes one row. After
   the commit it nudges a worker; if the broker is down, the beat sweep (every minute) sends
   it instead, so a Redis outage delays mail and never loses it or breaks the page.
2. ``send_due`` claims a batch with one conditional UPDATE and a lease (rows another worker
   is claiming at that moment are skipped, not waited for): two workers never hold the same
   row, and a long batch renews its lease as it goes: every ``RENEW_EVERY``, and a
   message can hold it no longer than the mail connection's timeout (30 s in settings), so
   a live sender's lease never lapses. A dead worker's lease lapses after ``LEASE`` and the
   next sweep takes its rows. Past the task's deadline a batch stops and lets go of the rest.
3. Each row is built by its kind's builder from the data as it is when its batch goes (a
   cancelled booking or a link since marked no-contact is skipped with a reason), sent with
   the row's own Message-ID, and marked sent straight after the server accepts it.

   The windows for a repeat, each of one message, always with the same Message-ID (so the
   receiving server or mail program can drop it): a worker killed after the mail server
   accepted a message and before ``_mark_sent`` commits; and a server that hangs up, or does
   not answer in time, after taking the message's data but before saying it accepted it
   (SMTP cannot tell us whether it went: the message is sent again).
4. Faults: a dropped connection reconnects and sends the message again without counting
   an attempt; a 4xx answer is retried later with backoff; a 5xx for the address is final
   for that row only; a server that cannot be reached ends the batch, lets go of its rows
   and tries again at the next sweep. Staff see each reason in plain words.

Kinds are registered by the apps that own them (``KINDS.register``), as page panels are:
``build(params) -> EmailMessage``, raising ``NotToSendError(reason)`` when it should no longer go;
optional ``sent(params, at)`` and ``failed(params, reason)`` keep the app's own record, and an
optional ``prefetch(params_list)`` loads a batch's rows at once (``build`` then also gets
what it returned). A kind sending thousands at a time records them with
``sent_many([(params, at), …])`` instead of ``sent``: once per batch, not once per email.
"""

import datetime
import functools
import logging
import smtplib
import uuid
from dataclasses import dataclass

from django.core import mail as django_mail
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from partnerships.models import OutboxEmail, School
from partnerships.registry import Registry

logger = logging.getLogger(__name__)

KINDS = Registry()
# A week's updates are thousands of emails: what a batch costs once (claiming, loading,
# recording) is shared by this many.
BATCH = 500
LEASE = datetime.timedelta(minutes=2)
RENEW_EVERY = datetime.timedelta(seconds=30)
MAX_ATTEMPTS = 8
OUTAGE_PAUSE = datetime.timedelta(minutes=1)

# Reasons staff read, stored untranslated and shown in the reader's language.
REFUSED = gettext_noop("The family’s mail server refused this address.")
GAVE_UP = gettext_noop("The mail server kept asking us to try later; we have stopped trying.")
TRY_LATER = gettext_noop("The mail server asked us to try later: we will.")
UNREACHABLE = gettext_noop("Our mail server could not be reached: we will try again shortly.")
BROKEN = gettext_noop("This email could not be written. The school office has been told.")
BAD_ADDRESS = gettext_noop("This email address cannot be used: please check it.")


class NotToSendError(Exception):
    """Raised by a builder: this email should no longer go (the reason is for staff)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def enqueue(
    *,
    kind: str,
    key: str,
    params: dict,
    school: School | int | None = None,
    send_after: datetime.datetime | None = None,
) -> bool:
    """Write the email to the outbox in the caller's transaction. False if it was already
    there (the same key): a double submit or a repeated task writes nothing more."""
    school_id = school.pk if isinstance(school, School) else school
    _, created = OutboxEmail.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "params": params,
            "school_id": school_id,
            "send_after": send_after or timezone.now(),
        },
    )
    if created and send_after is None:
        transaction.on_commit(nudge)
    return created


def enqueue_many(rows: list[OutboxEmail]) -> None:
    """Write many at once (a week's updates); rows whose key is there already are left."""
    OutboxEmail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    transaction.on_commit(nudge)


def nudge() -> None:
    """Ask a worker to send now. The broker being down is no error: the sweep sends it."""
    from partnerships.tasks import send_outbox  # the task module imports this one

    try:
        send_outbox.delay()
    except Exception:  # any broker failure: the beat sweep picks the rows up within a minute
        logger.warning("could not reach the broker; the outbox sweep will send", exc_info=True)


@dataclass
class SendResult:
    found: int = 0  # rows the batch claimed
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    unreachable: bool = False

    def add(self, other: "SendResult") -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.skipped += other.skipped
        self.unreachable = self.unreachable or other.unreachable


def send_due(*, batch: int = BATCH, deadline: datetime.datetime | None = None) -> SendResult:
    """Send every row that is due, a batch at a time, until none is left, the mail server
    cannot be reached, or ``deadline`` passes (the task's time limit is near)."""
    result = SendResult()
    record_sent()  # what a worker that died sent but never recorded
    while deadline is None or timezone.now() < deadline:
        done = send_batch(size=batch, deadline=deadline)
        result.add(done)
        # A batch that found fewer than it could take has left nothing due behind it.
        if done.unreachable or done.found < batch:
            break
    return result


def send_batch(*, size: int = BATCH, deadline: datetime.datetime | None = None) -> SendResult:
    """Claim up to ``size`` due rows, send them over one connection, and let go of any left
    (all of them after ``deadline``)."""
    token = uuid.uuid4()
    now = timezone.now()
    due = OutboxEmail.objects.due(now)
    with transaction.atomic():
        # Rows another sender is claiming are skipped, and ours are locked until the UPDATE,
        # which claims them all at once. Its condition still guards a database without row
        # locks: a row another sender claimed in the meantime is no longer due.
        rows = list(due.order_by("send_after", "pk").select_for_update(skip_locked=True)[:size])
        claimed = due.filter(pk__in=[row.pk for row in rows]).update(
            claimed_until=now + LEASE, claimed_by=token
        )
    if not claimed:
        return SendResult()
    if claimed < len(rows):
        rows = list(
            OutboxEmail.objects.filter(pk__in=[row.pk for row in rows], claimed_by=token).order_by(
                "send_after", "pk"
            )
        )
    result = SendResult(found=claimed)
    kinds = {entry.name: entry for entry in KINDS}
    loaded = _prefetch(rows, kinds)
    renewed = timezone.now()
    connection = django_mail.mailers.default
    # Rows sent of the kinds that record in bulk, and rows with an outcome (no longer held).
    sent, done = [], 0
    try:
        for index, row in enumerate(rows):
            now = timezone.now()
            if deadline is not None and now >= deadline:
                break
            if now - renewed > RENEW_EVERY:
                if not _renew(token, rows[index:]):
                    break  # our lease lapsed and someone else holds the rest: leave them
                renewed = timezone.now()
            outcome = _send_one(connection, row, token, kinds, loaded.get(row.kind))
            if outcome == "unreachable":
                result.unreachable = True
                break
            setattr(result, outcome, getattr(result, outcome) + 1)
            done += 1
            if outcome == "sent" and "sent_many" in kinds[row.kind].details:
                sent.append(row.pk)
    finally:
        _close(connection)
        record_sent(kinds, pks=sent)
        if done < len(rows):
            # Whatever was not sent goes back, to wait for the next sweep.
            pause = OUTAGE_PAUSE if result.unreachable else datetime.timedelta(0)
            OutboxEmail.objects.filter(
                pk__in=[row.pk for row in rows],
                claimed_by=token,
                status=OutboxEmail.Status.QUEUED,
            ).update(
                claimed_until=None,
                claimed_by=None,
                send_after=timezone.now() + pause,
                **({"reason": UNREACHABLE} if result.unreachable else {}),
            )
    return result


def _renew(token, rows) -> bool:
    remaining = [row.pk for row in rows]
    renewed = OutboxEmail.objects.filter(
        pk__in=remaining, claimed_by=token, status=OutboxEmail.Status.QUEUED
    ).update(claimed_until=timezone.now() + LEASE)
    return renewed == len(remaining)


def _prefetch(rows: list[OutboxEmail], kinds: dict) -> dict:
    """What each kind with a ``prefetch`` loads for the whole batch at once: a week's updates
    are thousands of rows, and a few queries per email add up to minutes."""
    loaded = {}
    for name, entry in kinds.items():
        params = [row.params for row in rows if row.kind == name]
        if params and "prefetch" in entry.details:
            loaded[name] = entry.details["prefetch"](params)
    return loaded


def _send_one(connection, row: OutboxEmail, token, kinds: dict, loaded=None) -> str:
    """Build and send one row; its outcome: sent, retrying, failed, skipped or unreachable."""
    entry = kinds.get(row.kind)
    try:
        if entry is None:
            raise LookupError(f"no builder for outbox kind {row.kind!r}")
        if "prefetch" in entry.details:
            message = entry.function(row.params, loaded)
        else:
            message = entry.function(row.params)
    except NotToSendError as refusal:
        _finish(row, token, OutboxEmail.Status.SKIPPED, refusal.reason, entry, "failed")
        return "skipped"
    except Exception:  # a bug in building it: one row fails, the batch goes on
        logger.exception("outbox row %s (%s) could not be built", row.pk, row.kind)
        _finish(row, token, OutboxEmail.Status.FAILED, BROKEN, entry, "failed")
        return "failed"
    message.extra_headers["Message-ID"] = row.message_id
    for retry in (False, True):
        try:
            # Held open across the batch (the SMTP backend would otherwise open one per message).
            if getattr(connection, "connection", "not SMTP") is None:
                connection.open()
            connection.send_messages([message])
        except smtplib.SMTPServerDisconnected as error:
            _close(connection)
            if isinstance(error.__context__, TimeoutError):
                # No answer in time: the message may have gone. Later, as an attempt, so a
                # slow server can cost a family a repeat or two, never an endless stream.
                return _answered(row, token, entry, 451)
            # The server hung up (between messages or in this one): a new connection, and
            # this message again, costing no attempt. A second hang-up is an outage.
            if retry:
                return "unreachable"
            continue
        except ValueError:
            # An address the mail library cannot use (e.g. "Smith, Mere <…>" reads as two).
            logger.exception("outbox row %s has an address that cannot be used", row.pk)
            _finish(row, token, OutboxEmail.Status.FAILED, BAD_ADDRESS, entry, "failed")
            return "failed"
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            return _answered(row, token, entry, min(codes, default=550))
        except smtplib.SMTPResponseException as error:
            if isinstance(error, smtplib.SMTPConnectError):
                _close(connection)
                return "unreachable"
            return _answered(row, token, entry, error.smtp_code)
        except (OSError, smtplib.SMTPException):
            _close(connection)
            return "unreachable"
        else:
            _mark_sent(row, token, message, entry)
            return "sent"
    return "unreachable"  # pragma: no cover  the loop returns on its second pass


def _answered(row, token, entry, code: int) -> str:
    """The server said no: for good (5xx) or for now (4xx, retried with backoff)."""
    if code >= 500:
        _finish(row, token, OutboxEmail.Status.FAILED, REFUSED, entry, "failed")
        return "failed"
    if row.attempts + 1 >= MAX_ATTEMPTS:
        _finish(row, token, OutboxEmail.Status.FAILED, GAVE_UP, entry, "failed")
        return "failed"
    wait = datetime.timedelta(minutes=min(2**row.attempts, 60))
    OutboxEmail.objects.filter(pk=row.pk, claimed_by=token).update(
        attempts=F("attempts") + 1,
        send_after=timezone.now() + wait,
        claimed_until=None,
        claimed_by=None,
        reason=TRY_LATER,
    )
    return "retrying"


def _mark_sent(row, token, message, entry) -> None:
    now = timezone.now()
    if entry and "sent_many" in entry.details:
        # Committed at once, before the next email goes; the app hears of it with the rest
        # of the batch.
        _update_sent(row.pk, token, now, message, recorded=False)
        return
    with transaction.atomic():
        _update_sent(row.pk, token, now, message, recorded=True)
        if entry and "sent" in entry.details:
            entry.details["sent"](row.params, now)


def _update_sent(pk: int, token, now, message, *, recorded: bool) -> None:
    """The row marked sent, as held by ``token``. Written as SQL: it runs once per email, and
    the ORM took longer to build this statement than the database took to run it."""
    connection = connections[OutboxEmail.objects.db]
    field = OutboxEmail._meta.get_field
    with connection.cursor() as cursor:
        cursor.execute(
            _sent_sql(connection.alias, recorded),
            [
                field("sent_at").get_db_prep_save(now, connection),
                ", ".join(message.to)[:254],
                pk,
                field("claimed_by").get_db_prep_save(token, connection),
            ],
        )


@functools.cache
def _sent_sql(alias: str, recorded: bool) -> str:
    # The names are the model's own, quoted, and the two constants are ours; every value from
    # elsewhere is a parameter.
    quote = connections[alias].ops.quote_name
    c = {field.name: quote(field.column) for field in OutboxEmail._meta.concrete_fields}
    return (
        f"UPDATE {quote(OutboxEmail._meta.db_table)} SET {c['status']} = "  # noqa: S608
        f"'{OutboxEmail.Status.SENT.value}', {c['recorded']} = {'TRUE' if recorded else 'FALSE'}, "
        f"{c['sent_at']} = %s, {c['to']} = %s, {c['attempts']} = {c['attempts']} + 1, "
        f"{c['claimed_until']} = NULL, {c['reason']} = '' "
        f"WHERE {c['id']} = %s AND {c['claimed_by']} = %s"
    )


def record_sent(kinds: dict | None = None, pks: list[int] | None = None) -> int:
    """Tell the kinds that record in bulk (``sent_many(params_list)``) of their rows sent and
    not yet recorded: at the end of each batch (``pks``, the rows it sent), and at each sweep
    for a batch whose worker died before it could. Locked as they are read, so two senders
    never record a row twice; three queries, however many kinds."""
    kinds = kinds or {entry.name: entry for entry in KINDS}
    bulk = {name: entry for name, entry in kinds.items() if "sent_many" in entry.details}
    if not bulk or pks == []:
        return 0
    unrecorded = OutboxEmail.objects.filter(
        kind__in=list(bulk), recorded=False, status=OutboxEmail.Status.SENT
    )
    if pks is not None:
        unrecorded = unrecorded.filter(pk__in=pks)
    with transaction.atomic():
        rows = list(
            unrecorded.select_for_update(skip_locked=True).values_list(
                "pk", "kind", "params", "sent_at"
            )
        )
        if not rows:
            return 0
        for name, entry in bulk.items():
            sent = [(params, at) for _pk, kind, params, at in rows if kind == name]
            if sent:
                entry.details["sent_many"](sent)
        OutboxEmail.objects.filter(pk__in=[pk for pk, *_rest in rows]).update(recorded=True)
    return len(rows)


def _finish(row, token, status, reason, entry, hook) -> None:
    with transaction.atomic():
        OutboxEmail.objects.filter(pk=row.pk, claimed_by=token).update(
            status=status, reason=reason, claimed_until=None
        )
        if entry and hook in entry.details:
            entry.details[hook](row.params, reason)


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # closing a dead connection may fail in any way; it is gone either way
        logger.debug("closing the mail connection failed", exc_info=True)
        connection.connection = None
