"""``manage.py benchmark_rush``: a round opens and 200 families book in the same minute.

The budget (issue 16): every request of the rush (the booking page, Book, and the bookings page
it leads to) with a p95 under 300 ms, no errors, and no time booked twice. The command opens a
round of its own in the demo school (a few classes, an evening of times for each teacher),
serves the app with gunicorn as the Dockerfile does, and sends the families in at moments
spread over the minute, each racing for one of the first free times. The round, its bookings
and the mail they wrote are removed afterwards. Exits 1 if the rush is over budget.
"""

import random
import secrets
import statistics
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from conversations.models import Booking
from partnerships.models import OutboxEmail
from reports.bench import rush, serve
from reports.bench.pages import MissingDataError, demo_school
from reports.bench.seeding import seed

P95_BUDGET_MS = 300.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Command(BaseCommand):
    help = (
        "The booking rush: N families (200) book conversation times in the same minute; every "
        "request's p95 under 300 ms, no errors, no time booked twice. Serves the app with "
        "gunicorn under the production settings on 127.0.0.1. Needs a local PostgreSQL "
        "(DATABASE_URL). Demo data: never on a real database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, default=200, help="Families (default 200).")
        parser.add_argument(
            "--seconds",
            type=float,
            default=60.0,
            help="They arrive over this many seconds (default 60: the same minute).",
        )
        parser.add_argument(
            "--classes", type=int, default=8, help="Classes in the round (default 8)."
        )
        parser.add_argument("--seed", type=int, default=16, help="Random seed (default 16).")
        serve.add_arguments(parser, port=8766)

    def handle(self, *args, **options):
        if options["families"] < 1 or options["seconds"] < 0 or options["classes"] < 1:
            raise CommandError("--families and --classes must be at least 1, --seconds 0 or more.")
        serve.refuse_to_run("benchmark_rush", force=options["force"], wrk=False)
        if not options["skip_seed"]:
            seed(1, 1500, self.stdout.write)
        try:
            school = demo_school()
        except MissingDataError as error:
            raise CommandError(f"{error} (run without --skip-seed)") from error
        mail_before = OutboxEmail.objects.order_by("-pk").values_list("pk", flat=True).first()
        with transaction.atomic():
            conversation_round, families = rush.open_rush(school, classes=options["classes"])
        try:
            result = self._rush(conversation_round, families[: options["families"]], options)
            doubled = rush.double_bookings(conversation_round)
            held = Booking.objects.active().filter(slot__round=conversation_round).count()
        finally:
            rush.close_rush(conversation_round)
            OutboxEmail.objects.filter(pk__gt=mail_before or 0).delete()
        self._report(result, doubled, held)

    def _rush(self, conversation_round, families, options) -> rush.Result:
        if len(families) < options["families"]:
            self.stderr.write(
                f"Only {len(families)} families have a child in {options['classes']} classes: "
                "pass more --classes for more."
            )
        slots = conversation_round.slots.count()
        self.stdout.write(
            f"{len(families)} families, {slots} times in {options['classes']} classes, "
            f"arriving over {options['seconds']:g} s."
        )
        secret_key = secrets.token_urlsafe(50)
        sessions = [serve.signed_in_session(user, secret_key) for user in families]
        path = reverse("round_book", args=[conversation_round.pk])
        rng = random.Random(options["seed"])  # noqa: S311  arrival times, not secrets
        result = rush.Result()
        try:
            with serve.serving(options["port"], secret_key) as server:
                server.check(path, serve.cookie_for(sessions[0]))
                start = time.monotonic() + 1
                threads = []
                for key in sessions:
                    arrival = start + rng.uniform(0, options["seconds"])
                    family = random.Random(rng.random())  # noqa: S311
                    threads.append(
                        threading.Thread(
                            target=self._visit,
                            args=(server, path, serve.cookie_for(key), result, family, arrival),
                        )
                    )
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                if result.errors:
                    self.stderr.write(f"The server's log:\n{server.log.read_text()[-3000:]}")
        finally:
            serve.forget_sessions(sessions)
        return result

    @staticmethod
    def _visit(server, path, cookie, result, rng, arrival):
        time.sleep(max(0.0, arrival - time.monotonic()))
        try:
            rush.family_books(server, path, cookie, result, rng, think=lambda: rng.uniform(1, 3))
        except OSError as error:
            with result.lock:
                result.errors.append(f"{path}: {error}")

    def _report(self, result: rush.Result, doubled: int, held: int) -> None:
        every = [ms for timings in result.timings.values() for ms in timings]
        if not every:
            raise CommandError("No request was answered.")
        self.stdout.write(f"{'request':<14}  {'n':>5}  {'p50 ms':>7}  {'p95 ms':>7}  {'max ms':>7}")
        for kind, timings in [*result.timings.items(), ("all", every)]:
            self.stdout.write(
                f"{kind:<14}  {len(timings):>5}  {statistics.median(timings):>7.1f}  "
                f"{percentile(timings, 0.95):>7.1f}  {max(timings):>7.1f}"
            )
        self.stdout.write(
            f"Booked: {result.booked} (the database holds {held}); gave up with no free time: "
            f"{result.gave_up}; errors: {len(result.errors)}; times booked twice: {doubled}."
        )
        for error in result.errors[:10]:
            self.stderr.write(error)
        broken = []
        if percentile(every, 0.95) >= P95_BUDGET_MS:
            broken.append(f"p95 ≥ {P95_BUDGET_MS:g} ms")
        if result.errors:
            broken.append(f"{len(result.errors)} errors")
        if doubled or held != result.booked:
            broken.append("bookings do not match what families were told")
        if broken:
            raise CommandError(f"Over budget: {'; '.join(broken)}")
        self.stdout.write(self.style.SUCCESS("Within budget."))
