"""The three main jobs with the keyboard alone, in a real browser on a laptop: a teacher records
a conversation, whānau comment on a goal and book a time, a leader reads the dashboard and drills
down. Only Tab, Enter, Space, arrows and typing: no pointer. Along the way the focused element
always shows where it is, and after each in-page (htmx) update focus is on the new content."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from conversations.models import Booking, LearningConversation
from learners.models import GoalComment
from tests import factories
from tests.browser.signing import CODE, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRESSES = 80  # more Tabs than any of these pages needs to reach what it offers

# The focus indicator: an outline (links, headings), or Bootstrap's ring (a box shadow) on a
# button or field; a Bootstrap toggle button (.btn-check) wears it on its label.
FOCUS_SHOWN = """() => {
  let shown = document.activeElement;
  if (shown.matches(".btn-check") && shown.labels.length) shown = shown.labels[0];
  const style = getComputedStyle(shown);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== "none";
}"""


@pytest.fixture
def page(browser):
    """A laptop-sized window, in New Zealand English: keyboard users are mostly at a desk."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-NZ")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert errors == []  # a CSP violation or a script error shows as a console error


def tab_to(page, target, role="link", *, presses=PRESSES):
    """Press Tab until ``target`` has focus: a locator, or the accessible name of an element of
    ``role`` (a string matches the whole name). Fails after ``presses`` presses."""
    if isinstance(target, str | re.Pattern):
        target = page.get_by_role(role, name=target, exact=isinstance(target, str))
    target.first.wait_for(state="attached")
    wanted = target.element_handles()  # found once: the page does not change while tabbing
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(wanted) => wanted.includes(document.activeElement)", wanted):
            return
    raise AssertionError(f"{presses} presses of Tab never reached {target}")


def focus_shown(page) -> None:
    """The focused element shows that it has focus (WCAG 2.4.7)."""
    assert page.evaluate(FOCUS_SHOWN), page.evaluate("document.activeElement.outerHTML")


def focus_within(page, selector: str) -> None:
    """After an htmx swap, focus is in the new content."""
    page.wait_for_function(
        "(selector) => document.querySelector(selector)?.contains(document.activeElement)",
        arg=selector,
    )


def sign_in_with_password(page, base_url, email) -> None:
    page.goto(base_url + "/accounts/login/")
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(email)
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/" not in url)


def sign_in_with_code(page, base_url, email) -> None:
    page.goto(base_url + "/accounts/login/code/")
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(email)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    tab_to(page, page.get_by_label("Code"))
    page.keyboard.type(CODE.search(mail.outbox[-1].body)[1])
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/" not in url)


