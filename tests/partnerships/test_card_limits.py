"""Card sign-in limits: per address, card, school and everywhere; the QR code's key; the
client's address behind trusted proxies (partnerships/cards.py has the design)."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.test import RequestFactory
from django.urls import reverse

from partnerships import cards
from partnerships.models import CARD_ALPHABET, SignInCard
from tests import factories
from tests.partnerships.test_redis_down import redis_down  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

CARD_URL = "/card/"


def _card(school, code: str) -> SignInCard:
    """A live card with ``code`` for a new student of ``school`` who can sign in."""
    user = factories.UserFactory(email=None, password=None)
    student = factories.StudentFactory(school=school, user=user)
    return SignInCard.objects.create(student=student, code=code)


def _try(client, code: str, address: str = "10.0.0.1", **data):
    """One typed attempt from ``address``; the client is signed out again after a success."""
    response = client.post(CARD_URL, {"code": code, **data}, REMOTE_ADDR=address)
    signed_in = response.status_code == 302
    if signed_in:
        client.logout()
    return signed_in, response


def _refused(response) -> bool:
    return response.status_code == 200 and "Too many tries" in response.content.decode()


@pytest.fixture
def kowhai(world):
    """The world's school with two cards: ABCD-2345 and WXYZ-6789."""
    return _card(world.school, "ABCD2345"), _card(world.school, "WXYZ6789")


@pytest.fixture(autouse=True)
def _still_clock():
    """Counted windows are the clock's: held still, a slow machine cannot let a minute turn
    mid-test (tests that travel on move it themselves)."""
    with time_machine.travel(datetime.datetime(2027, 3, 1, 8, tzinfo=datetime.UTC), tick=False):
        yield


def test_sign_ins_that_work_are_not_counted(client, kowhai):
    """Twenty good sign-ins from one address in a minute leave the limits untouched."""
    card, _ = kowhai
    assert all(_try(client, card.code)[0] for _ in range(20))
    _, response = _try(client, "ZZZZ2345")
    assert "doesn’t match a card" in response.content.decode()


def test_one_address_is_held_back_not_the_others(client, kowhai):
    """Ten wrong codes from one address refuse it for a while; another address goes on."""
    card, _ = kowhai
    for _ in range(10):
        _try(client, "ZZZZ2345", "10.0.0.1")
    signed_in, response = _try(client, card.code, "10.0.0.1")
    assert not signed_in
    assert _refused(response)
    assert _try(client, card.code, "10.0.0.2")[0]


def test_address_limit_passes(client, kowhai):
    """The per-minute limit of an address is over after two minutes (the hour's still holds)."""
    card, _ = kowhai
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        for _ in range(10):
            _try(client, "ZZZZ2345")
        assert _refused(_try(client, card.code)[1])
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, 2, tzinfo=datetime.UTC)):
        assert _try(client, card.code)[0]


def test_a_card_is_held_back_after_ten_wrong_endings_in_a_day(client, kowhai):
    """Wrong codes starting like a card count against it, from any address: after ten its
    typed code waits, saying why; the school's other cards are not held back; a day later
    it works again."""
    card, other = kowhai
    start = datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for n in range(10):
            _try(client, f"ABCDZZZ{CARD_ALPHABET[n]}", f"10.0.1.{n}")
        signed_in, response = _try(client, card.code, "10.0.2.1")
        assert not signed_in
        assert _refused(response)
        assert "Scan the QR code on your card" in response.content.decode()
        assert _try(client, other.code, "10.0.2.2")[0]
    with time_machine.travel(start + datetime.timedelta(days=2)):
        assert _try(client, card.code, "10.0.2.3")[0]


def test_a_school_is_held_back_when_its_cards_are_tried_too_often(client, world, settings):
    """Failures meant for any of a school's cards count against the school; once it has had
    its day's worth, its typed codes wait, and another school's cards are not affected."""
    settings.CARD_SIGN_IN_LIMITS = {"school": ((3, 24 * 60 * 60),)}
    first = _card(world.school, "ABCD2345")
    second = _card(world.school, "EFGH2345")
    elsewhere = _card(world.other_school, "JKMN2345")
    for n, prefix in enumerate(["ABCD", "EFGH", "ABCD"]):
        _try(client, f"{prefix}ZZZZ", f"10.0.3.{n}")
    assert _refused(_try(client, second.code, "10.0.4.1")[1])
    assert _refused(_try(client, first.code, "10.0.4.2")[1])
    assert _try(client, elsewhere.code, "10.0.4.3")[0]


def test_a_held_back_card_spares_its_school(client, world, settings):
    """Tries at a card already held back are refused before they count against its school."""
    settings.CARD_SIGN_IN_LIMITS = {"card": ((2, 3600),), "school": ((3, 3600),)}
    card = _card(world.school, "ABCD2345")
    other = _card(world.school, "EFGH2345")
    for n in range(6):
        _try(client, "ABCDZZZZ", f"10.0.5.{n}")
    assert _refused(_try(client, card.code, "10.0.6.1")[1])
    assert _try(client, other.code, "10.0.6.2")[0]


def test_everywhere_limit_holds_for_many_addresses(client, kowhai, settings):
    """Wrong codes from many addresses share one budget for the whole site."""
    settings.CARD_SIGN_IN_LIMITS = {"everywhere": ((5, 3600),)}
    card, _ = kowhai
    for n in range(5):
        _try(client, "ZZZZ2345", f"10.0.7.{n}")
    assert _refused(_try(client, card.code, "10.0.8.1")[1])


