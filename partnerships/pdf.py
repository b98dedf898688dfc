"""Turning a printable page (a written report, a class's sign-in cards) into a PDF, with
WeasyPrint.

WeasyPrint needs Pango, a system library: where it is missing, importing WeasyPrint raises
``OSError``. It is imported only here, and only when a PDF is asked for, so the rest of the
app (and ``make run``) works without it; ``pdf_available`` says whether it can run, for
pages that offer the PDF and for the PDF view, which explains how to print instead.

The page's stylesheet and fonts are read from our own static files. Nothing else is
fetched: no network, no other file of the machine.
"""

import functools
import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage


@functools.cache
def pdf_available() -> bool:
    """Whether WeasyPrint and the Pango it needs can be loaded on this machine."""
    try:
        import weasyprint  # noqa: F401  (loads Pango: kept out of start-up)
    except (OSError, ImportError):
        return False
    return True


def render_pdf(html: str, *, base_url: str) -> bytes:
    """The PDF of ``html``, whose relative links are read against ``base_url`` (the site's
    root, such as ``https://school.example/``)."""
    from weasyprint import HTML  # loads Pango: see pdf_available

    return HTML(string=html, base_url=base_url, url_fetcher=_fetcher(base_url)).write_pdf()


def static_path(url: str, *, base_url: str) -> str | None:
    """The local file of one of our static files at ``url``; None for anything else."""
    parts, base = urlsplit(url), urlsplit(base_url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    prefix = urlsplit(settings.STATIC_URL).path
    if not prefix.startswith("/"):
        prefix = "/" + prefix
    if not parts.path.startswith(prefix):
        return None
    name = posixpath.normpath(unquote(parts.path[len(prefix) :]))
    if name.startswith(("/", "..")) or name in ("", "."):
        return None
    # The sources first; then the collected files, whose names carry a hash in production.
    found = finders.find(name)
    if isinstance(found, str):
        return found
    try:
        if staticfiles_storage.exists(name):
            return staticfiles_storage.path(name)
    except (NotImplementedError, ValueError):
        pass  # a storage without local paths, or a name it refuses
    return None


def _fetcher(base_url: str):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        """Serves our static files from disk and refuses every other URL."""

        def fetch(self, url, headers=None):
            path = static_path(url, base_url=base_url)
            if path is None:
                raise ValueError(f"only the site's static files are read: {url}")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            with open(path, "rb") as handle:
                body = handle.read()
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticFilesOnly()
