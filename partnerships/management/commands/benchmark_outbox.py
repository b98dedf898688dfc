"""``manage.py benchmark_outbox``: N emails through the outbox to a real SMTP server that hangs
up and goes away, counted at the server: how many were sent, lost, and received twice.

It writes N outbox rows of its own kind (``benchmark``: a multipart email the size and shape
of a weekly update, composed by ``partnerships.mail.compose`` from
``templates/partnerships/email/benchmark_update_*`` out of the row's plain data, so it needs
no school), then sweeps as the beat sweep does until none is left. The SMTP server is the
test suite's fault server (``tests/smtp.py``, aiosmtpd) in this process: it hangs up once
after ``--hangup-after`` messages, and goes away after ``--outage-after`` for
``--outage-seconds``.

It runs in autocommit, as a worker does (each claim, renewal and "sent" its own commit), on
rows of its own that it deletes at the end (``--keep`` keeps them); so it refuses to start
while other emails are due, which its sweep would take. Run it with no worker on the same
database. aiosmtpd is a development dependency (requirements-dev.txt).
"""

import datetime
import logging
import time
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from partnerships import mail, outbox
from partnerships.models import OutboxEmail

KIND = "benchmark"
KEY_PREFIX = "benchmark-outbox:"

NAMES = ["Aroha", "Mere", "Tama", "Wiremu", "Hana", "Nikau", "Ruby", "Leo", "Mia", "Sione"]
LEARNED = [
    "I learned to add fractions with the same denominator, like 1/4 + 2/4 = 3/4.",
    "We read a chapter book about a taniwha and I found five describing words.",
    "Ka ako au i ngā kupu mō ngā tae: whero, kākāriki, kōwhai, kikorangi.",
]
PROUD_OF = [
    "I read my whole story to the class without stopping.",
    "I kept trying with my times tables even when it was hard.",
]
WORKING_ON = [
    "Remembering full stops and capital letters in my writing.",
    "Asking a question when I am stuck instead of waiting.",
]
QUESTIONS = ["What was your favourite book when you were my age?", "He aha tō kai tino pai?", ""]


@outbox.KINDS.register(KIND)
def benchmark_email(params: dict):
    """The benchmark's email: everything it says is in the row."""
    return mail.compose(
        template="partnerships/email/benchmark_update",
        to=params["to"],
        language=params["language"],
        context=params,
    )


def benchmark_params(i: int) -> dict:
    name = NAMES[i % len(NAMES)]
    return {
        "to": f"whanau{i}@bench.example",
        "language": "en" if i % 2 == 0 else "mi",
        "whanau_name": f"{NAMES[(i + 3) % len(NAMES)]} {i}",
        "student_name": f"{name} {i}",
        "learned": LEARNED[i % len(LEARNED)],
        "proud_of": PROUD_OF[i % len(PROUD_OF)],
        "working_on": WORKING_ON[i % len(WORKING_ON)],
        "question": QUESTIONS[i % len(QUESTIONS)],
        "school_name": "Benchmark School",
        "read_url": f"{settings.SITE_URL}/weekly/{i}/",
        "unsubscribe_url": f"{settings.SITE_URL}/unsubscribe/{uuid.uuid4().hex}/",
    }


