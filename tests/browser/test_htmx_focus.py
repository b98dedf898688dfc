"""In a real browser: after an in-page (htmx) update, keyboard focus is on the new content (not
lost to the top of the page), and the one polite live region says what happened; typing in a
search box keeps focus there, and a progress bar asking again each second neither takes focus
nor speaks until it is done."""

import re

import pytest

from reports import publishing
from reports.models import PublishRun
from tests import factories
from tests.browser.signing import sign_in_with_code, sign_in_with_password
from tests.browser.test_keyboard import focus_within, tab_to
from tests.browser.test_reports import _ready_class

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def said(page, text) -> None:
    """The live region reads out ``text`` (a pattern: part of what it says)."""
    page.locator("#announcer").filter(has_text=text).wait_for(state="attached")


def focused(page, script: str) -> bool:
    return page.evaluate(f"() => {{ const focused = document.activeElement; return {script}; }}")


def test_a_step_ticked_and_a_comment_posted_keep_focus_and_say_so(page, live_server, world):
    """The tick button, swapped for its new self, keeps focus and reads out its new state; a
    comment refused focuses the field and reads out why; posted, focus is on the thread."""
    step = factories.NextStepFactory(goal=world.goal, text="Read for ten minutes at bedtime")
    sign_in_with_code(page, live_server.url, world.whanau.email)
    page.goto(f"{live_server.url}/goals/{world.goal.pk}/")

    tab_to(page, re.compile(r"^Mark done\s*: Read for ten minutes"), "button")
    page.keyboard.press("Enter")
    done = page.get_by_role("button", name=re.compile(r"Done\s*: Read for ten minutes"))
    done.wait_for()
    assert done.get_attribute("aria-pressed") == "true"
    page.wait_for_function("() => document.activeElement.matches('[aria-pressed=true]')")
    assert focused(page, f"focused.closest('#step-{step.pk}') !== null")
    said(page, "Done: Read for ten minutes at bedtime")

    tab_to(page, "Post", "button")
    page.keyboard.press("Enter")  # nothing written
    page.wait_for_function("() => document.activeElement.id === 'comment-body'")
    assert focused(page, "focused.getAttribute('aria-invalid') === 'true'")
    said(page, "Write something before posting.")

    page.keyboard.type("He loves ticking it off himself.")
    tab_to(page, "Post", "button")
    page.keyboard.press("Enter")
    page.locator("#comments").get_by_text("He loves ticking it off himself.", exact=True).wait_for()
    focus_within(page, "#comments")
    assert focused(page, "focused.id === 'comments-heading'")
    said(page, "Your comment is posted.")
    # The next Tab goes on from the thread, not from the top of the page.
    page.keyboard.press("Tab")
    assert focused(page, "document.getElementById('comments').contains(focused)")


def test_searching_keeps_focus_in_the_box_and_reads_out_the_count(page, live_server, world):
    """Typing a name swaps the results in; focus stays where the typing is."""
    sign_in_with_password(page, live_server.url, world.teacher.email)
    page.goto(live_server.url + "/students/")
    tab_to(page, page.get_by_label("Find a student by name"))
    page.keyboard.type(world.classmate.first_name)
    results = page.locator("#results")
    results.get_by_role("link", name=world.classmate.full_name).wait_for()
    page.get_by_role("link", name=world.student.full_name).wait_for(state="detached")
    assert page.locator("#results").count() == 1  # swapped whole, not nested in itself
    assert focused(page, "focused.id === 'student-search'")
    said(page, re.compile(r"^1 student\.$"))


def test_progress_asked_again_leaves_focus_and_speaks_when_done(
    page, live_server, world, monkeypatch
):
    """While publishing, the bar's polls move no focus and say nothing; when it is done, what
    came of it is read out once, and focus has stayed where the person left it."""
    _ready_class(world)
    monkeypatch.setattr(publishing, "_enqueue", lambda run_id: None)  # the test moves it on
    sign_in_with_password(page, live_server.url, world.teacher.email)
    page.goto(live_server.url + "/reports/")
    page.get_by_role("link", name="End of year").click()
    page.get_by_role("button", name=re.compile("Publish .* ready reports")).click()
    page.get_by_text("0 of 2 looked at").wait_for()
    tab_to(page, "Back to the round")
    for _ in range(2):  # two polls answered and swapped in
        with page.expect_response(re.compile(r"/reports/runs/\d+/$")):
            pass
    # Longer than a swap's settling and the announcer's own delay: anything said would be there.
    page.wait_for_timeout(500)
    assert focused(page, "focused.textContent.trim() === 'Back to the round'")
    assert page.locator("#announcer").text_content() == ""

    publishing.publish_run_continue(PublishRun.objects.get().pk)
    page.get_by_text("Done.").wait_for()
    said(page, "2 reports published and sent home.")
    assert focused(page, "focused.textContent.trim() === 'Back to the round'")


def test_a_table_that_scrolls_on_a_phone_is_reached_and_named(page, live_server, world):
    """At 320 px a wide table scrolls in its own box: Tab reaches the box (so the arrow keys
    scroll it) and a screen reader hears what it holds; at desktop width it is no stop."""
    sign_in_with_password(page, live_server.url, world.leader.email)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"{live_server.url}/school/whanau/")
    box = page.locator(".table-responsive[role=region]").first
    box.wait_for(state="attached")
    assert box.get_attribute("tabindex") == "0"
    label = page.locator(f"#{box.get_attribute('aria-labelledby')}")
    assert label.inner_text().strip()
    for _ in range(60):
        page.keyboard.press("Tab")
        if focused(page, "focused.matches('.table-responsive[role=region]')"):
            break
    else:
        pytest.fail("Tab never reached the table's box")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function("() => !document.querySelector('.table-responsive[tabindex]')")
