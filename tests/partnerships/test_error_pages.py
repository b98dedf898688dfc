"""The pages Django shows without a request of ours (a server error, an unreadable request, a
form open too long) speak the reader's language and stand on their own."""

import pytest
from allauth.core.internal.ratelimit import respond_429
from django.test import RequestFactory
from django.utils import translation
from django.views.csrf import csrf_failure
from django.views.defaults import bad_request, server_error

PAGES = {
    "500": (lambda request: server_error(request), 500),
    "400": (lambda request: bad_request(request, Exception("unreadable")), 400),
    "csrf": (lambda request: csrf_failure(request, reason="CSRF token missing."), 403),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("language", "words"), [("en", "Go to your home page"), ("mi", "Haere")])
def test_error_pages_in_the_readers_language(page, language, words):
    """Each is a whole page in the language the reader was using, with a way home, and
    nothing of the technical reason (a CSRF failure's reason is for the logs)."""
    view, status = PAGES[page]
    with translation.override(language):
        response = view(RequestFactory().get("/"))
    content = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}">' in content
    assert "<main" in content
    assert 'href="/"' in content
    assert "CSRF" not in content
    assert words in content
    if language == "mi":
        # The catalogue has the page's words: none of the English is left.
        assert "Go to your home page" not in content


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "mi"])
def test_too_many_tries_is_a_page_in_the_readers_language(client, language):
    """allauth's rate limit answers with our page, not its own English one."""
    client.cookies["django_language"] = language
    request = client.get("/").wsgi_request
    with translation.override(language):
        response = respond_429(request)
    content = response.content.decode()
    assert response.status_code == 429
    assert f'<html lang="{language}">' in content
    words = {"en": "Too many tries for now", "mi": "He maha rawa ngā whakamātau mō tēnei wā"}
    assert words[language] in content
