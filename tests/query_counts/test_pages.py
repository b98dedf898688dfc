"""Every page's SQL queries are pinned exactly, and stay the same however much it lists.

Each row (``rows_*.py``) names its page's queries one by one. A page that lists things
is measured with one of each, then with ``MORE`` more: the same count at both sizes, or
the page makes a query per row. Every GET page of the project has a row, or a reason here.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from tests.query_counts import (
    rows_classes,
    rows_conversations,
    rows_documents,
    rows_imports,
    rows_learners,
    rows_partnerships,
    rows_privacy_consent,
    rows_privacy_exports,
    rows_privacy_notice,
    rows_privacy_requests,
    rows_privacy_retention,
    rows_reports,
    rows_schedules,
    rows_setup,
    rows_weekly,
    rows_written,
    rows_year,
)
from tests.query_counts.pages import Page
from tests.query_counts.scene import Scene

PAGES: list[Page] = [
    *rows_privacy_notice.PAGES,
    *rows_privacy_consent.PAGES,
    *rows_privacy_requests.PAGES,
    *rows_privacy_exports.PAGES,
    *rows_privacy_retention.PAGES,
    *rows_partnerships.PAGES,
    *rows_learners.PAGES,
    *rows_conversations.PAGES,
    *rows_schedules.PAGES,
    *rows_weekly.PAGES,
    *rows_reports.PAGES,
    *rows_written.PAGES,
    *rows_documents.PAGES,
    *rows_setup.PAGES,
    *rows_imports.PAGES,
    *rows_classes.PAGES,
    *rows_year.PAGES,
]

PROJECT_APPS = {"partnerships", "learners", "conversations", "reports"}

# URL names with no GET page, each checked below to answer GET with 405.
POST_ONLY = {
    "invitation_resend": "sends an invitation again",
    "school_two_factor": "requires two-factor sign-in of a school's leaders, or stops",
    "school_households": "says whether each household books its own conversation",
    "student_household": "says whom one of a student's whānau lives with",
    "goal_agree": "agrees to a goal",
    "next_step_create": "adds a next step",
    "next_step_done": "ticks a step done",
    "next_step_move": "moves a step up or down",
    "evidence_add": "adds evidence",
    "comment_post": "posts a comment",
    "comment_delete": "deletes a comment",
    "comment_hide": "hides a comment",
    "conversation_step_create": "adds a step agreed in a conversation",
    "reflection_add": "adds a reflection",
    "time_request_answer": "answers a request for another time",
    "booking_cancel": "cancels a booking",
    "weekly_update_approve": "approves weekly updates",
    "weekly_update_answer": "answers whānau replies to an update, from the inbox",
    "report_class_publish": "starts publishing a class's reports",
    "report_status": "moves a report on (to the student, ready, approved)",
    "report_publish": "sends a report home",
    "report_home_help": "saves the family's “how you can help at home”",
    "report_respond": "saves a response to a report",
    **rows_setup.POST_ONLY,
    **rows_imports.POST_ONLY,
    **rows_classes.POST_ONLY,
    **rows_year.POST_ONLY,
    **rows_privacy_consent.POST_ONLY,
    **rows_privacy_notice.POST_ONLY,
}


def _params(pages):
    for page in pages:
        marks = [pytest.mark.xfail(strict=True, reason=page.grows)] if page.grows else []
        yield pytest.param(page, id=str(page), marks=marks)


def _get(client, url, page, django_assert_num_queries):
    info = "Expected, in order:\n" + "\n".join(f"  {n}. {q}" for n, q in enumerate(page.queries, 1))
    with django_assert_num_queries(len(page.queries), info=info):
        response = client.get(url)
    assert response.status_code == page.status
    if response.streaming:  # a file: read it, which also closes it
        assert b"".join(response.streaming_content)
        return ""
    return response.content.decode()


@pytest.mark.parametrize("page", list(_params(PAGES)))
def test_page_queries(client, world, django_assert_num_queries, page):
    """The page makes exactly its listed queries, as many with more rows to list as with one."""
    scene = Scene(world)
    if page.given:
        page.given(scene)
    url = page.url(scene)
    if page.role != "anonymous":
        client.force_login(getattr(world, page.role))
    _get(client, url, page, django_assert_num_queries)
    if page.more is None:
        return
    added = page.more(scene)
    content = _get(client, url, page, django_assert_num_queries)
    if page.more_hidden:
        assert [text for text in added if text in content] == []
    else:
        assert [text for text in added if text not in content] == []


def _project_patterns(patterns=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _project_patterns(pattern.url_patterns)
        elif pattern.name and pattern.callback.__module__.split(".")[0] in PROJECT_APPS:
            yield pattern


def test_every_get_page_has_its_queries_pinned():
    """A new page of ours fails here until it has a row (or, if it only takes posts, a reason)."""
    names = {pattern.name for pattern in _project_patterns()}
    counted = {page.name for page in PAGES}
    assert sorted(names - counted - POST_ONLY.keys()) == []
    assert sorted((counted | POST_ONLY.keys()) - names) == []  # no row for a page that is gone
    assert counted.isdisjoint(POST_ONLY)


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_urls_have_no_get_page(client, world, name):
    """What is left out for taking only posts answers a GET with 405, not a page."""
    (pattern,) = [p for p in _project_patterns() if p.name == name]
    kwargs = {
        key: 1 if isinstance(converter, IntConverter) else "x"
        for key, converter in pattern.pattern.converters.items()
    }
    client.force_login(world.teacher)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 405