def test_qr_code_with_its_key_is_never_held_back(client, kowhai, settings):
    """A scan carries the card's long key: it signs in even while typed codes wait."""
    settings.CARD_SIGN_IN_LIMITS = {"everywhere": ((1, 3600),)}
    card, _ = kowhai
    _try(client, "ZZZZ2345", "10.0.9.1")
    assert _refused(_try(client, card.code, "10.0.9.2")[1])
    assert _try(client, card.code, "10.0.9.2", key=card.qr_key)[0]


def test_qr_code_with_a_wrong_key_is_a_typed_code(client, kowhai, settings):
    """A key that does not match is ignored: the code alone is judged, under the limits."""
    card, _ = kowhai
    assert _try(client, card.code, key="x" * 22)[0]
    settings.CARD_SIGN_IN_LIMITS = {"everywhere": ((1, 3600),)}
    _try(client, "ZZZZ2345")
    assert _refused(_try(client, card.code, "10.0.9.3", key="x" * 22)[1])


def test_the_qr_link_carries_the_key_into_the_form(client, kowhai):
    """The link printed as the card's QR code fills in the code and, hidden, the key."""
    card, _ = kowhai
    assert card.qr_path == f"/card/{card.code}/?key={card.qr_key}"
    content = client.get(card.qr_path).content.decode()
    assert f'name="key" value="{card.qr_key}"' in content
    assert f'value="{card.code}"' in content


def test_odd_keys_are_ignored(client, kowhai):
    """Whatever a link or form says the key is, it is a key or nothing: never an error.
    (A NUL in a link's query string is refused before any page: partnerships.middleware.)"""
    card, _ = kowhai
    for key in ["", "short", "<script>", "a\x00" * 20, "k" * 500]:
        assert cards.clean_key(key) == ""
        if "\x00" not in key:
            response = client.get(f"/card/{card.code}/", {"key": key})
            assert response.status_code == 200
            assert 'type="hidden" name="key" id="id_key">' in response.content.decode()
        signed_in, response = _try(client, card.code, key=key)
        assert signed_in, key


def test_each_card_has_its_own_key(kowhai):
    """Keys are long, random and the card's own, including those given to cards already
    printed when keys came in."""
    card, other = kowhai
    assert len(card.qr_key) == 22
    assert card.qr_key != other.qr_key
    SignInCard.objects.update(qr_key="")
    migration = importlib.import_module("partnerships.migrations.0011_sign_in_hardening")
    migration.give_each_card_its_key(apps, None)
    keys = set(SignInCard.objects.values_list("qr_key", flat=True))
    assert len(keys) == 2
    assert all(len(key) == 22 for key in keys)


def test_the_limits_make_guessing_take_years():
    """The arithmetic of partnerships/cards.py, for the limits in force."""
    codes, halves = 31**8, 31**4
    school_per_day = min(count * 86400 / seconds for count, seconds in cards._limits("school"))
    everywhere_per_hour = min(
        count * 3600 / seconds for count, seconds in cards._limits("everywhere")
    )
    year = 365
    # Any card of a school, whatever the number of addresses: each guess that can work
    # counts against the school and is right once in 31**4.
    assert halves / school_per_day / year > 10
    # Blind guessing at the site's rate, a school of 1,500 cards: S / (N · r) hours.
    assert codes / (1500 * everywhere_per_hour) / 24 / year > 20


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, None, "203.0.113.9"),
        (0, "198.51.100.7", "203.0.113.9"),  # a header anyone can write is ignored
        (1, None, "203.0.113.9"),
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the right-most: added by our proxy
        (2, "6.6.6.6, 198.51.100.7, 10.1.1.1", "198.51.100.7"),
    ],
)
def test_client_address_trusts_only_our_proxies(settings, trusted, forwarded, expected):
    """X-Forwarded-For counts only behind the configured number of proxies, and then only the
    address our nearest untrusted hop gave, not anything a client wrote before it."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = trusted
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().post(CARD_URL, REMOTE_ADDR="203.0.113.9", **headers)
    assert cards.client_address(request) == expected


def test_an_ipv6_home_is_one_address(rf):
    """Addresses of one IPv6 /64 network (one home or school) are limited as one."""
    request = rf.post(CARD_URL, REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    assert cards.client_address(request) == "2001:db8:1:2::"


def test_forged_forwarded_for_does_not_escape_the_address_limit(client, kowhai, settings):
    """Behind one proxy, a client writing its own X-Forwarded-For is still itself."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    card, _ = kowhai
    for n in range(10):
        client.post(
            CARD_URL,
            {"code": "ZZZZ2345"},
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 198.51.100.7",
        )
    response = client.post(
        CARD_URL,
        {"code": card.code},
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_FORWARDED_FOR="5.5.5.5, 198.51.100.7",
    )
    assert _refused(response)
    response = client.post(
        CARD_URL, {"code": card.code}, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert response.status_code == 302


def test_card_limits_hold_with_redis_down(client, kowhai, redis_down):  # noqa: F811
    """With Redis down the counts are kept in the database's cache: the limits still hold."""
    card, _ = kowhai
    for _ in range(10):
        _try(client, "ZZZZ2345")
    assert _refused(_try(client, card.code)[1])


def test_the_printed_card_leads_to_the_link_with_the_key(client, world, monkeypatch):
    """The QR code on the card page a teacher prints is the sign-in link with the key."""
    from partnerships.views import students

    made = []
    real_make = students.segno.make
    monkeypatch.setattr(
        students.segno, "make", lambda url, **kw: made.append(url) or real_make(url, **kw)
    )
    card = _card(world.school, "ABCD2345")
    world.teacher.classes_taught.add(card.student.classroom)
    client.force_login(world.teacher)
    client.get(reverse("student_card", args=[card.student.pk]))
    assert made == [f"http://testserver{card.qr_path}"]
