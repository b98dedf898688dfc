"""The accessibility sweep's parts: axe-core run in a browser context per role and language,
and the reflow checks of WCAG 1.4.10 (no sideways scrolling at 320 CSS px, nor with text at
200%).

axe-core is a test tool installed from npm (``make test`` runs ``npm ci``); it is injected
into the pages under test only, never served to anyone.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.test import Client

AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = ("en", "mi")
DESKTOP = {"width": 1280, "height": 800}
NARROW = 320  # WCAG 1.4.10: 320 CSS px wide, one column and no sideways scrolling
ZOOMED = 640  # a 1280 px window with text at 200%: the same 640 CSS px of room

# axe's default rules (WCAG 2 A and AA, and its best practices), each violation reduced to
# what a failure names.
RUN_AXE = """async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((node) => node.target.join(" ")),
    }));
}"""
SCROLL_WIDTH = "document.documentElement.scrollWidth"
TEXT_AT_200 = "document.documentElement.style.fontSize = '200%'"

# What differs between two requests for the same page: the CSRF token and the CSP nonce.
PER_REQUEST = re.compile(r'[A-Za-z0-9]{64}|nonce="[^"]*"')


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    name: str  # the page: its URL's name and address, or the refusal page's name
    role: str
    language: str
    selector: str
    help: str

    def __str__(self):
        return " | ".join(
            (self.rule, self.impact, self.name, self.role, self.language, self.selector, self.help)
        )


def new_context(browser, base_url: str, language: str, user=None):
    """A browser context in ``language``, signed in as ``user`` by a session cookie (a Django
    test client's sign-in, much faster than the form), with axe-core in every page."""
    context = browser.new_context(viewport=DESKTOP)
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url})
    context.add_cookies(cookies)
    context.add_init_script(path=str(AXE_JS))
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def same_page(html: str, user=None) -> str:
    """The page's HTML without what changes from one request to the next, nor the name of
    the person signed in (in the menu): two people shown the same page audit once."""
    html = PER_REQUEST.sub("", html)
    return html.replace(user.name, "") if user is not None and user.name else html


def audit(page, *, name: str, role: str, language: str) -> list:
    """axe's violations on the page shown, then its reflow at 320 px and at 640 px with text
    at 200%; the window is put back to desktop size for the next address (loading it resets
    the text size)."""
    found = [
        Violation(v["id"], v["impact"] or "", name, role, language, target, v["help"])
        for v in page.evaluate(RUN_AXE)
        for target in v["targets"]
    ]
    for width, zoom in ((NARROW, False), (ZOOMED, True)):
        page.set_viewport_size({"width": width, "height": 800})
        if zoom:
            page.evaluate(TEXT_AT_200)
        scrolled = page.evaluate(SCROLL_WIDTH)
        if scrolled > width:
            where = f"{width}px wide" + (", text at 200%" if zoom else "")
            found.append(
                Violation(
                    "reflow",
                    "serious",
                    name,
                    role,
                    language,
                    widest(page, width),
                    f"the page scrolls sideways at {where} ({scrolled}px)",
                )
            )
    page.set_viewport_size(DESKTOP)
    return found


WIDEST = """(width) => {
    // Inside a box that scrolls or clips on its own (a wide table's .table-responsive), an
    // element does not make the page scroll.
    // An absolutely placed element is clipped only by a box it is placed in.
    const placed = (style) => ["absolute", "fixed"].includes(style.position);
    const clipped = (el) => {
        let absolute = placed(getComputedStyle(el));
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            const style = getComputedStyle(up);
            const contains = !absolute || style.position !== "static";
            if (contains && style.overflowX !== "visible") return true;
            if (contains) absolute = placed(style);
        }
        return false;
    };
    const past = (el) => el.getBoundingClientRect().right > width + 1;
    const wide = [];
    for (const el of document.body.querySelectorAll("*")) {
        const scrolls = getComputedStyle(el).overflowX !== "visible";
        if (past(el) && el.getBoundingClientRect().width > 0 && !clipped(el)
                && (scrolls || ![...el.children].some(past))) {
            const id = el.id ? "#" + el.id : "";
            const cls = el.classList.length ? "." + [...el.classList].join(".") : "";
            wide.push(el.tagName.toLowerCase() + id + cls);
        }
    }
    return wide.slice(0, 5).join(", ");
}"""


def widest(page, width: int) -> str:
    """The innermost elements reaching past the right edge: what to make narrower."""
    return page.evaluate(WIDEST, width)
