"""``manage.py benchmark_weekly_send``: time the weekly send against its performance budget.

The budgets: 10,000 update emails composed and handed to the mail backend in under
60 seconds on 2 cores, and in under 1.2 times what a bare loop takes to hand the same
emails to the same backend. The command builds a fictional school of N students, each
with one whānau member and a submitted update for this week, then times the send as it
runs in production: ``sending.week_send`` writes the week to the outbox, and
``outbox.send_due`` composes and hands every email to the mail backend. After each of
its batches it times the bare loop (``bare_loop``) on that batch's emails, the floor for
what the outbox's safety costs. It rolls everything back afterwards (unless ``--keep``).
"""

import datetime
import email.policy
import time
from unittest import mock

from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from conversations.weekly import sending
from conversations.weekly.models import UpdateDelivery, WeeklyUpdate
from partnerships import outbox
from partnerships.mail import Composer
from partnerships.models import OutboxEmail, School, Student, WhanauLink, WhanauMember
from partnerships.models.outbox import new_message_id

SCHOOL_NAME = "Benchmark School"
BUDGET_SECONDS = 60.0
BUDGET_EMAILS = 10_000
# The send against a bare loop of the same emails: what the outbox's safety may cost.
BUDGET_RATIO = 1.2
BATCH_SIZE = 1000

FIRST_NAMES = ["Aroha", "Mere", "Tama", "Wiremu", "Hana", "Nikau", "Ruby", "Leo", "Mia", "Sione"]
LAST_NAMES = ["Ngata", "Smith", "Tūhoe", "Patel", "Walker", "Kereama", "Fale", "Brown", "Te Aho"]
LEARNED = [
    "I learned to add fractions with the same denominator, like 1/4 + 2/4 = 3/4.",
    "We read a chapter book about a taniwha and I found five describing words.",
    "I learned the names of the planets and which ones are gas giants.",
    "Ka ako au i ngā kupu mō ngā tae: whero, kākāriki, kōwhai, kikorangi.",
    "I learned how a paragraph needs a topic sentence and details that back it up.",
]
PROUD_OF = [
    "I read my whole story to the class without stopping.",
    "I helped a new kid find the library and showed them how to borrow.",
    "I kept trying with my times tables even when it was hard.",
    "I led our group's karakia on Monday morning.",
]
WORKING_ON = [
    "Remembering full stops and capital letters in my writing.",
    "Learning my 7 times table by heart.",
    "Asking a question when I am stuck instead of waiting.",
]
QUESTIONS = [
    "What was your favourite book when you were my age?",
    "Can you show me how you measure things when you cook?",
    "He aha tō kai tino pai?",
    "",
]


class SerialisingBackend(BaseEmailBackend):
    """Everything an SMTP backend does to a message short of the network: the bytes on the wire.

    Django's dummy backend only counts the messages, and never builds them as MIME.
    """

    messages = 0
    bytes = 0

    @classmethod
    def reset(cls) -> None:
        cls.messages = 0
        cls.bytes = 0

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            data = message.message(policy=email.policy.SMTP).as_bytes()
            type(self).messages += 1
            type(self).bytes += len(data)
            count += 1
        return count


