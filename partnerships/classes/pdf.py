"""A class's sign-in cards as one printable A4 PDF, made with WeasyPrint.

WeasyPrint needs Pango, a system library: it is imported only when a PDF is made, so the
rest of the app starts without it, and ``pdf_available`` says whether it can run. The
cards' page carries its own stylesheet and its QR codes inline; the only files it asks for
are our own fonts, read from disk. Nothing else is fetched: no network, no other file.
"""

import functools
import mimetypes
from urllib.parse import urljoin

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static

# Noto Sans (fonts/noto-sans/LICENSE.txt): Latin and Latin Extended, for te reo Māori's
# macrons, regular and bold. The page names them with ``{% static %}`` as listed here.
FONTS = tuple(
    f"fonts/noto-sans/noto-sans-{part}-{weight}-normal.woff2"
    for part in ("latin", "latin-ext")
    for weight in (400, 700)
)


@functools.cache
def pdf_available() -> bool:
    """Whether WeasyPrint and the Pango it needs can be loaded on this machine."""
    try:
        import weasyprint  # noqa: F401  (loads Pango: kept out of start-up)
    except (OSError, ImportError):
        return False
    return True


def render_cards(html: str, *, base_url: str) -> bytes:
    """The PDF of the cards' page ``html``; ``base_url`` is the site's root, which the
    fonts' addresses are read against."""
    from weasyprint import HTML  # loads Pango: see pdf_available

    return HTML(string=html, base_url=base_url, url_fetcher=_fonts_only(base_url)).write_pdf()


def _font_file(name: str) -> str | None:
    found = finders.find(name)
    if isinstance(found, str):
        return found
    try:  # collected, where the sources are not deployed
        return staticfiles_storage.path(name) if staticfiles_storage.exists(name) else None
    except NotImplementedError:
        return None


def _fonts_only(base_url: str):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    files = {urljoin(base_url, static(name)): name for name in FONTS}

    class FontsOnly(URLFetcher):
        """Serves our fonts from disk and refuses every other address."""

        def fetch(self, url, headers=None):
            path = _font_file(files[url]) if url in files else None
            if path is None:
                raise ValueError(f"only the cards' fonts are read: {url}")
            content_type = mimetypes.guess_type(path)[0] or "font/woff2"
            with open(path, "rb") as handle:
                body = handle.read()
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return FontsOnly()
