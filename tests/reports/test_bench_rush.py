"""The booking rush: the form a family fills in, the round it races in, and a small rush."""

import random
import threading

import pytest
from django.test import Client

from conversations.models import Booking, ConversationRound
from reports.bench import rush
from reports.bench.pages import demo_school
from reports.bench.seeding import seed

PAGE = """
<form method="post"><input type="hidden" name="action" value="ask">
  <input type="hidden" name="csrfmiddlewaretoken" value="other"></form>
<form method="post">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="action" value="book">
  <input type="radio" name="time-7" value="" checked>
  <input type="radio" name="time-7" value="{first}">
  <input type="radio" name="time-7" value="41:2"><input type="radio" name="time-7" value="42:2">
  <input type="radio" name="time-7" value="43:2">
  <input type="radio" name="how" value="school" checked>
  <input type="radio" name="how" value="phone">
  <input type="checkbox" name="needs_childcare">
</form>
"""


def _choice(page: str, seed_value: int = 1):
    form = rush.BookForm()
    form.feed(page)
    return form.choice(random.Random(seed_value))


def test_a_family_sends_the_book_form_with_one_of_the_first_three_times():
    """Hidden fields of the Book form (not the other form's), the first way offered, and one
    of the first three times: never "Not now", never the fourth."""
    chosen = {_choice(PAGE.format(first="40:2"), n)["time-7"] for n in range(30)}
    assert chosen == {"40:2", "41:2", "42:2"}
    data = _choice(PAGE.format(first="40:2"))
    assert data["csrfmiddlewaretoken"] == "tok"
    assert data["action"] == "book"
    assert data["how"] == "school"
    assert "needs_childcare" not in data


def test_a_page_with_no_free_time_leaves_nothing_to_send():
    """No time offered (only "Not now"): the family gives up."""
    page = PAGE.replace('name="time-7" value="{first}"', 'name="x" value="y"')
    assert _choice(page.replace("41:2", "").replace("42:2", "").replace("43:2", "")) is None


@pytest.mark.django_db(transaction=True)
def test_a_small_rush_books_each_family_once_and_no_time_twice(live_server):
    """Eight families race at once for the first times of a fresh round through the real pages:
    each is booked once (choosing again when beaten to a time), every answer is one a person
    expects, no time is held twice, and closing the rush leaves no round behind."""
    seed(1, 60, lambda line: None)
    school = demo_school()
    conversation_round, families = rush.open_rush(school, classes=1)
    families = families[:8]
    assert conversation_round.slots.exists()
    assert len(families) >= 4
    server = type("Live", (), {"port": int(live_server.url.rsplit(":", 1)[1])})()
    path = f"/rounds/{conversation_round.pk}/book/"
    result = rush.Result()
    threads = []
    for index, user in enumerate(families):
        client = Client()
        client.force_login(user)
        cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
        family = random.Random(index)
        threads.append(
            threading.Thread(
                target=rush.family_books,
                args=(server, path, cookie, result, family, lambda: 0),
                # Each refusal is another family booked: this many tries always find a time.
                kwargs={"tries": len(families)},
            )
        )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert result.errors == []
    assert result.booked == len(families)
    assert len(result.timings["booking page"]) >= len(families)
    assert rush.double_bookings(conversation_round) == 0
    held = Booking.objects.active().filter(slot__round=conversation_round).count()
    assert held == len(families)
    rush.close_rush(conversation_round)
    assert not ConversationRound.objects.filter(pk=conversation_round.pk).exists()