BACKENDS = {
    "serialise": f"{__name__}.SerialisingBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


class QueryCounter:
    """Counts SQL statements. Unlike CaptureQueriesContext it has no 9,000-query log limit,
    and it doesn't switch on the debug cursor, whose SQL formatting would be timed too."""

    def __init__(self):
        self.count = 0
        self.paused = False

    def __call__(self, execute, sql, params, many, context):
        self.count += not self.paused
        return execute(sql, params, many, context)


def warm_up(school: School, week: datetime.date) -> None:
    """What a worker does once, not once per email, done before either timing: load the URL
    patterns, compile the templates, read each language's translations, import the email
    library's parts."""
    updates = WeeklyUpdate.objects.filter(student__school=school, week=week).select_related(
        "student__school", "goal"
    )
    links = {
        link.student_id: link
        for link in WhanauLink.objects.filter(student__school=school)
        .select_related("whanau")
        .order_by("pk")[:2]
    }
    for update in updates.filter(student_id__in=list(links)):
        link = links[update.student_id]
        delivery = UpdateDelivery(pk=0, update=update, whanau=link.whanau, link=link)
        sending.update_message(delivery).message(policy=email.policy.SMTP).as_bytes()


def bare_loop(pks: list[int]) -> int:
    """The floor the send is held to: the same emails with nothing around them.

    These deliveries read in one query, each email composed as the outbox's builder composes
    it (same templates, same per-reader content, a Message-ID of the same shape) and handed
    to the same mail backend over one connection; no outbox, claims or bookkeeping. Returns
    how many it handed over.
    """
    deliveries = (
        UpdateDelivery.objects.filter(pk__in=pks)
        .select_related("update__student__school", "update__goal", "whanau", "link")
        .order_by("pk")
    )
    emails = Composer(sending.UPDATE_TEMPLATE)
    backend = mail.mailers.default
    handed = 0
    try:
        for delivery in deliveries:
            message = sending.update_message(delivery, emails=emails)
            message.extra_headers["Message-ID"] = new_message_id()
            handed += backend.send_messages([message])
    finally:
        backend.close()
    return handed


class Interleaved:
    """The bare loop run after each of the send's batches, on the deliveries it sent: on a
    shared machine the two then meet the same load, where two runs a minute apart may not.
    Its time, queries and messages are kept apart from the send's."""

    def __init__(self, school: School, week: datetime.date, counter: QueryCounter):
        self.sent = UpdateDelivery.objects.filter(
            update__week=week, update__student__school=school, status=UpdateDelivery.Status.SENT
        )
        self.counter = counter
        self.seen: set[int] = set()
        self.seconds = self.aside = 0.0  # the bare loops' time; all the time they took
        self.messages = self.bytes = 0

    def after(self, send_batch):
        def batch_then_bare(**options):
            done = send_batch(**options)
            aside, self.counter.paused = time.perf_counter(), True
            try:
                new = sorted(set(self.sent.values_list("pk", flat=True)) - self.seen)
                self.seen.update(new)
                size = SerialisingBackend.bytes
                started = time.perf_counter()
                self.messages += bare_loop(new)
                self.seconds += time.perf_counter() - started
                self.bytes += SerialisingBackend.bytes - size
            finally:
                self.counter.paused = False
                self.aside += time.perf_counter() - aside
            return done

        return batch_then_bare


def build_school(emails: int) -> tuple[School, datetime.date]:
    """A fictional school: ``emails`` students, one whānau member and one ready update each."""
    school = School.objects.create(name=SCHOOL_NAME, updates_need_approval=False)
    week = school.week_of(timezone.now())
    now = timezone.now()
    students = Student.objects.bulk_create(
        (
            Student(
                school=school,
                first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                last_name=f"{LAST_NAMES[i % len(LAST_NAMES)]} {i}",
                year_level=1 + i % 8,
                start_date=datetime.date(2026, 2, 2),
            )
            for i in range(emails)
        ),
        batch_size=BATCH_SIZE,
    )
    members = WhanauMember.objects.bulk_create(
        (
            WhanauMember(
                school=school,
                user=None,
                name=f"{FIRST_NAMES[(i + 3) % len(FIRST_NAMES)]} {student.last_name}",
                email=f"bench{i}@bench.example",
                preferred_language="en" if i % 2 == 0 else "mi",
            )
            for i, student in enumerate(students)
        ),
        batch_size=BATCH_SIZE,
    )
    WhanauLink.objects.bulk_create(
        (
            WhanauLink(
                whanau=member,
                student=student,
                relationship=WhanauLink.Relationship.PARENT,
                has_access=True,
                receives_weekly_update=True,
            )
            for member, student in zip(members, students, strict=True)
        ),
        batch_size=BATCH_SIZE,
    )
    WeeklyUpdate.objects.bulk_create(
        (
            WeeklyUpdate(
                student=student,
                week=week,
                learned=LEARNED[i % len(LEARNED)],
                proud_of=PROUD_OF[i % len(PROUD_OF)],
                working_on=WORKING_ON[i % len(WORKING_ON)],
                question_for_home=QUESTIONS[i % len(QUESTIONS)],
                status=WeeklyUpdate.Status.SUBMITTED,
                submitted_at=now,
            )
            for i, student in enumerate(students)
        ),
        batch_size=BATCH_SIZE,
    )
    return school, week


class Command(BaseCommand):
    help = (
        "Performance budget for the weekly update: 10,000 update emails composed and handed to "
        "the mail backend in under 60 s on 2 cores (scaled: 60 s x N / 10,000), and in under "
        "1.2x a bare loop handing the same emails to the same backend. Builds a "
        "fictional school with N students, one whānau member and one submitted update each, "
        "times writing the week to the outbox and sending the outbox with an in-process mail "
        "backend (by default one that serialises every message to bytes, as SMTP would), "
        "counts its SQL queries, checks every delivery ended 'sent', times the bare loop (no "
        "outbox, claims or bookkeeping), and rolls it all back unless --keep. Exits 1 if "
        "over either budget. Never on a database real people use, nor "
        "with a worker running against it (it would share the sending)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--emails", type=int, default=BUDGET_EMAILS, help="Emails to send (default 10000)."
        )
        parser.add_argument(
            "--keep", action="store_true", help="Keep the fictional school instead of removing it."
        )
        parser.add_argument(
            "--backend",
            choices=sorted(BACKENDS),
            default="serialise",
            help="serialise (default): build each message's bytes as SMTP would; locmem: "
            "Django's test outbox (kept in memory, cleared afterwards); dummy: Django's dummy "
            "backend, which doesn't even build the MIME message.",
        )
        parser.add_argument(
            "--commit",
            action="store_true",
            help="Commit the fictional school first and run the send in autocommit, as a "
            "worker does (every UPDATE its own transaction); delete the school afterwards "
            "unless --keep. Without it everything runs in one transaction that is rolled back.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run under production settings too (a benchmark database, never a real one).",
        )

    def handle(
        self, *args, emails: int, keep: bool, backend: str, commit: bool, force: bool, **options
    ):
        if emails < 1:
            raise CommandError("--emails must be at least 1.")
        if settings.SETTINGS_MODULE.endswith(".production") and not force:
            raise CommandError(
                "benchmark_weekly_send writes thousands of fictional rows; it will not run "
                "under production settings without --force."
            )
        if OutboxEmail.objects.due(timezone.now()).exists():
            # Draining the outbox would hand them to the benchmark's mail backend, not people.
            raise CommandError(
                "The outbox has emails waiting to go to real people: benchmark_weekly_send "
                "sends the whole outbox, so run it on a database of its own."
            )
        if commit:
            with transaction.atomic():
                school, week = self._build(emails, backend)
            try:
                report = self._send(school, week, backend)
            finally:
                if not keep:
                    School.objects.filter(pk=school.pk).delete()
        else:
            with transaction.atomic():
                school, week = self._build(emails, backend)
                report = self._send(school, week, backend)
                if not keep:
                    transaction.set_rollback(True)
        self._report(report, emails=emails, keep=keep)

    # ------------------------------------------------------------------------------------

    def _build(self, emails: int, backend: str) -> tuple[School, datetime.date]:
        started = time.perf_counter()
        school, week = build_school(emails)
        self.stdout.write(
            f"{connection.vendor}: built {emails} students, whānau and updates "
            f"in {time.perf_counter() - started:.1f} s; mail backend: {backend}"
        )
        return school, week

    def _send(self, school: School, week: datetime.date, backend: str) -> dict:
        SerialisingBackend.reset()
        outbox_before = len(getattr(mail, "outbox", []))
        counter = QueryCounter()
        mailers = {"default": {"BACKEND": BACKENDS[backend]}}
        # DEBUG off as in production: no debug cursor logging every query.
        with override_settings(MAILERS=mailers, DEBUG=False):
            warm_up(school, week)
            bare = Interleaved(school, week, counter)
            with (
                connection.execute_wrapper(counter),
                mock.patch.object(outbox, "send_batch", bare.after(outbox.send_batch)),
            ):
                started = time.perf_counter()
                sending.week_send(school_id=school.pk, week=week)
                result = outbox.send_due()
                elapsed = time.perf_counter() - started - bare.aside
            handed, sent_bytes = self._handed(backend, outbox_before, result.sent)
        deliveries = UpdateDelivery.objects.filter(
            update__week=week, update__student__school=school
        )
        return {
            "school_id": school.pk,
            "elapsed": elapsed,
            "bare": bare.seconds,
            "queries": counter.count,
            "result": result,
            "handed": handed - (bare.messages if backend != "dummy" else 0),
            "bytes": sent_bytes - bare.bytes,
            "bare_handed": bare.messages,
            "deliveries": deliveries.count(),
            "sent": deliveries.filter(status=UpdateDelivery.Status.SENT).count(),
        }

    @staticmethod
    def _handed(backend: str, outbox_before: int, sent: int) -> tuple[int, int]:
        """Messages and bytes that reached the backend since it was last reset."""
        if backend == "serialise":
            return SerialisingBackend.messages, SerialisingBackend.bytes
        if backend == "locmem":
            handed = len(mail.outbox) - outbox_before
            del mail.outbox[outbox_before:]  # 10,000 deep copies: free them now
            return handed, 0
        return sent, 0

    def _report(self, report: dict, *, emails: int, keep: bool) -> None:
        elapsed, queries, bare = report["elapsed"], report["queries"], report["bare"]
        budget = BUDGET_SECONDS * emails / BUDGET_EMAILS
        over = elapsed > budget
        ratio = elapsed / bare if bare else float("inf")
        slow = ratio >= BUDGET_RATIO
        verdict = self.style.ERROR("OVER BUDGET") if over else self.style.SUCCESS("OK")
        self.stdout.write(
            f"{emails} emails in {elapsed:.1f} s ({emails / elapsed:.0f} emails/s), "
            f"{queries} queries ({queries / emails:.2f} per email); "
            f"budget: {budget:g} s — {verdict}"
        )
        verdict = self.style.ERROR("OVER BUDGET") if slow else self.style.SUCCESS("OK")
        self.stdout.write(
            f"bare loop (the same emails to the same backend, no outbox): {bare:.1f} s; "
            f"the send took {ratio:.2f}x the bare loop; budget: under {BUDGET_RATIO:g}x — "
            f"{verdict}"
        )
        if report["bytes"]:
            self.stdout.write(
                f"{report['bytes'] / report['handed'] / 1024:.1f} KiB per message serialised"
            )
        if keep:
            self.stdout.write(f"Kept “{SCHOOL_NAME}” (id {report['school_id']}).")
        problems = []
        if report["deliveries"] != emails:
            problems.append(f"{report['deliveries']} delivery rows, expected {emails}")
        if report["sent"] != emails:
            problems.append(f"{report['sent']} of {emails} deliveries sent")
        if report["handed"] != emails:
            problems.append(f"{report['handed']} of {emails} messages reached the mail backend")
        if report["bare_handed"] != report["handed"]:
            problems.append(f"the bare loop handed {report['bare_handed']} messages")
        if report["result"].failed:
            problems.append(f"{report['result'].failed} sends failed")
        if report["result"].skipped:
            problems.append(f"{report['result'].skipped} emails were no longer to send")
        for problem in problems:
            self.stderr.write(self.style.ERROR(f"Error: {problem}"))
        if problems:
            raise CommandError("The send did not deliver every email exactly once.")
        if over:
            raise CommandError(f"Over budget: {elapsed:.1f} s > {budget:g} s.")
        if slow:
            raise CommandError(
                f"Over budget: the send took {ratio:.2f}x the bare loop (limit {BUDGET_RATIO:g}x)."
            )
