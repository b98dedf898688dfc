"""Hostile values: what a forged form, an edited address or a broken client sends.

Each is a string as it arrives in a query string or a form field (or a file, for upload
fields). They are chosen by kind, so that a failing example says what went wrong: a number
that is not one, a date out of range, a control character, a ``next`` that leaves the site.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

from tests.factories import PNG
from tests.hostile.images import PNG_SIGNATURE, bomb_png

NUMBERS = [
    "0",
    "-1",
    "-0",
    "+7",
    " 7 ",
    "1.5",
    "1e3",
    "0x1f",
    "1_000",
    "NaN",
    "inf",
    "2147483648",  # past a 32-bit integer
    "9223372036854775808",  # past a 64-bit integer
    "-9223372036854775809",
    "9" * 40,
    "７",  # a full-width digit: int() reads it, "isdigit" says yes
    "²",  # "isdigit" says yes, int() says no
    "١٢",  # Arabic-Indic digits
]
DATES = [
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "99999-12-31",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "-2026-01-01",
    "2026-1-1",
    "20260101",
    "2026-W01-1",
    "2026-01-01T00:00",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-09-27T02:30",  # no such time in New Zealand: the clocks go forward
    "2026-04-05T02:30",  # twice in New Zealand: the clocks go back
    "24:00",
    "23:60",
    "-1:00",
    "99:99",
]
CONTROL = [
    "\x00",
    "a\x00b",
    "\x00" * 3,
    "\x01\x02\x1b\x1f",
    "\x7f",
    "\r\n",
    "line\nLocation: https://evil.example/",
    "\t",
    "\u2028",
    "\u202e",  # right-to-left override
    "\ufeff",
    "\ud7ff\ue000\U0010ffff",
]
NEXT = [
    "https://evil.example/",
    "http://evil.example/inbox/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    " //evil.example",
    "\x00//evil.example",
    "/\t/evil.example",
    "http:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/inbox/\r\nSet-Cookie: x=1",
    "/%2F%2Fevil.example",
    "/inbox/",
]
MARKUP = "<script>alert(1)</script>"
WORDS = [
    "",
    " ",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "on",
    MARKUP,
    "' OR 1=1 --",
    "%00",
    "%",
    "../../etc/passwd",
    "🙂",
    "Āwhina Ngāta",
    "ا" * 3,
]
LONG = ["a" * 10_000, "ā" * 3_000, "9" * 3_000, "\x00" * 1_000]
FIXED = NUMBERS + DATES + CONTROL + NEXT + WORDS + LONG


def _with_nul(text: str, more: str) -> str:
    return text + "\x00" + more


def scalars() -> st.SearchStrategy[str]:
    """One hostile string."""
    return st.one_of(
        st.sampled_from(FIXED),
        st.integers(-(2**80), 2**80).map(str),
        st.text(max_size=30),  # any character but a lone surrogate, control characters too
        st.builds(_with_nul, st.text(max_size=8), st.text(max_size=8)),
    )


def values(plausible: list) -> st.SearchStrategy:
    """A field's hostile value: one string, several (a list sends the name once for each),
    or a plausible value spoiled by what follows it."""
    choices = [scalars(), st.lists(scalars(), min_size=2, max_size=3)]
    if plausible:
        spoiled = st.builds(
            lambda value, tail: f"{value}{tail}",
            st.sampled_from([v for v in plausible if not isinstance(v, list)] or [""]),
            st.sampled_from(["\x00", " ", "x", "0" * 30, ".5", "-", MARKUP]),
        )
        choices.append(spoiled)
    return st.one_of(*choices)


NEXT_VALUES = st.sampled_from(NEXT)

URL_NUMBERS = [0, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30]


def url_numbers() -> st.SearchStrategy[int]:
    """Ids for an ``<int:…>`` in an address: the converter takes only digits."""
    return st.one_of(st.sampled_from(URL_NUMBERS), st.integers(0, 2**70))


def url_strings(forged: list[str]) -> st.SearchStrategy[str]:
    """Strings for a ``<str:…>`` in an address (anything without a slash)."""
    return st.one_of(
        st.sampled_from([*forged, "ABCD-2345", "a" * 2_000, "\x00", "..", "%", "é" * 50]),
        st.text(min_size=1, max_size=60).filter(lambda text: "/" not in text),
    )


# Files that are not what they say, by what is wrong with them (a failing example names it).
UPLOADS = {
    "empty": b"",
    "text": b"not a photo at all",
    "png signature only": PNG_SIGNATURE,
    "png signature and nothing": PNG_SIGNATURE + b"\x00" * 64,
    "png cut short": PNG[: len(PNG) // 2],
    "gif header only": b"GIF89a" + b"\xff" * 32,
    "webp header only": b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 32,
    "jpeg header only": b"\xff\xd8\xff\xe0" + b"\x00" * 32,
    "pdf signature only": b"%PDF-",
    "pdf of nothing": b"%PDF-1.4\n" + b"\x00" * 64,
    "decompression bomb": bomb_png(),
}
UPLOAD_NAMES = ["photo.png", "../../etc/passwd", "a\x00.png", "x" * 300 + ".png", "🙂.jpg"]


def _upload(kind: str, name: str, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, UPLOADS[kind], content_type=content_type)


def in_turn(choices: list, start: int) -> list:
    """``choices`` from the ``start``-th on, round to the beginning: hypothesis's simplest
    pick of them is then that one."""
    start %= len(choices)
    return choices[start:] + choices[:start]


def uploads(start: int = 0) -> st.SearchStrategy[SimpleUploadedFile]:
    """A file that is not what it says: cut short, mislabelled, or a decompression bomb."""
    return st.builds(
        _upload,
        st.sampled_from(in_turn(sorted(UPLOADS), start)),
        st.sampled_from(UPLOAD_NAMES),
        st.sampled_from(["image/png", "image/jpeg", "application/pdf", "text/html", ""]),
    )