def follow(page) -> None:
    """Enter on the focused link or submit button, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def heading(page, name) -> None:
    page.get_by_role("heading", level=1, name=name).wait_for()


def test_a_teacher_records_a_conversation_from_home(page, live_server, world):
    """Home → the class → the student → their conversations → the form, typed and saved."""
    student = world.student
    sign_in_with_password(page, live_server.url, world.teacher.email)
    main = page.get_by_role("main")
    tab_to(page, main.get_by_role("link", name=world.classroom.name, exact=True))
    focus_shown(page)
    follow(page)
    heading(page, world.classroom.name)
    tab_to(page, main.get_by_role("link", name=student.full_name, exact=True))
    follow(page)
    heading(page, student.full_name)
    tab_to(page, main.get_by_role("link", name="Conversations", exact=True))
    focus_shown(page)
    follow(page)
    tab_to(page, "Record a conversation")
    follow(page)
    heading(page, re.compile("^Record a conversation with"))

    tab_to(page, page.get_by_label("Kind"))
    focus_shown(page)
    page.keyboard.type("Goal")  # a closed select jumps to the option typed
    tab_to(page, page.get_by_label("When"))
    # Typed segment by segment, in the order the browser's own locale sets (day or month
    # first): a day whose number is its month's reads the same either way.
    day = timezone.localdate(timezone=world.school.zone) - datetime.timedelta(days=1)
    while day.day != day.month:
        day -= datetime.timedelta(days=1)
    page.keyboard.type(f"{day:%d%m%Y}")
    page.keyboard.press("Tab")  # a year may have more digits: Tab moves on to the hour
    page.keyboard.type("0930a")
    assert page.get_by_label("When").input_value() == f"{day:%Y-%m-%d}T09:30"
    tab_to(page, page.get_by_label(re.compile("What school has noticed")))
    focus_shown(page)
    page.keyboard.type("We noticed Aroha reads to the class with confidence.")
    tab_to(page, "Save", "button")
    focus_shown(page)
    follow(page)

    page.get_by_text("Conversation recorded.").wait_for()
    page.get_by_text("We noticed Aroha reads to the class with confidence.").wait_for()
    conversation = LearningConversation.objects.get(student=student)
    assert conversation.kind == LearningConversation.Kind.GOAL_SETTING
    assert timezone.localtime(conversation.held_at, world.school.zone).date() == day


def test_whanau_comment_on_a_goal_and_book_a_time(page, live_server, world):
    """My tamariki → goals → the goal: a comment posted in place, focus on the thread; then
    the conversation times: a free time chosen with arrows and Space, and booked."""
    conversation_round = factories.RoundFactory(school=world.school, title="Term 1 hui")
    day = timezone.localdate(timezone=world.school.zone) + datetime.timedelta(days=3)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    three = datetime.datetime.combine(day, datetime.time(15), tzinfo=world.school.zone)
    for n in range(3):
        factories.SlotFactory(
            round=conversation_round,
            host=world.teacher,
            starts_at=three + n * datetime.timedelta(minutes=15),
            location="Room 5",
        )

    sign_in_with_code(page, live_server.url, world.whanau.email)
    main = page.get_by_role("main")
    tab_to(page, main.get_by_role("link", name=world.student.full_name, exact=True))
    focus_shown(page)
    follow(page)
    tab_to(page, main.get_by_role("link", name="Goals", exact=True))
    follow(page)
    tab_to(page, world.goal.title)
    follow(page)
    heading(page, world.goal.title)

    tab_to(page, page.get_by_label("What do you see at home?"))
    focus_shown(page)
    page.keyboard.type("She reads to her little brother every night.")
    tab_to(page, "Post", "button")
    page.keyboard.press("Enter")
    page.locator("#comments").get_by_text("She reads to her little brother every night.").wait_for()
    focus_within(page, "#comments")
    focus_shown(page)
    assert GoalComment.objects.get(goal=world.goal).body.startswith("She reads")

    tab_to(
        page,
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Conversation times"),
    )
    follow(page)
    heading(page, "Conversation times")
    tab_to(page, "Term 1 hui")
    follow(page)
    heading(page, "Term 1 hui")
    tab_to(page, page.get_by_role("radio", name=re.compile(r"^3:00 p\.m\.")))
    focus_shown(page)
    page.keyboard.press("ArrowRight")  # the next time along, chosen as it takes focus
    page.keyboard.press("Space")
    assert page.get_by_role("radio", name=re.compile(r"^3:15 p\.m\.")).is_checked()
    tab_to(page, "Book", "button")
    focus_shown(page)
    follow(page)

    page.get_by_text(re.compile("^Booked for")).first.wait_for()
    booking = Booking.objects.select_related("slot").get(student=world.student)
    assert booking.slot.starts_at == three + datetime.timedelta(minutes=15)


def test_a_leader_reads_the_dashboard_and_drills_down(page, live_server, world):
    """Home → the dashboard → the students behind a figure → one student's page."""
    sign_in_with_password(page, live_server.url, world.leader.email)
    tab_to(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard"))
    focus_shown(page)
    follow(page)
    heading(page, re.compile("^Partnership dashboard"))
    figure = page.get_by_role("region", name="Whānau engagement")
    figure.get_by_text(re.compile("students’ whānau took part")).wait_for()
    tab_to(page, figure.get_by_role("link", name=re.compile("^Whānau did not take part")))
    focus_shown(page)
    follow(page)
    heading(page, "Students whose whānau did not take part")
    tab_to(page, page.get_by_role("main").get_by_role("link", name=world.student.full_name))
    focus_shown(page)
    follow(page)
    heading(page, world.student.full_name)
