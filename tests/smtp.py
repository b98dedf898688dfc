"""A real SMTP server for tests, in this process, that records what it accepts and misbehaves
when told to: the locmem and file backends cannot show what a family would notice when the
mail server hangs up, says "try later", refuses an address, is slow, or goes away.

The ``smtp_server`` fixture runs one (aiosmtpd) on a free port of 127.0.0.1 and points Django's
default mailer at it for the test. A message counts as received once its data is in, before
the server answers: a real server delivers it even if the sender dies waiting for the "250",
which is the one window in which an email can arrive twice.
"""

import asyncio
import collections
import socket
import time
from dataclasses import dataclass
from email.parser import BytesHeaderParser

import pytest
from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    message_id: str
    recipients: tuple[str, ...]
    at: float  # time.monotonic() when its data was in


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """An SMTP server on 127.0.0.1 that does as it is told. Its aiosmtpd handler is itself."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.received: list[Received] = []
        self.hang_ups = 0
        self.went_away_at: float | None = None  # time.monotonic()
        self._refused: set[str] = set()
        self._try_later = 0
        self._delay = 0.0
        self._hang_up_at: int | None = None
        self._away_at: int | None = None
        self._controller: Controller | None = None

    def mailer(self, timeout: float = 5) -> dict:
        """Django's MAILERS entry for this server."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": timeout},
        }

    # What the test tells it to do.

    def refuse(self, address: str) -> None:
        """Answer 550 to this recipient from now on."""
        self._refused.add(address)

    def try_later(self, times: int) -> None:
        """Answer 451 to the next ``times`` messages."""
        self._try_later = times

    def hang_up_after(self, count: int) -> None:
        """Drop the connection once, straight after accepting ``count`` more messages."""
        self._hang_up_at = len(self.received) + count

    def go_away_after(self, count: int) -> None:
        """After accepting ``count`` more messages, stop listening and drop the connection:
        from then on nobody can connect, until ``stop()`` and ``start()`` bring it back."""
        self._away_at = len(self.received) + count

    def slow(self, seconds: float) -> None:
        """Wait this long after each message's data before answering it."""
        self._delay = seconds

    def start(self) -> None:
        """Listen (again, on the same port)."""
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        self.went_away_at = None

    def stop(self) -> None:
        """Go away: stop listening and drop every connection."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
            self.went_away_at = self.went_away_at or time.monotonic()

    def counts(self) -> collections.Counter:
        """How many times each Message-ID arrived."""
        return collections.Counter(message.message_id for message in self.received)

    # aiosmtpd's hooks, run in the server's thread.

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self._refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self._try_later:
            self._try_later -= 1
            return "451 4.3.0 Busy just now: try again later"
        headers = BytesHeaderParser().parsebytes(envelope.content)
        self.received.append(
            Received(headers["Message-ID"], tuple(envelope.rcpt_tos), time.monotonic())
        )
        if self._delay:
            await asyncio.sleep(self._delay)
        # The hang-up comes after the "250" below is written: the sender learns of it only at
        # its next command, as with a server that drops idle or over-long sessions.
        loop = asyncio.get_running_loop()
        if self._away_at is not None and len(self.received) >= self._away_at:
            self._away_at = None
            loop.call_soon(self._go_away, server.transport)
        elif self._hang_up_at is not None and len(self.received) >= self._hang_up_at:
            self._hang_up_at = None
            self.hang_ups += 1
            loop.call_soon(server.transport.close)
        return "250 2.0.0 Accepted"

    def _go_away(self, transport) -> None:
        self._controller.server.close()  # no more connections: they are refused
        transport.close()
        self.went_away_at = time.monotonic()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server for this test; Django's default mailer sends to it."""
    server = SMTPServer()
    server.start()
    settings.MAILERS = {"default": server.mailer()}
    yield server
    server.stop()
