"""The matrix has a row for every URL pattern of the project, and none for a URL gone.

A new page without a row fails here, naming it: add its row to the matrix (rows_*.py)
saying what each role gets, GET and POST.
"""

from django.urls import URLPattern, URLResolver, get_resolver

from tests.access.matrix import MATRIX

# Whose patterns are ours: the apps' views and the project's own (not allauth, admin, i18n).
OWN_MODULES = ("partnerships.", "learners.", "conversations.", "reports.", "config.")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def project_url_names() -> dict[str, str]:
    """Name → route of each of the project's URL patterns; an unnamed one is named by route."""
    names = {}
    for route, pattern in _walk(get_resolver().url_patterns):
        module = getattr(pattern.callback, "__module__", "") or ""
        if module.startswith(OWN_MODULES):
            names.setdefault(pattern.name or f"<unnamed: {route}>", route)
    return names


def test_the_walk_finds_the_project_urls():
    """A guard on the guard: the walk sees patterns from every app that has pages."""
    routes = project_url_names()
    assert {"home", "goal_detail", "conversation_step_create", "weekly_update_read"} <= set(routes)
    assert "account_login" not in routes  # allauth's, not ours


def test_every_url_pattern_has_a_row():
    missing = {name: route for name, route in project_url_names().items() if name not in MATRIX}
    assert not missing, (
        f"{len(missing)} URL pattern(s) have no row in the access matrix "
        f"(tests/access/rows_*.py): "
        + ", ".join(f"{name} ({route})" for name, route in sorted(missing.items()))
    )


def test_every_row_is_a_url_pattern():
    gone = sorted(set(MATRIX) - set(project_url_names()))
    assert not gone, f"the access matrix has rows for URLs that no longer exist: {gone}"