class Command(BaseCommand):
    help = (
        "Nothing lost, nothing twice: sends N outbox emails to a local SMTP server (aiosmtpd, "
        "in this process) that hangs up once and goes away for a while, sweeping as beat "
        "does, and reports the emails sent, lost and received twice (by Message-ID), the time "
        "to recover after the outage, and emails/s. Works in autocommit on rows of its own, "
        "deleted at the end unless --keep. Exits 1 if any email was lost or arrived twice. "
        "Never on a database real people use."
    )

    def add_arguments(self, parser):
        parser.add_argument("--emails", type=int, default=10_000, help="Default 10000.")
        parser.add_argument(
            "--hangup-after",
            type=int,
            default=3000,
            help="The server drops the connection once after this many messages (0: never).",
        )
        parser.add_argument(
            "--outage-seconds",
            type=float,
            default=20,
            help="How long the server is away (0: it never goes away). Default 20.",
        )
        parser.add_argument(
            "--outage-after",
            type=int,
            help="The server goes away after this many messages (default: half the emails).",
        )
        parser.add_argument(
            "--pause-seconds",
            type=float,
            default=5,
            help="Shortens the outbox's pause after an outage (outbox.OUTAGE_PAUSE, a minute "
            "in production) to this, for this run only. Default 5.",
        )
        parser.add_argument(
            "--sweep-seconds",
            type=float,
            default=1,
            help="How often the sweep runs while emails wait (beat: every minute). Default 1.",
        )
        parser.add_argument("--keep", action="store_true", help="Keep the rows afterwards.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run under production settings too (a benchmark database, never a real one).",
        )

    def handle(self, *args, **options):
        emails = options["emails"]
        if emails < 1:
            raise CommandError("--emails must be at least 1.")
        if settings.SETTINGS_MODULE.endswith(".production") and not options["force"]:
            raise CommandError(
                "benchmark_outbox writes and sends thousands of fictional emails; it will not "
                "run under production settings without --force."
            )
        try:
            from tests.smtp import SMTPServer
        except ImportError as error:
            raise CommandError(
                f"benchmark_outbox needs the development dependencies ({error.name} is "
                "missing): pip install -r requirements-dev.txt"
            ) from error
        due = OutboxEmail.objects.due(timezone.now()).count()
        if due:
            raise CommandError(
                f"{due} emails are waiting to be sent in this database, and the benchmark's "
                "sweep would send them to its own server: run it on a database of its own."
            )
        options["outage_after"] = options["outage_after"] or emails // 2

        server = SMTPServer()
        prefix = f"{KEY_PREFIX}{uuid.uuid4().hex[:8]}:"  # this run's rows, and only those
        rows = OutboxEmail.objects.filter(key__startswith=prefix)
        pause, outbox.OUTAGE_PAUSE = (
            outbox.OUTAGE_PAUSE,
            datetime.timedelta(seconds=options["pause_seconds"]),
        )
        smtp_log = logging.getLogger("mail.log")  # aiosmtpd's: a line per command
        smtp_level = smtp_log.level
        smtp_log.setLevel(logging.WARNING)
        server.start()
        try:
            # DEBUG off as in production: no debug cursor logging every query.
            with override_settings(MAILERS={"default": server.mailer(timeout=10)}, DEBUG=False):
                self._write(prefix, emails)
                report = self._sweep(server, rows, options)
        finally:
            server.stop()
            outbox.OUTAGE_PAUSE = pause
            smtp_log.setLevel(smtp_level)
            if not options["keep"]:
                rows.delete()
        self._report(report, rows_kept=options["keep"], options=options, pause=pause)

    def _write(self, prefix: str, emails: int) -> None:
        """The rows, written without a nudge, so no worker races the benchmark's sweep."""
        started = time.perf_counter()
        now = timezone.now()
        OutboxEmail.objects.bulk_create(
            (
                OutboxEmail(
                    kind=KIND, key=f"{prefix}{i}", params=benchmark_params(i), send_after=now
                )
                for i in range(emails)
            ),
            batch_size=1000,
        )
        self.stdout.write(
            f"{connection.vendor}: wrote {emails} outbox rows in "
            f"{time.perf_counter() - started:.1f} s"
        )

    def _sweep(self, server, rows, options: dict) -> dict:
        """Sweep until every row is sent (or it is clearly stuck), bringing the server back
        once its outage has lasted long enough."""
        emails, outage = options["emails"], options["outage_seconds"]
        if options["hangup_after"]:
            server.hang_up_after(options["hangup_after"])
        if outage:
            server.go_away_after(options["outage_after"])
        started = time.monotonic()
        give_up = started + outage + options["pause_seconds"] + 120 + emails / 50
        away_at = back_at = None
        unreachable = 0
        while True:
            result = outbox.send_due()
            unreachable += result.unreachable
            if back_at is None and server.went_away_at is not None:
                away_at = server.went_away_at
                wait = away_at + outage - time.monotonic()
                if wait <= 0:
                    server.stop()
                    server.start()  # on the same port
                    back_at = time.monotonic()
                    continue
            if not rows.filter(status=OutboxEmail.Status.QUEUED).exists():
                break
            if time.monotonic() > give_up:
                self.stderr.write(self.style.ERROR("Gave up waiting for the last emails."))
                break
            wait = options["sweep_seconds"]
            if back_at is None and away_at is not None:
                wait = min(wait, max(0.0, away_at + outage - time.monotonic()))
            time.sleep(wait)
        elapsed = time.monotonic() - started
        counts = server.counts()
        message_ids = set(rows.values_list("message_id", flat=True))
        after_outage = sorted(m.at for m in server.received if back_at and m.at >= back_at)
        return {
            "elapsed": elapsed,
            "emails": emails,
            "sent": rows.filter(status=OutboxEmail.Status.SENT).count(),
            "lost": rows.exclude(status=OutboxEmail.Status.SENT).count(),
            "failed": rows.filter(status=OutboxEmail.Status.FAILED).count(),
            "not_arrived": len(message_ids - set(counts)),
            "strangers": len(set(counts) - message_ids),
            "duplicated": sum(1 for count in counts.values() if count > 1),
            "hang_ups": server.hang_ups,
            "away": (back_at - away_at) if back_at else None,
            "unreachable_sweeps": unreachable,
            "recovered": (after_outage[0] - back_at) if after_outage else None,
            "caught_up": (after_outage[-1] - back_at) if after_outage else None,
        }

    def _report(self, report: dict, *, rows_kept: bool, options: dict, pause) -> None:
        emails, elapsed = report["emails"], report["elapsed"]
        faults = [
            f"hung up {report['hang_ups']}x (asked: after {options['hangup_after']})"
            if options["hangup_after"]
            else "no hang-up",
            f"away {report['away']:.1f} s after {options['outage_after']} "
            f"({report['unreachable_sweeps']} sweeps met the outage)"
            if report["away"] is not None
            else "no outage",
            f"outbox pause {options['pause_seconds']:g} s (shortened from "
            f"{pause.total_seconds():g} s for this run), a sweep every "
            f"{options['sweep_seconds']:g} s while emails wait",
        ]
        self.stdout.write("faults: " + "; ".join(faults))
        self.stdout.write(
            f"sent {report['sent']} of {emails}, lost {report['lost']}, "
            f"duplicated {report['duplicated']} (Message-IDs received more than once), "
            f"failed {report['failed']}"
        )
        if report["recovered"] is not None:
            self.stdout.write(
                f"recovered {report['recovered']:.2f} s after the server came back (first "
                f"email accepted); all caught up {report['caught_up']:.2f} s after"
            )
        outside = elapsed - (report["away"] or 0)
        self.stdout.write(
            f"{emails} emails in {elapsed:.1f} s: {emails / elapsed:.0f} emails/s overall, "
            f"{emails / outside:.0f} emails/s outside the outage"
        )
        if rows_kept:
            self.stdout.write(f"Kept the rows (kind {KIND!r}, keys {KEY_PREFIX}…).")
        problems = []
        if report["lost"]:
            problems.append(f"{report['lost']} emails not sent at the end")
        if report["not_arrived"]:
            problems.append(f"{report['not_arrived']} emails never reached the server")
        if report["duplicated"]:
            problems.append(f"{report['duplicated']} emails reached the server more than once")
        if report["strangers"]:
            problems.append(f"{report['strangers']} messages the benchmark did not write")
        for problem in problems:
            self.stderr.write(self.style.ERROR(f"Error: {problem}"))
        if problems:
            raise CommandError("The outbox did not deliver every email exactly once.")
